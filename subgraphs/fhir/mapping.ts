/**
 * Pure mapping from FHIR R4 / mCODE resources to unified records (README §2f, §5 "FHIR R4/mCODE" column).
 *
 * - Case: `<repositoryId>/<Patient.id>`; sex from Patient.gender (male/female/other/unknown; absent is UNKNOWN);
 *   collection = the ResearchStudy id the patient's ResearchSubject points to (the first by id if several).
 * - Diagnosis: the patient's primary cancer Condition: the one declaring the mCODE primary-cancer-condition profile
 *   (any version, `…|3.0.0`), else one coded as a primary malignant neoplasm (ICD-10 C00-C76 and C80-C97, not the
 *   secondary C77-C79; or a SNOMED CT primary cancer disorder of schema/codes/snomed-cancer.ts) that does not
 *   declare the secondary-cancer profile; the earliest onset when several; refuted and entered-in-error ones are
 *   ignored. Cancer site from the first that names one: its ICD-O-3 topography (bodySite, ICD-O-3 system), its
 *   ICD-10/ICD-10-CM code, its SNOMED CT disorder code ("Primary malignant neoplasm of female left breast"), its
 *   SNOMED CT body structure (bodySite "Lung structure"), as mCODE STU3/STU4 data codes them. ICD-O-3 morphology
 *   from the histology-morphology-behavior extension, in ICD-O-3 or SNOMED CT ("Infiltrating duct carcinoma" is
 *   8500/3).
 * - Year of diagnosis: the year of onsetDateTime (or onsetPeriod.start) as written. Age at diagnosis: the completed
 *   years between Patient.birthDate and that date (both full dates; a year-only birthDate gives no age rather than
 *   an age off by one), else onsetAge (UCUM a, mo, wk, d). Exact: no rounding anywhere.
 * - Stage: the mcode-tnm-stage-group Observation (code SNOMED CT or LOINC, schema/codes/snomed-staging.ts;
 *   pathological, then clinical, then other) focused on the primary Condition; T/N/M from its hasMember Observations
 *   or its components; values as written (text), else the AJCC value of a SNOMED CT AJCC concept ("IIB", "pT3"), else
 *   the code; a data-absent-reason value is no value. The staging system from Observation.method.
 * - Study: uid from identifier `urn:dicom:uid` (`urn:oid:` stripped); date from `started`; series modality from the
 *   DCM Coding (raw code kept), body part from the SNOMED code of series.bodySite, else from its display text (the
 *   raw BodyPartExamined, kept as bodyPartRaw); manufacturer from the contained Device the series performer points
 *   to; sizes are not in FHIR (null); retrieve = WADO-RS series URL under the study's (or series') DICOMweb Endpoint.
 */
