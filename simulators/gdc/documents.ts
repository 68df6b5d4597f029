/**
 * The synthetic data as a GDC-style repository holds it (native-apis README §2c): one document per case, per file
 * and per project, each with every field present (null where the repository has no value), as the GDC index
 * serves them. GDC holds no radiology, so this repository's imaging is modelled the GDC way, as files:
 *
 * - each imaging series is one `/files` document: `data_category: "Imaging"`, `data_type: "Radiology Image"`,
 *   `data_format: "DICOM"`, `type: "radiology_image"`, `file_size` in bytes, `access`, `cases[]` (the case it
 *   belongs to, with project, demographic and diagnoses), and an `imaging` block holding the DICOM series
 *   attributes: `series_instance_uid`, `study_instance_uid`, `modality`, `body_part_examined` (raw and dirty, as the
 *   scanner wrote it), `manufacturer`, `manufacturer_model_name`, `series_number`, `series_description`,
 *   `study_date` (ISO 8601), `study_description`, `instance_count`;
 * - each case also has one non-imaging file (a Clinical Supplement, as GDC cases do), so a query that forgets
 *   `data_category` counts too much;
 * - a case document nests its files (without their `cases`), its `project`, `demographic` and `diagnoses[]`, and a
 *   `summary` of its files.
 *
 * Values follow the GDC dictionary: `age_at_diagnosis` in days, `sex_at_birth` lower-case terms ("female",
 * "male", "unknown", "not reported"; it has no "other", so DICOM "O" is recorded as "unknown"), ICD-10 in
 * `icd_10_code`, ICD-O-3 morphology in `morphology`, the ICD-O-3 topography *label* in `tissue_or_organ_of_origin`,
 * AJCC stage strings ("Stage IIA") with "Not Reported" where unstaged. Ids are UUIDs derived from the data, so the
 * same data always gives the same ids.
 */
import { createHash } from 'node:crypto';
import { categoryLabel, topographyLabel } from '../../subgraphs/gdc/icd-o-3';
import type { SyntheticCase, SyntheticCollection, SyntheticRepositoryData, SyntheticSeries, SyntheticStudy } from '../synthetic/model';

export type Doc = Record<string, unknown>;

export interface GdcStore {
  cases: Doc[];
  files: Doc[];
  projects: Doc[];
}

const CREATED = '2024-05-17T10:32:11.128069+02:00';
const UPDATED = '2025-01-20T08:15:54.128069+01:00';

