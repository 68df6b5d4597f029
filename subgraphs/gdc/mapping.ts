/**
 * Pure mapping from GDC hits to unified records (README §5, GDC column):
 * - case id `<repositoryId>/<submitter_id>` (GDC's human-readable case id; `case_id` is a UUID); collection =
 *   `project.project_id`; sex from `demographic.sex_at_birth` (or the older `gender`): "female", "male";
 *   "unknown", "not reported" and a missing value are UNKNOWN;
 * - the diagnosis is the case's primary one: the diagnosis flagged `diagnosis_is_primary_disease: true`, else the
 *   one with `classification_of_tumor: "primary"`, else the first listed (real cases list a recurrence or a
 *   metastasis before the primary diagnosis). Cancer site from its `icd_10_code` (the field the adapter filters
 *   on), ICD-O-3 topography code from the `tissue_or_organ_of_origin` label (icd-o-3.ts), morphology as is,
 *   `primary_diagnosis` as description, `year_of_diagnosis` (absent on some diagnoses), AJCC pathologic stage
 *   ("Stage IIA" -> group "IIA", edition "8th" -> system "AJCC 8th"; "Not Reported" is no value);
 * - age at diagnosis in whole years from days, floor(days / 365.25) (the age of the schema's filter), refused as
 *   bad native data outside 0-130 years (sdk/age.ts);
 * - imaging: GDC's images are pathology slides. Each slide image file is one series of modality SM (whole-slide
 *   microscopy): no body part (UNKNOWN), no manufacturer, no instance count (an SVS file is not a DICOM series),
 *   `file_size` as its size, `experimental_strategy` ("Diagnostic Slide", "Tissue Slide") as the raw modality and
 *   the file name as its description. Slides cut from one biospecimen sample form one study (the sample id; a
 *   slide without a sample is a study of its own). An open file is handed over as a GDC_DATA reference to
 *   `<endpoint>/data/<file_id>`, any other (controlled, or access not stated) as an ACCESS_REQUEST reference.
 */
