/**
 * Pure mapping from NBIA v4 rows to unified records (README §5 cheat-sheet, TCIA/NBIA column):
 * - case id `<repositoryId>/<PatientID>`; sex from PatientSex (M/F/O); NBIA has no diagnosis fields (§2a
 *   "Gotchas"), so the cancer site comes from the collection's metadata in the federation config, and a collection
 *   the config does not describe gives UNKNOWN;
 * - age at diagnosis is the PatientAge (DICOM AS, "058Y", "030M") of the patient's first study, in years, the
 *   schema's rule for imaging-only repositories ("the age at the first imaging study"); an age outside 0-130 years
 *   is refused as bad native data (sdk/age.ts), a missing one is unknown;
 * - subjects NBIA marks `Phantom: "YES"` (getPatient) are quality-control test objects, not patients: they are
 *   kept apart (splitHarvest), never counted or listed, and counted per collection in the collection's description;
 * - the collection's DOI is the one NBIA links its series to (`DataDescriptionURI`, v1 `CollectionURI`) when the
 *   config gives none;
 * - modality and body part are normalised with the shared code tables, the raw strings kept; ImageCount is the
 *   instance count and FileSize the size in bytes (§2a);
 * - each series can be fetched with NBIA getImage (a ZIP of the series), handed over as a retrieve reference.
 */