import type { CancerSite, Diagnosis, Modality, Stage } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { ALL_MODALITIES, normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import { cancerSiteOfSnomedBodyStructure, cancerSiteOfSnomedDisorder, icdO3MorphologyOfSnomed } from '../../schema/codes/snomed-cancer';
import { ajccValueOfSnomed, STAGE_GROUP_CODES, TNM_CATEGORY_CODES, type StagingCode } from '../../schema/codes/snomed-staging';
import type { CollectionMetadata } from '../sdk/entry';
import type { CollectionRecord, FullCaseRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import { withWadoRs } from '../sdk/lazy-retrieve';
import { bodyPartOfSnomed, ICD10_SYSTEMS, PRIMARY_CANCER_PROFILE, SYSTEM } from './codes';
import type {
  CodeableConcept, ConditionResource, EndpointResource, ImagingStudyResource, ObservationResource, Quantity, ResearchStudyResource,
  ResourceSet, SeriesElement,
} from './native-types';

export interface MappingContext {
  repositoryId: string;
}

/** The logical id a reference points to when it names `type` (`Type/id`, `[base]/Type/id`, `…/_history/n`). */
export function referenceId(reference: string | null | undefined, type: string): string | null {
  if (!reference) return null;
  const match = referencePattern(type).exec(reference);
  return match ? match[1] : null;
}

/** One compiled pattern per resource type: a cold cohort reads tens of thousands of references. */
const REFERENCE_PATTERNS = new Map<string, RegExp>();

function referencePattern(type: string): RegExp {
  let pattern = REFERENCE_PATTERNS.get(type);
  if (!pattern) {
    // Only the adapter's own type names come here, never input: the map stays a handful of entries.
    pattern = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`);
    REFERENCE_PATTERNS.set(type, pattern);
  }
  return pattern;
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** The date part (YYYY-MM-DD) of a FHIR date or dateTime, as written (no time-zone shift); null when partial. */
export function datePart(value: string | null | undefined): string | null {
  const match = FULL_DATE.exec(value ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

/** Completed years from `birth` to `at` (both YYYY-MM-DD); null when either is not a full date. */
export function completedYears(birth: string | null, at: string | null): number | null {
  const b = FULL_DATE.exec(birth ?? '');
  const a = FULL_DATE.exec(at ?? '');
  if (!b || !a) return null;
  const years = Number(a[1]) - Number(b[1]);
  const beforeBirthday = a[2] < b[2] || (a[2] === b[2] && a[3] < b[3]);
  const age = years - (beforeBirthday ? 1 : 0);
  return age >= 0 ? age : null;
}

/** An Age quantity in years (UCUM a, mo, wk, d; a unit-less value is taken as years). */
export function yearsOfAge(age: Quantity | null): number | null {
  if (!age || age.value === null || age.value < 0) return null;
  switch ((age.code ?? age.unit ?? 'a').trim().toLowerCase()) {
    case 'a': case 'yr': case 'y': case 'year': case 'years': return age.value;
    case 'mo': case 'month': case 'months': return age.value / 12;
    case 'wk': case 'week': case 'weeks': return (age.value * 7) / 365.25;
    case 'd': case 'day': case 'days': return age.value / 365.25;
    default: return null;
  }
}

function codeIn(concept: CodeableConcept | null | undefined, systems: readonly string[]): string | null {
  return concept?.coding.find((c) => c.system !== null && systems.includes(c.system) && c.code)?.code?.trim() ?? null;
}

function hasProfile(condition: ConditionResource, profile: string): boolean {
  return condition.profiles.some((p) => p === profile || p.startsWith(`${profile}|`));
}

function onsetDateOf(condition: ConditionResource): string | null {
  return condition.onsetDateTime ?? condition.onsetPeriodStart;
}

const SECONDARY_PROFILE = PRIMARY_CANCER_PROFILE.replace('primary', 'secondary');

/** C00-C76 and C80-C97: primary malignant neoplasms (C77-C79 are secondary). */
function isPrimaryMalignantIcd10(code: string | null): boolean {
  const match = /^C(\d{2})/i.exec(code ?? '');
  if (!match) return false;
  const category = Number(match[1]);
  return category <= 76 || category >= 80;
}

/** The patient's primary cancer Condition among its Conditions (see the module comment); null when none. */
export function primaryConditionOf(conditions: readonly ConditionResource[]): ConditionResource | null {
  const valid = conditions.filter((c) => {
    const status = c.verificationStatus?.coding.map((x) => x.code) ?? [];
    return !status.includes('refuted') && !status.includes('entered-in-error');
  });
  let candidates = valid.filter((c) => hasProfile(c, PRIMARY_CANCER_PROFILE));
  if (candidates.length === 0) {
    candidates = valid.filter((c) => !hasProfile(c, SECONDARY_PROFILE)
      && (isPrimaryMalignantIcd10(codeIn(c.code, ICD10_SYSTEMS)) || cancerSiteOfSnomedDisorder(codeIn(c.code, [SYSTEM.SNOMED])) !== null));
  }
  return [...candidates].sort((a, b) => compare(onsetDateOf(a) ?? '9999', onsetDateOf(b) ?? '9999') || compare(a.id, b.id))[0] ?? null;
}

/** A staging value: its text, else the AJCC value of a SNOMED CT AJCC concept, else its code; null when absent. */
function conceptValue(concept: CodeableConcept | null): string | null {
  if (!concept) return null;
  if (concept.text?.trim()) return concept.text.trim();
  if (concept.coding.some((c) => c.system === SYSTEM.DATA_ABSENT_REASON)) return null;
  const snomed = concept.coding.find((c) => c.system === SYSTEM.SNOMED && c.code);
  if (snomed) return ajccValueOfSnomed(snomed.code, snomed.display) ?? snomed.code;
  return concept.coding.find((c) => c.code)?.code ?? null;
}

/** The index of the first of `codes` the concept carries (system and code), -1 when none. */
function indexIn(concept: CodeableConcept | null, codes: readonly StagingCode[]): number {
  if (!concept) return -1;
  return codes.findIndex((s) => concept.coding.some((c) => c.system === s.system && c.code?.trim() === s.code));
}

const KIND_RANK = { pathological: 0, clinical: 1, other: 2 } as const;

/** TNM staging of a patient from its Observations (the stage group focused on the primary Condition). */
export function stageOf(
  observations: readonly ObservationResource[], primaryConditionId: string | null, byId: ReadonlyMap<string, ObservationResource>,
): Stage | null {
  const rank = (o: ObservationResource) => {
    const index = indexIn(o.code, STAGE_GROUP_CODES);
    return index < 0 ? -1 : KIND_RANK[STAGE_GROUP_CODES[index].kind];
  };
  const groups = observations.filter((o) => rank(o) >= 0 && o.status !== 'entered-in-error' && o.status !== 'cancelled');
  if (groups.length === 0) return null;
  const focused = (o: ObservationResource) => primaryConditionId !== null && o.focus.some((f) => referenceId(f, 'Condition') === primaryConditionId);
  const [group] = [...groups].sort((a, b) => Number(focused(b)) - Number(focused(a)) || rank(a) - rank(b)
    || compare(b.effectiveDateTime ?? '', a.effectiveDateTime ?? ''));
  const members = group.hasMember.map((ref) => byId.get(referenceId(ref, 'Observation') ?? '')).filter((o): o is ObservationResource => o !== undefined);
  const category = (letter: 't' | 'n' | 'm'): string | null => {
    const codes = TNM_CATEGORY_CODES[letter];
    const member = members.find((m) => indexIn(m.code, codes) >= 0);
    if (member) return conceptValue(member.value);
    const component = group.components.find((c) => indexIn(c.code, codes) >= 0);
    return component ? conceptValue(component.value) : null;
  };
  return {
    group: conceptValue(group.value),
    t: category('t'),
    n: category('n'),
    m: category('m'),
    system: group.method?.text?.trim() || group.method?.coding.find((c) => c.display)?.display || null,
  };
}

/** The cancer site of a primary cancer Condition (see the module comment for the order). */
function cancerSiteOf(condition: ConditionResource, topography: string | null, icd10: string | null): CancerSite {
  if (topography ?? icd10) return cancerSiteFromCode(topography ?? icd10);
  return cancerSiteOfSnomedDisorder(codeIn(condition.code, [SYSTEM.SNOMED]))
    ?? condition.bodySite.map((s) => cancerSiteOfSnomedBodyStructure(codeIn(s, [SYSTEM.SNOMED]))).find((site) => site !== null)
    ?? 'UNKNOWN';
}

export function diagnosisOf(condition: ConditionResource, stage: Stage | null): Diagnosis {
  const topography = condition.bodySite.map((s) => codeIn(s, [SYSTEM.ICDO3])).find((c) => c !== null && /^C\d/i.test(c)) ?? null;
  const icd10 = codeIn(condition.code, ICD10_SYSTEMS);
  const morphology = condition.histology.map((h) => codeIn(h, [SYSTEM.ICDO3])).find((c) => c !== null)
    ?? condition.histology.map((h) => icdO3MorphologyOfSnomed(codeIn(h, [SYSTEM.SNOMED]))).find((c) => c !== null)
    ?? null;
  const onset = onsetDateOf(condition);
  return {
    cancerSite: cancerSiteOf(condition, topography, icd10),
    icd10,
    icdO3Topography: topography,
    icdO3Morphology: morphology,
    description: condition.code?.text?.trim()
      || condition.histology.flatMap((h) => h.coding).find((c) => c.display)?.display
      || condition.code?.coding.find((c) => c.display)?.display
      || null,
    yearOfDiagnosis: onset && /^\d{4}/.test(onset) ? Number(onset.slice(0, 4)) : null,
    stage,
  };
}

/** Age at diagnosis: birthDate to onset date in completed years, else onsetAge. */
export function ageAtDiagnosisOf(birthDate: string | null, condition: ConditionResource | null): number | null {
  if (!condition) return null;
  const onset = onsetDateOf(condition);
  if (onset) return completedYears(birthDate, datePart(onset));
  return yearsOfAge(condition.onsetAge);
}

/** The DICOM Study Instance UID of an ImagingStudy (identifier urn:dicom:uid, value urn:oid:<uid>); null if none. */
export function studyInstanceUid(study: ImagingStudyResource): string | null {
  const identifier = study.identifiers.find((i) => i.system === SYSTEM.DICOM_UID && i.value)
    ?? study.identifiers.find((i) => i.value?.startsWith('urn:oid:'));
  return identifier?.value?.replace(/^urn:oid:/, '') ?? null;
}

/** The WADO-RS root of a DICOMweb Endpoint; null for another kind of endpoint or one that is off. */
export function wadoRoot(endpoint: EndpointResource | undefined): string | null {
  if (!endpoint?.address || endpoint.status === 'off' || endpoint.status === 'entered-in-error') return null;
  if (endpoint.connectionType?.code !== 'dicom-wado-rs') return null;
  return endpoint.address.replace(/\/+$/, '');
}

export function seriesRecord(
  series: SeriesElement, study: ImagingStudyResource, studyUid: string | null, endpoints: ReadonlyMap<string, EndpointResource>,
): SeriesRecord {
  const modalityRaw = series.modality?.code?.trim() || null;
  const snomed = series.bodySite && (series.bodySite.system === SYSTEM.SNOMED || series.bodySite.system === null) ? bodyPartOfSnomed(series.bodySite.code) : null;
  const bodyPartRaw = series.bodySite?.display ?? null;
  const device = series.performers.map((ref) => (ref.startsWith('#') ? study.devices.get(ref.slice(1)) : undefined)).find((d) => d !== undefined);
  const endpointRef = series.endpoints[0] ?? study.endpoints[0];
  const root = wadoRoot(endpoints.get(referenceId(endpointRef, 'Endpoint') ?? ''));
  const fields = {
    uid: series.uid,
    modality: normaliseModality(modalityRaw),
    modalityRaw,
    bodyPart: snomed ?? normaliseBodyPart(bodyPartRaw),
    bodyPartRaw,
    manufacturer: device?.manufacturer ?? null,
    description: series.description,
    instanceCount: series.numberOfInstances,
    // FHIR ImagingStudy has no sizes.
    sizeBytes: null,
  };
  // The URL is built when read: an index of every patient keeps no URL per series (sdk/lazy-retrieve.ts).
  return root && studyUid ? withWadoRs(fields, root, studyUid) : { ...fields, retrieve: null };
}

export function studyRecord(study: ImagingStudyResource, endpoints: ReadonlyMap<string, EndpointResource>): StudyRecord {
  const uid = studyInstanceUid(study);
  const series = study.series.map((s) => seriesRecord(s, study, uid, endpoints));
  const fromSeries = series.map((s) => s.modality).filter((m): m is Modality => m !== null);
  const declared = study.modality.map((m) => normaliseModality(m.code)).filter((m): m is Modality => m !== null);
  const counts = series.map((s) => s.instanceCount);
  return {
    // A study without a DICOM UID is named by its FHIR id: the schema needs an id, and it stays stable.
    uid: uid ?? `ImagingStudy/${study.id}`,
    date: datePart(study.started),
    description: study.description,
    modalities: [...new Set(series.length > 0 ? fromSeries : declared)],
    bodyParts: [...new Set(series.map((s) => s.bodyPart))],
    seriesCount: series.length > 0 ? series.length : study.numberOfSeries ?? 0,
    instanceCount: study.numberOfInstances
      ?? (counts.length > 0 && counts.every((c) => c !== null) ? counts.reduce<number>((sum, c) => sum + (c ?? 0), 0) : null),
    series,
  };
}

export interface MappedCases {
  /** The records of the matched patients, in the order of `patientIds`. */
  records: FullCaseRecord[];
  /** The primary cancer Condition id per subject id (to find its stage). */
  primaryConditions: Map<string, string>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | null): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === null) continue;
    let group = groups.get(k);
    if (!group) groups.set(k, (group = []));
    group.push(item);
  }
  return groups;
}

/**
 * Case records for the patients `patientIds` (the matches of a Patient search, in its order) from the resources the
 * search included: their ImagingStudies, Conditions, ResearchSubjects and the Endpoints, plus stage Observations
 * when given. A patient id whose Patient resource is absent is skipped.
 */
export function caseRecords(patientIds: readonly string[], resources: ResourceSet, context: MappingContext): MappedCases {
  const patients = new Map(resources.patients.map((p) => [p.id, p]));
  const studies = groupBy(resources.imagingStudies, (s) => referenceId(s.subject, 'Patient'));
  const conditions = groupBy(resources.conditions, (c) => referenceId(c.subject, 'Patient'));
  const enrolments = groupBy(resources.researchSubjects, (r) => referenceId(r.individual, 'Patient'));
  const observations = groupBy(resources.observations, (o) => referenceId(o.subject, 'Patient'));
  const observationsById = new Map(resources.observations.map((o) => [o.id, o]));
  const endpoints = new Map(resources.endpoints.map((e) => [e.id, e]));
  const records: FullCaseRecord[] = [];
  const primaryConditions = new Map<string, string>();
  const seen = new Set<string>();
  for (const id of patientIds) {
    const patient = patients.get(id);
    if (!patient || seen.has(id)) continue;
    seen.add(id);
    const primary = primaryConditionOf(conditions.get(id) ?? []);
    if (primary) primaryConditions.set(id, primary.id);
    const collections = (enrolments.get(id) ?? []).map((r) => referenceId(r.study, 'ResearchStudy')).filter((s): s is string => s !== null).sort(compare);
    const stage = primary ? stageOf(observations.get(id) ?? [], primary.id, observationsById) : null;
    const patientStudies = (studies.get(id) ?? []).map((s) => studyRecord(s, endpoints))
      .sort((a, b) => compare(a.date ?? '9999', b.date ?? '9999') || compare(a.uid, b.uid));
    records.push({
      id: `${context.repositoryId}/${id}`,
      repositoryId: context.repositoryId,
      subjectId: id,
      collection: collections[0] ?? null,
      sex: normaliseSex(patient.gender),
      ageAtDiagnosis: ageAtDiagnosisOf(patient.birthDate, primary),
      diagnosis: primary ? diagnosisOf(primary, stage) : null,
      studies: patientStudies,
    });
  }
  return { records, primaryConditions };
}

/** A collection from its ResearchStudy, the number of its patients and the config's catalogue metadata. */
export function collectionRecord(study: ResearchStudyResource, subjects: number | null, metadata: CollectionMetadata | undefined): CollectionRecord {
  const sites = [...new Set(study.condition.map((c) => codeIn(c, ICD10_SYSTEMS)).filter((c): c is string => c !== null).map(cancerSiteFromCode))]
    .filter((s) => s !== 'UNKNOWN');
  const modalities = new Set(study.keyword.flatMap((k) => k.coding).filter((c) => c.system === SYSTEM.DCM)
    .map((c) => normaliseModality(c.code)).filter((m): m is Modality => m !== null));
  const doiUrl = study.relatedArtifact.find((a) => a.url?.startsWith('https://doi.org/'))?.url ?? null;
  return {
    id: study.id,
    name: metadata?.name ?? study.title ?? study.id,
    description: metadata?.description ?? study.description,
    licence: metadata?.licence ?? null,
    doi: metadata?.doi ?? (doiUrl ? doiUrl.slice('https://doi.org/'.length) : null),
    landingPage: metadata?.landingPage ?? null,
    subjects,
    // Counting a study's ImagingStudies would need a chain through _has, which R4 does not define.
    studies: null,
    cancerSites: sites.length > 0 ? sites : metadata ? [metadata.cancerSite] : [],
    modalities: ALL_MODALITIES.filter((m) => modalities.has(m)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
