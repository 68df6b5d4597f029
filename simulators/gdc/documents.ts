/**
 * The synthetic data as a GDC repository holds it (native-apis README §2c; gdc-docs Search_and_Retrieval and
 * Appendix A for the field names): one document per case, per file and per project, with `null` where the
 * repository has no value, as the GDC index serves them.
 *
 * - Cases: `project`, `demographic` (`sex_at_birth`, and the older `gender`), `diagnoses[]`, `samples[]` with their
 *   portions and slides, the id lists GDC adds to a case (`sample_ids`, `slide_ids`, `submitter_slide_ids`,
 *   `diagnosis_ids`), its `files` and a `summary`.
 * - Diagnoses as real 2025 GDC cases have them: the primary one (`diagnosis_is_primary_disease: true`,
 *   `classification_of_tumor: "primary"`, with `year_of_diagnosis`), and for about one case in four a later
 *   recurrence or metastasis (`diagnosis_is_primary_disease: false`, an older age in days, no
 *   `year_of_diagnosis`, a metastasis coded with its ICD-10 secondary code), listed first half of the time, as in
 *   the documented case HCM-BROD-0871-C49. Some older primary diagnoses carry no `diagnosis_is_primary_disease`.
 * - Files: GDC holds no radiology. A case's images are its pathology slides (pathology.ts), one `/files` document
 *   per SVS file (`data_category: "Biospecimen"`, `data_type: "Slide Image"`, `experimental_strategy`
 *   "Diagnostic Slide" or "Tissue Slide"); beside them every case has a Clinical Supplement and a Biospecimen
 *   Supplement (also `data_category: "Biospecimen"`), so a query that selects images by category counts too much.
 *   A file's `cases[]` holds its case with the file's own lineage only (its sample, portion and slide).
 * - `legacy` leaves out the fields older GDC data dictionaries do not have (`demographic.sex_at_birth`,
 *   `diagnoses.diagnosis_is_primary_disease`): such a server does not know them at all.
 *
 * Values follow the GDC dictionary: `age_at_diagnosis` in days, `sex_at_birth` lower-case terms ("female",
 * "male", "unknown", "not reported"; there is no "other", so DICOM "O" is recorded as "unknown"), ICD-10 in
 * `icd_10_code`, ICD-O-3 morphology in `morphology`, topography labels (topography.ts), AJCC stage strings
 * ("Stage IIA") with "Not Reported" where unstaged. Ids are UUIDs derived from the data.
 */
import { createHash } from 'node:crypto';
import type { SyntheticCase, SyntheticCollection, SyntheticRepositoryData } from '../synthetic/model';
import { samplesOf, spread, uuidOf, type SimulatedSample } from './pathology';
import { siteLabel, subsiteLabel } from './topography';

export type Doc = Record<string, unknown>;

export interface GdcStore {
  cases: Doc[];
  files: Doc[];
  projects: Doc[];
}

export interface StoreOptions {
  /** An older GDC data dictionary: no `sex_at_birth`, no `diagnosis_is_primary_disease`. */
  legacy?: boolean;
}

const CREATED = '2024-05-17T10:32:11.128069+02:00';
const UPDATED = '2025-01-20T08:15:54.128069+01:00';

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

function primaryDiagnosis(c: SyntheticCase, legacy: boolean): Doc {
  const d = c.diagnosis;
  const stage = d.stage;
  // Unstaged cases: GDC has both "Not Reported" strings and nulls.
  const unstaged = spread(`${c.subjectId}:stage`, 2) === 0 ? 'Not Reported' : null;
  const doc: Doc = {
    diagnosis_id: uuidOf(`diagnosis:${c.subjectId}`),
    submitter_id: `${c.subjectId}_diagnosis`,
    primary_diagnosis: d.description,
    morphology: d.icdO3Morphology,
    tissue_or_organ_of_origin: subsiteLabel(d.icdO3Topography),
    site_of_resection_or_biopsy: subsiteLabel(d.icdO3Topography),
    icd_10_code: d.icd10,
    age_at_diagnosis: daysOfAge(c.ageAtDiagnosis, c.subjectId),
    days_to_diagnosis: 0,
    year_of_diagnosis: d.year,
    ajcc_pathologic_stage: stage ? `Stage ${stage.group}` : unstaged,
    ajcc_pathologic_t: stage ? stage.t : unstaged,
    ajcc_pathologic_n: stage ? stage.n : unstaged,
    ajcc_pathologic_m: stage ? stage.m : unstaged,
    ajcc_staging_system_edition: stage ? stage.system.replace(/^AJCC\s+/i, '') : null,
    classification_of_tumor: 'primary',
    tumor_grade: 'Not Reported',
  };
  // Diagnoses submitted before the flag existed carry none.
  if (!legacy) doc.diagnosis_is_primary_disease = spread(`${c.subjectId}:flag`, 16) === 0 ? null : true;
  return doc;
}

