/**
 * Pure mapping from XNAT listing rows to unified records (README §5 cheat-sheet, XNAT column):
 * - a case is an XNAT subject; its collection is the subject's project; the subject id is the subject label (the
 *   pseudonym researchers see), or `<project>:<label>` when two subjects of the harvest share a label (labels are
 *   unique per project only);
 * - sex is the demographics gender ("male"/"female"/"M"/"F"/"other"/"" all occur), normalised with the shared
 *   table; age at diagnosis, diagnosis codes, year of diagnosis and stage come from subject custom variables, as
 *   strings (options.ts names them); the cancer site is derived from the ICD-O-3 topography, else the ICD-10 code;
 * - a study is an imaging session (experiment); its uid is the DICOM StudyInstanceUID (`UID`), else the experiment
 *   accession number; its description is `session_type` (XNAT fills it from the DICOM StudyDescription);
 * - a series is a scan: modality from the scan's DICOM modality, else from the data type (`xnat:ctScanData` → CT;
 *   for a scan without either, the session type's modality); instance count from `frames`; manufacturer from
 *   `scanner/manufacturer`; body part from the configured column. XNAT listings carry no size (only a call per scan
 *   resource would), so sizeBytes is null;
 * - retrieve is XNAT_REST with `scanDownloadUrl`: a ZIP of the scan's DICOM files.
 */