import type { CancerSite, Diagnosis, Modality } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { ALL_MODALITIES, normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import { checkedAgeYears } from '../sdk/age';
import type { CollectionMetadata } from '../sdk/entry';
import { sortBySubject } from '../sdk/index-pages';
import type { CaseOutline, CaseRecord, CollectionRecord, FullCaseRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import type { PatientRow, PatientStudyRow, SeriesRow, SimpleSearchSubject } from './native-types';

export interface MappingContext {
  repositoryId: string;
  /** The v4 base URL, for getImage references. */
  baseUrl: string;
  /** Collection metadata from the federation config, by collection id. */
  collections: ReadonlyMap<string, CollectionMetadata>;
}

/**
 * DICOM AS (PS3.5 Table 6.2-1: nnnD, nnnW, nnnM or nnnY) in years; a bare number is taken as years.
 * Null when absent or unreadable.
 */
export function ageInYears(raw: string | null | undefined): number | null {
  const match = /^\s*(\d{1,3})\s*([DWMY]?)\s*$/i.exec(raw ?? '');
  if (!match) return null;
  const n = Number(match[1]);
  switch (match[2].toUpperCase()) {
    case 'D': return n / 365.25;
    case 'W': return (n * 7) / 365.25;
    case 'M': return n / 12;
    default: return n;
  }
}

import { isoDate } from '../../schema/codes/date';
import { intern } from '../sdk/intern';
import { lazyRetrieve } from '../sdk/lazy-retrieve';

export { isoDate };

/** The getImage URL of a series (§2a "Download"). */
export function retrieveUrl(baseUrl: string, seriesUid: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/getImage?SeriesInstanceUID=${encodeURIComponent(seriesUid)}`;
}

export function caseId(repositoryId: string, patientId: string): string {
  return `${repositoryId}/${patientId}`;
}

/** The cancer site of a collection per the config; UNKNOWN for a collection the config does not describe. */
export function cancerSiteOf(collectionId: string | null, collections: ReadonlyMap<string, CollectionMetadata>): CancerSite {
  return (collectionId !== null ? collections.get(collectionId)?.cancerSite : undefined) ?? 'UNKNOWN';
}

/** The diagnosis NBIA can tell: the cancer site of the collection, nothing else. */
export function diagnosisOf(collectionId: string | null, collections: ReadonlyMap<string, CollectionMetadata>): Diagnosis {
  return {
    cancerSite: cancerSiteOf(collectionId, collections),
    icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null,
  };
}

/** NBIA getImage, built when read (sdk/lazy-retrieve.ts): an index keeps no URL per series. */
const withGetImage = lazyRetrieve('NBIA_GET_IMAGE', (series, baseUrl) => retrieveUrl(baseUrl, series.uid));

export function seriesRecord(row: SeriesRow, baseUrl: string): SeriesRecord {
  return withGetImage({
    uid: row.SeriesInstanceUID,
    modality: normaliseModality(row.Modality),
    modalityRaw: intern(row.Modality),
    bodyPart: normaliseBodyPart(row.BodyPartExamined),
    bodyPartRaw: intern(row.BodyPartExamined),
    manufacturer: intern(row.Manufacturer),
    description: intern(row.SeriesDescription),
    instanceCount: row.ImageCount === null ? null : Math.trunc(row.ImageCount),
    sizeBytes: row.FileSize,
  }, baseUrl);
}

/** Normalised modalities in schema order. */
export function modalitiesOf(raw: ReadonlyArray<string | null>): Modality[] {
  const present = new Set(raw.map((m) => normaliseModality(m)).filter((m): m is Modality => m !== null));
  return ALL_MODALITIES.filter((m) => present.has(m));
}

/** A study from its getPatientStudy row (null when only its series are known) and its series rows. */
export function studyRecord(uid: string, studyRow: PatientStudyRow | null, seriesRows: readonly SeriesRow[], baseUrl: string): StudyRecord {
  const ordered = [...seriesRows].sort((a, b) => (a.SeriesNumber ?? Infinity) - (b.SeriesNumber ?? Infinity)
    || compare(a.SeriesInstanceUID, b.SeriesInstanceUID));
  const series = ordered.map((row) => seriesRecord(row, baseUrl));
  const first = seriesRows.at(0);
  const counts = series.map((s) => s.instanceCount);
  return {
    uid,
    date: isoDate(studyRow?.StudyDate ?? first?.StudyDate),
    description: studyRow?.StudyDescription ?? first?.StudyDesc ?? null,
    modalities: modalitiesOf(series.map((s) => s.modalityRaw ?? null)),
    bodyParts: [...new Set(series.map((s) => s.bodyPart))],
    // The series listed by getSeries are the truth; SeriesCount stands in when they are not known.
    seriesCount: series.length > 0 ? series.length : studyRow?.SeriesCount ?? 0,
    // Unknown when a series lacks ImageCount, or when getSeries listed none of the study's series.
    instanceCount: counts.length === 0 || counts.some((c) => c === null) ? null : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0),
    series,
  };
}

/**
 * Cases of one harvest: getPatientStudy rows and getSeries rows, joined on StudyInstanceUID, grouped by PatientID,
 * sorted by subject id (the order keyset cursors rely on). Studies are in date order, so the first study is the
 * earliest; age at diagnosis is the PatientAge of the earliest study that has one. `sexOf` gives getPatient's
 * PatientSex for patients whose study and series rows have none. With `checkAges` false (test objects) an
 * implausible age is kept unchecked.
 */
export function caseRecords(
  studyRows: readonly PatientStudyRow[], seriesRows: readonly SeriesRow[], context: MappingContext,
  options: { sexOf?: ReadonlyMap<string, string | null>; checkAges?: boolean } = {},
): FullCaseRecord[] {
  const seriesByStudy = groupBy(seriesRows, (row) => row.StudyInstanceUID);
  interface Patient { id: string; collection: string | null; sex: string | null; studies: Map<string, { row: PatientStudyRow | null; age: string | null }> }
  const patients = new Map<string, Patient>();
  const patientOf = (id: string, collection: string | null): Patient => {
    let patient = patients.get(id);
    if (!patient) patients.set(id, (patient = { id, collection, sex: null, studies: new Map() }));
    patient.collection ??= collection;
    return patient;
  };
  for (const row of studyRows) {
    const patient = patientOf(row.PatientID, row.Collection);
    patient.sex ??= row.PatientSex;
    patient.studies.set(row.StudyInstanceUID, { row, age: row.PatientAge });
  }
  // Series of a study getPatientStudy did not list (released between the two calls) still make a study.
  for (const row of seriesRows) {
    const patient = patientOf(row.PatientID, row.Collection);
    patient.sex ??= row.PatientSex;
    if (!patient.studies.has(row.StudyInstanceUID)) patient.studies.set(row.StudyInstanceUID, { row: null, age: row.PatientAge });
  }
  const records: FullCaseRecord[] = [];
  for (const patient of patients.values()) {
    const studies = [...patient.studies].map(([uid, s]) => ({
      age: s.age,
      record: studyRecord(uid, s.row, seriesByStudy.get(uid) ?? [], context.baseUrl),
    }));
    studies.sort((a, b) => compare(a.record.date ?? '9999', b.record.date ?? '9999') || compare(a.record.uid, b.record.uid));
    const firstAge = studies.find((s) => ageInYears(s.age) !== null)?.age ?? null;
    const years = ageInYears(firstAge);
    records.push({
      id: caseId(context.repositoryId, patient.id),
      repositoryId: context.repositoryId,
      subjectId: patient.id,
      collection: patient.collection,
      sex: normaliseSex(patient.sex ?? options.sexOf?.get(patient.id) ?? null),
      ageAtDiagnosis: years === null || options.checkAges === false ? years
        : checkedAgeYears(years, context.repositoryId, `the PatientAge "${firstAge}" of a getPatientStudy or getSeries row`),
      diagnosis: diagnosisOf(patient.collection, context.collections),
      studies: studies.map((s) => s.record),
    });
  }
  return sortBySubject(records);
}

/** One harvest's rows, patients apart from quality-control subjects. */
export interface SplitHarvest {
  /** Patients, sorted by subject id. */
  records: FullCaseRecord[];
  /** Subjects NBIA marks `Phantom: "YES"`: never counted or listed, kept to recognise them in search results. */
  phantoms: FullCaseRecord[];
}

/**
 * Maps a harvest, setting apart the subjects getPatient (or a series row) marks as phantoms: their studies and
 * series are not patient data.
 */
export function splitHarvest(
  studyRows: readonly PatientStudyRow[], seriesRows: readonly SeriesRow[], patientRows: readonly PatientRow[], context: MappingContext,
): SplitHarvest {
  const phantomIds = new Set([...patientRows.filter((p) => p.Phantom), ...seriesRows.filter((s) => s.Phantom)].map((row) => row.PatientID));
  const isPhantom = (row: { PatientID: string }) => phantomIds.has(row.PatientID);
  const sexOf = new Map(patientRows.map((p) => [p.PatientID, p.PatientSex]));
  return {
    records: caseRecords(studyRows.filter((r) => !isPhantom(r)), seriesRows.filter((r) => !isPhantom(r)), context, { sexOf }),
    phantoms: caseRecords(studyRows.filter(isPhantom), seriesRows.filter(isPhantom), context, { sexOf, checkAges: false }),
  };
}

/** The DOI of a `DataDescriptionURI` / `CollectionURI` link ("https://doi.org/10.7937/K9/TCIA.2015.7GO2GSKS"). */
export function doiOf(uri: string | null | undefined): string | null {
  const match = /^\s*(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:)(10\.\d{4,9}\/\S+)\s*$/i.exec(uri ?? '');
  return match ? match[1] : null;
}

/** A case known only from a getSimpleSearch row: what the row tells, the rest unknown. */
export function caseFromSearch(subject: SimpleSearchSubject, context: MappingContext): CaseRecord {
  return {
    id: caseId(context.repositoryId, subject.subjectId),
    repositoryId: context.repositoryId,
    subjectId: subject.subjectId,
    collection: subject.project,
    sex: null,
    ageAtDiagnosis: null,
    diagnosis: diagnosisOf(subject.project, context.collections),
  };
}

/**
 * A collection from the harvest: its patients (phantoms left out), the test subjects NBIA holds in it, the DOI its
 * series link to, and the config's catalogue metadata (which wins).
 */
export function collectionRecord(
  id: string, patients: readonly CaseOutline[], phantomSubjects: number, nativeDoi: string | null, metadata: CollectionMetadata | undefined,
): CollectionRecord {
  const description = metadata?.description ?? null;
  const testObjects = phantomSubjects === 0 ? null
    : `NBIA also holds ${phantomSubjects} phantom (quality-control test object) subject${phantomSubjects === 1 ? '' : 's'} in this collection, not counted here.`;
  return {
    id,
    name: metadata?.name ?? id,
    description: [description, testObjects].filter((part) => part !== null).join(' ') || null,
    licence: metadata?.licence ?? null,
    doi: metadata?.doi ?? nativeDoi,
    landingPage: metadata?.landingPage ?? null,
    subjects: patients.length,
    studies: patients.reduce((sum, p) => sum + p.studies.length, 0),
    cancerSites: [metadata?.cancerSite ?? 'UNKNOWN'],
    modalities: modalitiesOf(patients.flatMap((p) => p.studies.flatMap((s) => s.series.map((x) => x.modalityRaw)))),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