/** Where a metastasis is found: its ICD-10 secondary code and the ICD-O-3 site GDC names for the biopsy. */
const METASTASES: ReadonlyArray<readonly [icd10: string, biopsySite: string]> = [['C78.0', 'C34.9'], ['C79.5', 'C41.9'], ['C77.9', 'C77.9']];

/** A recurrence or metastasis diagnosed after the primary one, for about one case in four; null otherwise. */
function laterDiagnosis(c: SyntheticCase, legacy: boolean): Doc | null {
  if (spread(`${c.subjectId}:later`, 4) !== 0) return null;
  const metastasis = spread(`${c.subjectId}:kind`, 2) === 0;
  const [icd10, biopsy] = METASTASES[spread(`${c.subjectId}:where`, METASTASES.length)];
  const days = 200 + spread(`${c.subjectId}:after`, 1500);
  const doc: Doc = {
    diagnosis_id: uuidOf(`diagnosis2:${c.subjectId}`),
    submitter_id: `${c.subjectId}_diagnosis2`,
    primary_diagnosis: metastasis ? 'Not Reported' : c.diagnosis.description,
    morphology: metastasis ? 'Not Reported' : c.diagnosis.icdO3Morphology,
    tissue_or_organ_of_origin: subsiteLabel(c.diagnosis.icdO3Topography),
    site_of_resection_or_biopsy: metastasis ? subsiteLabel(biopsy) : 'Not Reported',
    icd_10_code: metastasis ? icd10 : c.diagnosis.icd10,
    age_at_diagnosis: daysOfAge(c.ageAtDiagnosis, c.subjectId) + days,
    days_to_diagnosis: days,
    year_of_diagnosis: null,
    ajcc_pathologic_stage: null,
    ajcc_pathologic_t: null,
    ajcc_pathologic_n: null,
    ajcc_pathologic_m: null,
    ajcc_staging_system_edition: null,
    classification_of_tumor: metastasis ? 'metastasis' : 'recurrence',
    tumor_grade: null,
  };
  if (!legacy) doc.diagnosis_is_primary_disease = false;
  return doc;
}

function diagnosesOf(c: SyntheticCase, legacy: boolean): Doc[] {
  const primary = primaryDiagnosis(c, legacy);
  const later = laterDiagnosis(c, legacy);
  if (!later) return [primary];
  return spread(`${c.subjectId}:order`, 2) === 0 ? [later, primary] : [primary, later];
}

function demographicDoc(c: SyntheticCase, legacy: boolean): Doc {
  const sex = sexAtBirth(c);
  const doc: Doc = {
    demographic_id: uuidOf(`demographic:${c.subjectId}`),
    submitter_id: `${c.subjectId}_demographic`,
    // The older field, kept by GDC beside sex_at_birth.
    gender: sex,
    race: 'not reported',
    ethnicity: 'not reported',
    vital_status: 'Not Reported',
  };
  if (!legacy) doc.sex_at_birth = sex;
  return doc;
}

function projectStub(collection: SyntheticCollection | undefined, id: string): Doc {
  return { project_id: id, name: collection?.name ?? id, program: { name: 'EUCAIM' } };
}

function sampleDoc(sample: SimulatedSample, slides: SimulatedSample['slides']): Doc {
  return {
    sample_id: sample.sampleId,
    submitter_id: sample.submitterId,
    sample_type: sample.sampleType,
    tissue_type: sample.tissueType,
    is_ffpe: sample.isFfpe,
    portions: [{
      portion_id: sample.portionId,
      submitter_id: sample.portionSubmitterId,
      slides: slides.map((s) => ({ slide_id: s.slideId, submitter_id: s.submitterId, section_location: /BS\d$/.test(s.submitterId) ? 'BOTTOM' : 'TOP' })),
    }],
  };
}

function fileDoc(fields: Doc): Doc {
  return { id: fields.file_id, ...fields, state: 'released', created_datetime: CREATED, updated_datetime: UPDATED };
}

function slideFiles(sample: SimulatedSample, caseOfFile: Doc): Doc[] {
  return sample.slides.map((s) => fileDoc({
    file_id: s.fileId,
    file_name: s.fileName,
    submitter_id: `${s.submitterId}_slide_image`,
    data_category: 'Biospecimen',
    data_type: 'Slide Image',
    data_format: 'SVS',
    experimental_strategy: s.experimentalStrategy,
    type: 'slide_image',
    access: s.access,
    file_size: s.sizeBytes,
    md5sum: createHash('md5').update(s.fileId).digest('hex'),
    cases: [{ ...caseOfFile, samples: [sampleDoc(sample, [s])] }],
  }));
}