import type { Diagnosis, Modality } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import { checkedAgeYears } from '../sdk/age';
import type { CollectionMetadata } from '../sdk/entry';
import { collectionsFromCases } from '../sdk/collections';
import { sortBySubject } from '../sdk/index-pages';
import type { CaseOutline, CollectionRecord, FullCaseRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import type { ClinicalField, ProjectRow, ScanColumns, SessionScanRow, SubjectRow } from './native-types';

export interface MappingContext {
  repositoryId: string;
  /** The XNAT base URL, for the scans' download references; left out, series carry no retrieve reference. */
  baseUrl?: string;
}

// XNAT data types by the modality prefix of their name (xnat:<prefix>SessionData / xnat:<prefix>ScanData).
const XSI_PREFIX_MODALITY: Record<string, Modality> = {
  mr: 'MR', ct: 'CT', pet: 'PT', petmr: 'PT', cr: 'CR', dx: 'DX', dx3dcraniofacial: 'DX', mg: 'MG', us: 'US', nm: 'NM',
  xa: 'XA', xa3d: 'XA', rf: 'RF', sr: 'SR', sm: 'SM', seg: 'SEG', otherdicom: 'OT', sc: 'OT', rtimage: 'OT',
};

/** The modality an XNAT session or scan data type stands for ("xnat:petSessionData" → PT); null when none. */
export function modalityFromXsiType(xsiType: string | null | undefined): Modality | null {
  const match = /^\s*xnat:([a-z0-9]+?)(?:Session|Scan)Data\s*$/i.exec(xsiType ?? '');
  return match ? XSI_PREFIX_MODALITY[match[1].toLowerCase()] ?? null : null;
}

import { isoDate } from '../../schema/codes/date';
import { intern } from '../sdk/intern';
import { lazyRetrieve } from '../sdk/lazy-retrieve';

export { isoDate };

/**
 * An age custom variable in years: "58", "58.5", "58 years" or DICOM AS ("058Y", "006M"). Custom variables are
 * free text typed by people, so an unreadable value is unknown (null), not a protocol error.
 */
export function ageInYears(raw: string | null | undefined): number | null {
  const text = raw?.trim() ?? '';
  const as = /^(\d{1,3})([DWMY])$/i.exec(text);
  if (as) {
    const n = Number(as[1]);
    return { D: n / 365.25, W: (n * 7) / 365.25, M: n / 12, Y: n }[as[2].toUpperCase() as 'D' | 'W' | 'M' | 'Y'];
  }
  const plain = /^(\d{1,3}(?:\.\d+)?)(?:\s*(?:y|yr|yrs|years?))?$/i.exec(text);
  return plain ? Number(plain[1]) : null;
}

/**
 * The age custom variable in years, refused as bad native data (sdk/age.ts) when outside 0-130 years: "965" is a
 * typo or a unit mix-up, not a patient. Unreadable text stays unknown.
 */
export function checkedAge(raw: string | null | undefined, repositoryId: string): number | null {
  const years = ageInYears(raw);
  return years === null ? null : checkedAgeYears(years, repositoryId, `the age-at-diagnosis custom variable "${raw}" of an XNAT subject`);
}

/** A year custom variable: "2015", or the year of a date ("2015-03-02"); null when unreadable. */
export function yearOf(raw: string | null | undefined): number | null {
  const match = /^\s*(\d{4})(?:$|[-/.\s])/.exec(raw ?? '');
  return match ? Number(match[1]) : null;
}

/** The URL that downloads a scan's DICOM files as a ZIP (for a future XNAT retrieve protocol). */
export function scanDownloadUrl(baseUrl: string, experimentId: string, scanId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/data/experiments/${encodeURIComponent(experimentId)}/scans/${encodeURIComponent(scanId)}/resources/DICOM/files?format=zip`;
}

export function caseId(repositoryId: string, subjectId: string): string {
  return `${repositoryId}/${subjectId}`;
}

/** The unified subject id per XNAT accession number: the label, or `<project>:<label>` for labels used twice. */
export function subjectIds(subjects: readonly SubjectRow[]): Map<string, string> {
  const labelUse = new Map<string, Set<string>>();
  for (const s of subjects) {
    let accessions = labelUse.get(s.label);
    if (!accessions) labelUse.set(s.label, (accessions = new Set()));
    accessions.add(s.ID);
  }
  return new Map(subjects.map((s) => [s.ID, (labelUse.get(s.label)?.size ?? 0) > 1 ? `${s.project}:${s.label}` : s.label]));
}

/** The diagnosis custom variables tell; null when none of them is set. */
export function diagnosisOf(fields: Record<ClinicalField, string | null>): Diagnosis | null {
  const topography = fields.icdO3Topography;
  const icd10 = fields.icd10;
  const stageParts = [fields.stageGroup, fields.stageT, fields.stageN, fields.stageM, fields.stageSystem];
  const known = [topography, icd10, fields.icdO3Morphology, fields.diagnosis, fields.yearOfDiagnosis, ...stageParts];
  if (known.every((v) => v === null)) return null;
  return {
    cancerSite: cancerSiteFromCode(topography ?? icd10),
    icd10,
    icdO3Topography: topography,
    icdO3Morphology: fields.icdO3Morphology,
    description: fields.diagnosis,
    yearOfDiagnosis: yearOf(fields.yearOfDiagnosis),
    stage: stageParts.every((v) => v === null) ? null : {
      group: fields.stageGroup, t: fields.stageT, n: fields.stageN, m: fields.stageM, system: fields.stageSystem,
    },
  };
}

/** A series from a scan of a session of the given data type. */
/** XNAT's scan download, built when read (sdk/lazy-retrieve.ts): an index keeps no URL per series. */
const withScanDownload = lazyRetrieve('XNAT_REST', (_series, baseUrl, experimentId, scanId) => scanDownloadUrl(baseUrl, experimentId, scanId));

export function seriesRecord(scan: ScanColumns, session: Pick<SessionScanRow, 'experimentId' | 'xsiType'>, baseUrl?: string): SeriesRecord {
  const fromDicom = normaliseModality(scan.modality);
  // A scan without a DICOM modality: its data type is unknown in this listing, so the session's type stands in.
  const modalityRaw = scan.modality ?? session.xsiType;
  const fields = {
    uid: scan.uid ?? `${session.experimentId}/${scan.id}`,
    modality: scan.modality !== null ? fromDicom : modalityFromXsiType(session.xsiType),
    modalityRaw: intern(modalityRaw),
    bodyPart: normaliseBodyPart(scan.bodyPartExamined),
    bodyPartRaw: intern(scan.bodyPartExamined),
    manufacturer: intern(scan.manufacturer),
    description: intern(scan.seriesDescription ?? scan.type),
    instanceCount: scan.frames === null ? null : Math.trunc(scan.frames),
    sizeBytes: null,
  };
  return baseUrl ? withScanDownload(fields, baseUrl, session.experimentId, scan.id) : { ...fields, retrieve: null };
}

/** Scan IDs in XNAT's order: numerically where they are numbers ("2" before "10"), then as text. */
function compareScanIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(na) && Number.isFinite(nb) && na !== nb) return na - nb;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A study from the rows of one session (one per scan, or a single empty-scan row). */
export function studyRecord(rows: readonly SessionScanRow[], baseUrl?: string): StudyRecord {
  const session = rows[0];
  const scans = new Map<string, ScanColumns>();
  for (const row of rows) if (row.scan && !scans.has(row.scan.id)) scans.set(row.scan.id, row.scan);
  const series = [...scans.values()].sort((a, b) => compareScanIds(a.id, b.id)).map((scan) => seriesRecord(scan, session, baseUrl));
  const counts = series.map((s) => s.instanceCount);
  return {
    uid: session.studyUid ?? session.experimentId,
    date: isoDate(session.date),
    description: session.sessionType,
    modalities: [...new Set(series.map((s) => s.modality).filter((m): m is Modality => m !== null))],
    bodyParts: [...new Set(series.map((s) => s.bodyPart))],
    seriesCount: series.length,
    instanceCount: counts.some((c) => c === null) ? null : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0),
    series,
  };
}

/**
 * The cases of one harvest: subjects joined with their sessions on the subject accession number, sorted by
 * subject id (the order keyset cursors rely on); studies in date order. Sessions of subjects the subject listing
 * does not hold (created between the two listings, or living in a project outside the harvest) are left out.
 */
export function caseRecords(subjects: readonly SubjectRow[], sessionRows: readonly SessionScanRow[], context: MappingContext): FullCaseRecord[] {
  const unique = [...new Map(subjects.map((s) => [s.ID, s])).values()];
  const ids = subjectIds(unique);
  const sessionsBySubject = new Map<string, Map<string, SessionScanRow[]>>();
  for (const row of sessionRows) {
    let sessions = sessionsBySubject.get(row.subjectId);
    if (!sessions) sessionsBySubject.set(row.subjectId, (sessions = new Map()));
    let rows = sessions.get(row.experimentId);
    if (!rows) sessions.set(row.experimentId, (rows = []));
    rows.push(row);
  }
  const records = unique.map((subject): FullCaseRecord => {
    const subjectId = ids.get(subject.ID) ?? subject.label;
    const studies = [...(sessionsBySubject.get(subject.ID)?.values() ?? [])].map((rows) => studyRecord(rows, context.baseUrl))
      .sort((a, b) => compare(a.date ?? '9999', b.date ?? '9999') || compare(a.uid, b.uid));
    return {
      id: caseId(context.repositoryId, subjectId),
      repositoryId: context.repositoryId,
      subjectId,
      collection: subject.project,
      sex: normaliseSex(subject.gender),
      ageAtDiagnosis: checkedAge(subject.fields.ageAtDiagnosis, context.repositoryId),
      diagnosis: diagnosisOf(subject.fields),
      studies,
    };
  });
  return sortBySubject(records);
}

/**
 * Collections: the XNAT projects (name and description from XNAT, overridden by the config's catalogue metadata,
 * which also gives licence, DOI and cancer site), counted over the harvested cases. A project the listing lacks but
 * the harvest holds is still listed. With `only`, projects outside it are left out.
 */
export function collectionRecords(
  projects: readonly ProjectRow[], records: readonly CaseOutline[], metadata: ReadonlyMap<string, CollectionMetadata>,
  only: readonly string[] | null,
): CollectionRecord[] {
  return collectionsFromCases(records, [...metadata.values()], { native: projects.map((p) => ({ id: p.ID, name: p.name, description: p.description })), only });
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
