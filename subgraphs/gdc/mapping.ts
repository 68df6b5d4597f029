/**
 * Pure mapping from GDC hits to unified records (README §5, GDC column):
 * - case id `<repositoryId>/<submitter_id>` (GDC's human-readable case id; `case_id` is a UUID); collection =
 *   `project.project_id`; sex from `demographic.sex_at_birth` ("female", "male"; "unknown", "not reported" and a
 *   missing value are UNKNOWN);
 * - the diagnosis is the case's primary one (`classification_of_tumor: "primary"`, else the first): cancer site
 *   from `icd_10_code` (the field the adapter also filters on), ICD-O-3 topography code from the
 *   `tissue_or_organ_of_origin` label (icd-o-3.ts), morphology as is, `primary_diagnosis` as description, AJCC
 *   pathologic stage ("Stage IIA" -> group "IIA", edition "8th" -> system "AJCC 8th"; "Not Reported" is no value);
 * - age at diagnosis in whole years from days: floor(days / 365.25), the age of the schema's filter;
 * - each imaging file is a series (imaging.*), grouped into studies by `study_instance_uid`; `file_size` is the
 *   series size; an open file is handed over as a GDC_DATA reference to `<endpoint>/data/<file_id>`, a controlled
 *   one (fetched from the same endpoint once access is granted) as an ACCESS_REQUEST reference.
 */
import type { CancerSite, Diagnosis, Modality, Stage } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { CollectionMetadata } from '../sdk/entry';
import type { CaseRecord, CollectionRecord, SeriesRecord, StudyRecord } from '../sdk/records';
import { categoryCode, topographyCode } from './icd-o-3';
import type { CaseHit, DiagnosisHit, ImagingFileHit, ProjectHit } from './native-types';

/** What the adapter asks /cases for a case record. */
export const CASE_FIELDS: readonly string[] = [
  'case_id', 'submitter_id', 'project.project_id', 'demographic.sex_at_birth',
  ...['primary_diagnosis', 'morphology', 'tissue_or_organ_of_origin', 'icd_10_code', 'age_at_diagnosis', 'year_of_diagnosis',
    'classification_of_tumor', 'ajcc_pathologic_stage', 'ajcc_pathologic_t', 'ajcc_pathologic_n', 'ajcc_pathologic_m',
    'ajcc_staging_system_edition'].map((f) => `diagnoses.${f}`),
];

/** What the adapter asks /files for a series. */
export const FILE_FIELDS: readonly string[] = [
  'file_id', 'file_size', 'access', 'cases.submitter_id',
  ...['series_instance_uid', 'study_instance_uid', 'modality', 'body_part_examined', 'manufacturer', 'series_number',
    'series_description', 'study_date', 'study_description', 'instance_count'].map((f) => `imaging.${f}`),
];

// 365.25 days a year, in integers: years = floor(4·days / 1461).
/** Whole years of an age in days; null when absent or negative. */
export function ageInYears(days: number | null | undefined): number | null {
  if (days === null || days === undefined || !Number.isFinite(days) || days < 0) return null;
  return Math.floor((4 * days) / 1461);
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

/** The case's primary diagnosis: `classification_of_tumor: "primary"`, else the first listed. */
export function primaryDiagnosis(diagnoses: readonly DiagnosisHit[]): DiagnosisHit | null {
  return diagnoses.find((d) => d.classification_of_tumor?.toLowerCase() === 'primary') ?? diagnoses[0] ?? null;
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
    icdO3Morphology: d.morphology,
    description: d.primary_diagnosis,
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
    sex: normaliseSex(hit.sex_at_birth),
    ageAtDiagnosis: ageInYears(diagnosis?.age_at_diagnosis),
    diagnosis: diagnosisOf(diagnosis) ?? { cancerSite: 'UNKNOWN', icd10: null, icdO3Topography: null, icdO3Morphology: null, description: null, yearOfDiagnosis: null, stage: null },
  };
}

/** ISO 8601 (YYYY-MM-DD) from GDC's ISO dates or a DICOM DA; null when unreadable. */
export function isoDate(raw: string | null): string | null {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ].*)?$/.exec(raw?.trim() ?? '');
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}

export function dataUrl(baseUrl: string, fileId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/data/${encodeURIComponent(fileId)}`;
}

export function seriesRecord(file: ImagingFileHit, baseUrl: string): SeriesRecord {
  const imaging = file.imaging;
  return {
    uid: imaging.series_instance_uid,
    modality: normaliseModality(imaging.modality),
    modalityRaw: imaging.modality,
    bodyPart: normaliseBodyPart(imaging.body_part_examined),
    bodyPartRaw: imaging.body_part_examined,
    manufacturer: imaging.manufacturer,
    description: imaging.series_description,
    instanceCount: imaging.instance_count === null ? null : Math.trunc(imaging.instance_count),
    sizeBytes: file.file_size,
    // Open files download from the same endpoint without a token; the schema has no protocol for that (yet).
    retrieve: { protocol: file.access === 'controlled' ? 'ACCESS_REQUEST' : 'GDC_DATA', url: dataUrl(baseUrl, file.file_id) },
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The studies of one case's imaging files, in date order, their series in series-number order. */
export function studiesOf(files: readonly ImagingFileHit[], baseUrl: string): StudyRecord[] {
  const byStudy = new Map<string, ImagingFileHit[]>();
  for (const file of files) {
    const uid = file.imaging.study_instance_uid;
    const group = byStudy.get(uid);
    if (group) group.push(file);
    else byStudy.set(uid, [file]);
  }
  const studies = [...byStudy].map(([uid, group]): StudyRecord => {
    const ordered = [...group].sort((a, b) => (a.imaging.series_number ?? Infinity) - (b.imaging.series_number ?? Infinity)
      || compare(a.imaging.series_instance_uid, b.imaging.series_instance_uid));
    const series = ordered.map((f) => seriesRecord(f, baseUrl));
    const counts = series.map((s) => s.instanceCount);
    const first = ordered[0].imaging;
    return {
      uid,
      date: isoDate(first.study_date),
      description: first.study_description,
      modalities: [...new Set(series.map((s) => s.modality).filter((m): m is Modality => m !== null))],
      bodyParts: [...new Set(series.map((s) => s.bodyPart))],
      seriesCount: series.length,
      instanceCount: counts.some((c) => c === null) ? null : counts.reduce<number>((sum, c) => sum + (c ?? 0), 0),
      series,
    };
  });
  return studies.sort((a, b) => compare(a.date ?? '9999', b.date ?? '9999') || compare(a.uid, b.uid));
}

/** Cancer sites of a project's `primary_site` labels ("Bronchus and lung" -> LUNG); unlisted labels are left out. */
export function sitesOfPrimarySites(labels: readonly string[]): CancerSite[] {
  const sites = labels.map(categoryCode).filter((c): c is string => c !== null).map(cancerSiteFromCode);
  return [...new Set(sites)];
}

/** A collection from a project, its imaging facets and the config's catalogue metadata. */
export function collectionRecord(
  project: ProjectHit, rawModalities: readonly string[], studies: number | null, metadata: CollectionMetadata | undefined,
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
    modalities: [...new Set(rawModalities.map(normaliseModality).filter((m): m is Modality => m !== null))].sort(),
  };
}