function supplementFiles(c: SyntheticCase, repositoryId: string, caseOfFile: Doc): Doc[] {
  const supplement = (kind: string, category: string, type: string, format: string, name: string) => {
    const fileId = uuidOf(`file:${repositoryId}:${kind}:${c.subjectId}`);
    return fileDoc({
      file_id: fileId,
      file_name: name,
      submitter_id: `${c.subjectId}_${kind}`,
      data_category: category,
      data_type: type,
      data_format: format,
      experimental_strategy: null,
      type: kind,
      access: 'open',
      file_size: 2048 + spread(`${c.subjectId}:${kind}`, 4096),
      md5sum: createHash('md5').update(fileId).digest('hex'),
      cases: [{ ...caseOfFile, samples: [] }],
    });
  };
  return [
    supplement('clinical_supplement', 'Clinical', 'Clinical Supplement', 'BCR XML', `nationwidechildrens.org_clinical.${c.subjectId}.xml`),
    supplement('biospecimen_supplement', 'Biospecimen', 'Biospecimen Supplement', 'BCR XML', `nationwidechildrens.org_biospecimen.${c.subjectId}.xml`),
  ];
}

function summaryOf(files: readonly Doc[]): Doc {
  const count = (key: string) => {
    const byValue = new Map<string, number>();
    for (const f of files) if (f[key]) byValue.set(f[key] as string, (byValue.get(f[key] as string) ?? 0) + 1);
    return [...byValue].map(([value, file_count]) => ({ [key]: value, file_count }));
  };
  return {
    file_count: files.length,
    file_size: files.reduce((sum, f) => sum + (f.file_size as number), 0),
    data_categories: count('data_category'),
    experimental_strategies: count('experimental_strategy'),
  };
}

export function buildStore(data: SyntheticRepositoryData, options: StoreOptions = {}): GdcStore {
  const legacy = options.legacy ?? false;
  const collections = new Map(data.collections.map((c) => [c.id, c]));
  const cases: Doc[] = [];
  const files: Doc[] = [];
  for (const c of data.cases) {
    const caseId = uuidOf(`case:${data.repositoryId}:${c.subjectId}`);
    const project = projectStub(collections.get(c.collectionId), c.collectionId);
    const demographic = demographicDoc(c, legacy);
    const diagnoses = diagnosesOf(c, legacy);
    const samples = samplesOf(data.repositoryId, c);
    const primarySite = siteLabel(c.diagnosis.icdO3Topography);
    // What a file says about its case: the case without its files, summary and biospecimens.
    const caseOfFile: Doc = {
      case_id: caseId, submitter_id: c.subjectId, primary_site: primarySite,
      disease_type: diseaseType(c.diagnosis.icdO3Morphology), project, demographic, diagnoses,
    };
    const caseFiles = [...samples.flatMap((s) => slideFiles(s, caseOfFile)), ...supplementFiles(c, data.repositoryId, caseOfFile)];
    files.push(...caseFiles);
    const slides = samples.flatMap((s) => s.slides);
    cases.push({
      id: caseId,
      case_id: caseId,
      submitter_id: c.subjectId,
      state: 'released',
      primary_site: primarySite,
      disease_type: diseaseType(c.diagnosis.icdO3Morphology),
      index_date: 'Diagnosis',
      created_datetime: CREATED,
      updated_datetime: UPDATED,
      diagnosis_ids: diagnoses.map((d) => d.diagnosis_id),
      sample_ids: samples.map((s) => s.sampleId),
      submitter_sample_ids: samples.map((s) => s.submitterId),
      slide_ids: slides.map((s) => s.slideId),
      submitter_slide_ids: slides.map((s) => s.submitterId),
      project,
      demographic,
      diagnoses,
      samples: samples.map((s) => sampleDoc(s, s.slides)),
      // A case's files as /cases nests them: without their `cases`.
      files: caseFiles.map(({ cases: _cases, ...file }) => file),
      summary: summaryOf(caseFiles),
    });
  }
  const projects = data.collections.map((collection) => {
    const members = cases.filter((c) => (c.project as Doc).project_id === collection.id);
    const memberFiles = members.flatMap((c) => c.files as Doc[]);
    const summary = summaryOf(memberFiles);
    const withCases = (list: string, key: string) => (summary[list] as Doc[]).map((d) => ({
      ...d, case_count: members.filter((c) => (c.files as Doc[]).some((f) => f[key] === d[key])).length,
    }));
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
        data_categories: withCases('data_categories', 'data_category'),
        experimental_strategies: withCases('experimental_strategies', 'experimental_strategy'),
      },
    };
  });
  return { cases, files, projects };
}