import type { CancerSite, Diagnosis, Modality, Stage } from '../../schema/generated/graphql';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseSex } from '../../schema/codes/sex';
import { checkedAgeYears } from '../sdk/age';
import type { CollectionMetadata } from '../sdk/entry';
import type { CaseRecord, CollectionRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import { categoryCode, topographyCode } from './icd-o-3';
import type { CaseHit, DiagnosisHit, ProjectHit, SlideFileHit } from './native-types';

/** What the adapter asks /cases for a case record. */
export const CASE_FIELDS: readonly string[] = [
  'case_id', 'submitter_id', 'project.project_id', 'demographic.sex_at_birth', 'demographic.gender',
  ...['primary_diagnosis', 'morphology', 'tissue_or_organ_of_origin', 'icd_10_code', 'age_at_diagnosis', 'year_of_diagnosis',
    'classification_of_tumor', 'diagnosis_is_primary_disease', 'ajcc_pathologic_stage', 'ajcc_pathologic_t', 'ajcc_pathologic_n',
    'ajcc_pathologic_m', 'ajcc_staging_system_edition'].map((f) => `diagnoses.${f}`),
];

/** What the adapter asks /files for a slide image series. */
export const SLIDE_FIELDS: readonly string[] = [
  'file_id', 'file_name', 'file_size', 'access', 'data_format', 'experimental_strategy', 'cases.submitter_id',
  'cases.samples.sample_id', 'cases.samples.submitter_id', 'cases.samples.sample_type',
];

// 365.25 days a year, in integers: years = floor(4·days / 1461).
/** Whole years of an age in days (negative days give a negative age); null when absent. */
export function ageInYears(days: number | null | undefined): number | null {
  if (days === null || days === undefined || !Number.isFinite(days)) return null;
  return Math.floor((4 * days) / 1461);
}

/** Whole years of a native age in days, refused as bad native data outside 0-130 years. */
export function checkedAge(days: number | null | undefined, repositoryId: string, where: string): number | null {
  const years = ageInYears(days);
  return years === null ? null : checkedAgeYears(years, repositoryId, `${where} (${days} days)`);
}

/** The first day (age in days) at which the age in whole years is `years`. */
export function firstDayOfAge(years: number): number {
  return Math.ceil((1461 * years) / 4);
}

/** The last day (age in days) at which the age in whole years is `years`. */
export function lastDayOfAge(years: number): number {
  return firstDayOfAge(years + 1) - 1;
}

export function caseId(repositoryId: string, submitterId: string): string {
  return `${repositoryId}/${submitterId}`;
}

/** GDC's spellings of "no value". */
function reported(value: string | null): string | null {
  const trimmed = value?.trim();
  if (!trimmed || /^(not reported|unknown|not applicable|not allowed to collect|--)$/i.test(trimmed)) return null;
  return trimmed;
}

/** The case's primary diagnosis: flagged primary disease, else classified "primary", else the first listed. */
export function primaryDiagnosis(diagnoses: readonly DiagnosisHit[]): DiagnosisHit | null {
  return diagnoses.find((d) => d.diagnosis_is_primary_disease === true)
    ?? diagnoses.find((d) => d.classification_of_tumor?.trim().toLowerCase() === 'primary')
    ?? diagnoses[0] ?? null;
}

export function stageOf(d: DiagnosisHit): Stage | null {
  const group = reported(d.ajcc_pathologic_stage)?.replace(/^stage\s+/i, '') ?? null;
  const edition = reported(d.ajcc_staging_system_edition);
  const stage: Stage = {
    group,
    t: reported(d.ajcc_pathologic_t),
    n: reported(d.ajcc_pathologic_n),
    m: reported(d.ajcc_pathologic_m),
    system: edition ? `AJCC ${edition}` : null,
  };
  return stage.group || stage.t || stage.n || stage.m ? stage : null;
}

export function cancerSiteOf(d: DiagnosisHit | null): CancerSite {
  return cancerSiteFromCode(d?.icd_10_code);
}

export function diagnosisOf(d: DiagnosisHit | null): Diagnosis | null {
  if (!d) return null;
  return {
    cancerSite: cancerSiteOf(d),
    icd10: d.icd_10_code,
    icdO3Topography: topographyCode(d.tissue_or_organ_of_origin),
    icdO3Morphology: reported(d.morphology),
    description: reported(d.primary_diagnosis),
    yearOfDiagnosis: d.year_of_diagnosis,
    stage: stageOf(d),
  };
}

export function caseRecord(hit: CaseHit, repositoryId: string): CaseRecord {
  const diagnosis = primaryDiagnosis(hit.diagnoses);
  return {
    id: caseId(repositoryId, hit.submitter_id),
    repositoryId,
    subjectId: hit.submitter_id,
    collection: hit.project_id,
    sex: normaliseSex(hit.sex),
    ageAtDiagnosis: checkedAge(diagnosis?.age_at_diagnosis, repositoryId, `diagnoses.age_at_diagnosis of case ${hit.submitter_id}`),
    diagnosis: diagnosisOf(diagnosis) ?? { cancerSite: 'UNKNOWN', icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null },
  };
}

export function dataUrl(baseUrl: string, fileId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/data/${encodeURIComponent(fileId)}`;
}

export function seriesRecord(file: SlideFileHit, baseUrl: string): SeriesRecord {
  return {
    uid: file.file_id,
    modality: 'SM',
    modalityRaw: file.experimental_strategy,
    bodyPart: 'UNKNOWN',
    bodyPartRaw: null,
    manufacturer: null,
    description: file.file_name,
    instanceCount: null,
    sizeBytes: file.file_size,
    // Open files download from the same endpoint without a token; the others once access is granted.
    retrieve: { protocol: file.access?.trim().toLowerCase() === 'open' ? 'GDC_DATA' : 'ACCESS_REQUEST', url: dataUrl(baseUrl, file.file_id) },
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The study of a slide: the sample it was cut from, or the file itself. */
export function studyKeyOf(file: SlideFileHit): string {
  return file.samples[0]?.sample_id ?? file.file_id;
}

function studyDescription(file: SlideFileHit): string | null {
  const sample = file.samples[0];
  if (!sample) return null;
  if (sample.submitter_id && sample.sample_type) return `${sample.submitter_id} (${sample.sample_type})`;
  return sample.submitter_id ?? sample.sample_type;
}

/** The studies of one case's slide files, in study id order, their series in file name order. */
export function studiesOf(files: readonly SlideFileHit[], baseUrl: string): StudyRecord[] {
  const byStudy = new Map<string, SlideFileHit[]>();
  for (const file of files) {
    const key = studyKeyOf(file);
    const group = byStudy.get(key);
    if (group) group.push(file);
    else byStudy.set(key, [file]);
  }
  const studies = [...byStudy].map(([uid, group]): StudyRecord => {
    const ordered = [...group].sort((a, b) => compare(a.file_name ?? '', b.file_name ?? '') || compare(a.file_id, b.file_id));
    return {
      uid,
      date: null,
      description: studyDescription(ordered[0]),
      modalities: ['SM'],
      bodyParts: ['UNKNOWN'],
      seriesCount: ordered.length,
      instanceCount: null,
      series: ordered.map((f) => seriesRecord(f, baseUrl)),
    };
  });
  return studies.sort((a, b) => compare(a.uid, b.uid));
}

/** Cancer sites of a project's `primary_site` labels ("Bronchus and lung" -> LUNG); unlisted labels are left out. */
export function sitesOfPrimarySites(labels: readonly string[]): CancerSite[] {
  const sites = labels.map(categoryCode).filter((c): c is string => c !== null).map(cancerSiteFromCode);
  return [...new Set(sites)];
}

/** A collection from a project, whether it has slide images, its studies and the config's catalogue metadata. */
export function collectionRecord(
  project: ProjectHit, modalities: readonly Modality[], studies: number | null, metadata: CollectionMetadata | undefined,
): CollectionRecord {
  return {
    id: project.project_id,
    name: metadata?.name ?? project.name ?? project.project_id,
    description: metadata?.description ?? null,
    licence: metadata?.licence ?? null,
    doi: metadata?.doi ?? null,
    landingPage: metadata?.landingPage ?? null,
    subjects: project.case_count,
    studies,
    cancerSites: metadata ? [metadata.cancerSite] : sitesOfPrimarySites(project.primary_site),
    modalities: [...modalities],
  };
}