/** A UUID (version 4 layout) derived from a key. */
export function uuidOf(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A small deterministic number in [0, modulo) from a key. */
function spread(key: string, modulo: number): number {
  return parseInt(createHash('sha1').update(key).digest('hex').slice(0, 8), 16) % modulo;
}

/**
 * Whole years to GDC days: a day inside the year of age, so that the age in whole years (floor(days / 365.25))
 * gives the years back.
 */
export function daysOfAge(years: number, key: string): number {
  return Math.ceil((years * 1461) / 4) + spread(key, 365);
}

/** The GDC disease_type of an ICD-O-3 morphology (its histology group). */
function diseaseType(morphology: string): string {
  const code = Number(morphology.slice(0, 4));
  if (code >= 8050 && code <= 8089) return 'Squamous Cell Neoplasms';
  if (code >= 8010 && code <= 8049) return 'Epithelial Neoplasms, NOS';
  if (code >= 8500 && code <= 8549) return 'Ductal and Lobular Neoplasms';
  if (code >= 8550 && code <= 8559) return 'Acinar Cell Neoplasms';
  if (code >= 8440 && code <= 8499) return 'Cystic, Mucinous and Serous Neoplasms';
  if (code >= 9380 && code <= 9489) return 'Gliomas';
  if (code >= 9490 && code <= 9529) return 'Neuroepitheliomatous Neoplasms';
  return 'Adenomas and Adenocarcinomas';
}

function sexAtBirth(c: SyntheticCase): string | null {
  if (c.sex === 'F') return 'female';
  if (c.sex === 'M') return 'male';
  if (c.sex === 'O') return 'unknown';
  // No sex recorded: GDC has both the term "not reported" and a missing value.
  return spread(c.subjectId, 2) === 0 ? 'not reported' : null;
}

function isoDate(da: string): string {
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}`;
}

function diagnosisDoc(c: SyntheticCase): Doc {
  const d = c.diagnosis;
  const stage = d.stage;
  // Unstaged cases: GDC has both "Not Reported" strings and nulls.
  const unstaged = spread(`${c.subjectId}:stage`, 2) === 0 ? 'Not Reported' : null;
  return {
    diagnosis_id: uuidOf(`diagnosis:${c.subjectId}`),
    submitter_id: `${c.subjectId}_diagnosis`,
    primary_diagnosis: d.description,
    morphology: d.icdO3Morphology,
    tissue_or_organ_of_origin: topographyLabel(d.icdO3Topography),
    site_of_resection_or_biopsy: topographyLabel(d.icdO3Topography),
    icd_10_code: d.icd10,
    age_at_diagnosis: daysOfAge(c.ageAtDiagnosis, c.subjectId),
    year_of_diagnosis: d.year,
    ajcc_pathologic_stage: stage ? `Stage ${stage.group}` : unstaged,
    ajcc_pathologic_t: stage ? stage.t : unstaged,
    ajcc_pathologic_n: stage ? stage.n : unstaged,
    ajcc_pathologic_m: stage ? stage.m : unstaged,
    ajcc_staging_system_edition: stage ? stage.system.replace(/^AJCC\s+/i, '') : null,
    classification_of_tumor: 'primary',
    tumor_grade: 'Not Reported',
  };
}

function demographicDoc(c: SyntheticCase): Doc {
  const sex = sexAtBirth(c);
  return {
    demographic_id: uuidOf(`demographic:${c.subjectId}`),
    submitter_id: `${c.subjectId}_demographic`,
    sex_at_birth: sex,
    // The older field, kept by GDC beside sex_at_birth.
    gender: sex,
    race: 'not reported',
    ethnicity: 'not reported',
    vital_status: 'Not Reported',
  };
}

function projectStub(collection: SyntheticCollection | undefined, id: string): Doc {
  return { project_id: id, name: collection?.name ?? id, program: { name: 'EUCAIM' } };
}

function imagingFileDoc(c: SyntheticCase, study: SyntheticStudy, series: SyntheticSeries, repositoryId: string): Doc {
  const fileId = uuidOf(`file:${repositoryId}:${series.uid}`);
  return {
    id: fileId,
    file_id: fileId,
    file_name: `${c.subjectId}_${study.date}_${String(series.number).padStart(3, '0')}_${series.modality}.dicom.zip`,
    submitter_id: `${c.subjectId}_series_${series.uid}`,
    data_category: 'Imaging',
    data_type: 'Radiology Image',
    data_format: 'DICOM',
    type: 'radiology_image',
    access: 'controlled',
    file_size: series.sizeBytes,
    md5sum: createHash('md5').update(series.uid).digest('hex'),
    state: 'released',
    created_datetime: CREATED,
    updated_datetime: UPDATED,
    imaging: {
      series_instance_uid: series.uid,
      study_instance_uid: study.uid,
      modality: series.modality,
      body_part_examined: series.bodyPartExamined,
      manufacturer: series.manufacturer,
      manufacturer_model_name: series.manufacturerModelName,
      series_number: series.number,
      series_description: series.description,
      study_date: isoDate(study.date),
      study_description: study.description,
      instance_count: series.instanceCount,
    },
  };
}

function clinicalFileDoc(c: SyntheticCase, repositoryId: string): Doc {
  const fileId = uuidOf(`file:${repositoryId}:clinical:${c.subjectId}`);
  return {
    id: fileId,
    file_id: fileId,
    file_name: `${c.subjectId}.clinical.tsv`,
    submitter_id: `${c.subjectId}_clinical`,
    data_category: 'Clinical',
    data_type: 'Clinical Supplement',
    data_format: 'TSV',
    type: 'clinical_supplement',
    access: 'open',
    file_size: 2048 + spread(c.subjectId, 4096),
    md5sum: createHash('md5').update(`clinical:${c.subjectId}`).digest('hex'),
    state: 'released',
    created_datetime: CREATED,
    updated_datetime: UPDATED,
    imaging: null,
  };
}

function summaryOf(files: readonly Doc[]): Doc {
  const byCategory = new Map<string, number>();
  for (const f of files) byCategory.set(f.data_category as string, (byCategory.get(f.data_category as string) ?? 0) + 1);
  return {
    file_count: files.length,
    file_size: files.reduce((sum, f) => sum + (f.file_size as number), 0),
    data_categories: [...byCategory].map(([data_category, file_count]) => ({ data_category, file_count })),
  };
}

export function buildStore(data: SyntheticRepositoryData): GdcStore {
  const collections = new Map(data.collections.map((c) => [c.id, c]));
  const cases: Doc[] = [];
  const files: Doc[] = [];
  for (const c of data.cases) {
    const caseId = uuidOf(`case:${data.repositoryId}:${c.subjectId}`);
    const project = projectStub(collections.get(c.collectionId), c.collectionId);
    const demographic = demographicDoc(c);
    const diagnoses = [diagnosisDoc(c)];
    const caseFiles = [
      ...c.studies.flatMap((study) => study.series.map((series) => imagingFileDoc(c, study, series, data.repositoryId))),
      clinicalFileDoc(c, data.repositoryId),
    ];
    // What a file says about its case: the case without its files and summary.
    const caseOfFile: Doc = {
      case_id: caseId, submitter_id: c.subjectId, primary_site: categoryLabel(c.diagnosis.icdO3Topography),
      disease_type: diseaseType(c.diagnosis.icdO3Morphology), project, demographic, diagnoses,
    };
    for (const f of caseFiles) files.push({ ...f, cases: [caseOfFile] });
    cases.push({
      id: caseId,
      case_id: caseId,
      submitter_id: c.subjectId,
      state: 'released',
      primary_site: categoryLabel(c.diagnosis.icdO3Topography),
      disease_type: diseaseType(c.diagnosis.icdO3Morphology),
      index_date: 'Diagnosis',
      created_datetime: CREATED,
      updated_datetime: UPDATED,
      project,
      demographic,
      diagnoses,
      files: caseFiles,
      summary: summaryOf(caseFiles),
    });
  }
  const projects = data.collections.map((collection) => {
    const members = cases.filter((c) => (c.project as Doc).project_id === collection.id);
    const memberFiles = members.flatMap((c) => c.files as Doc[]);
    const summary = summaryOf(memberFiles);
    return {
      id: collection.id,
      project_id: collection.id,
      name: collection.name,
      primary_site: [...new Set(members.map((c) => c.primary_site as string))].sort(),
      disease_type: [...new Set(members.map((c) => c.disease_type as string))].sort(),
      dbgap_accession_number: null,
      state: 'open',
      released: true,
      releasable: true,
      program: { name: 'EUCAIM' },
      summary: {
        case_count: members.length,
        file_count: summary.file_count,
        file_size: summary.file_size,
        data_categories: (summary.data_categories as Doc[]).map((d) => ({
          ...d, case_count: members.filter((c) => (c.files as Doc[]).some((f) => f.data_category === d.data_category)).length,
        })),
      },
    };
  });
  return { cases, files, projects };
}
