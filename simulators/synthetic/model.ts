/**
 * The synthetic ground truth every simulator serves, each in its own native shape. Values are kept raw, as a
 * repository would hold them (DICOM codes, dirty BodyPartExamined strings, "058Y" ages), so that the adapters'
 * normalisation is exercised.
 */
import type { CancerSite } from '../../schema/generated/graphql';

export interface SyntheticSeries {
  uid: string;
  number: number;
  /** DICOM (0008,0060). */
  modality: string;
  /** DICOM (0018,0015) as a scanner wrote it; null when absent. */
  bodyPartExamined: string | null;
  manufacturer: string | null;
  manufacturerModelName: string | null;
  description: string;
  instanceCount: number;
  sizeBytes: number;
}

export interface SyntheticStudy {
  uid: string;
  /** DICOM DA, YYYYMMDD. */
  date: string;
  description: string;
  accessionNumber: string;
  /** DICOM AS, e.g. "058Y". */
  patientAge: string;
  series: SyntheticSeries[];
}

export interface SyntheticStage {
  group: string;
  t: string;
  n: string;
  m: string;
  system: string;
}

export interface SyntheticDiagnosis {
  icd10: string;
  icdO3Topography: string;
  icdO3Morphology: string;
  description: string;
  year: number;
  stage: SyntheticStage | null;
}

export interface SyntheticCase {
  subjectId: string;
  collectionId: string;
  /** DICOM (0010,0040): F, M, O or empty. */
  sex: 'F' | 'M' | 'O' | '';
  /** Whole years. */
  ageAtDiagnosis: number;
  diagnosis: SyntheticDiagnosis;
  studies: SyntheticStudy[];
}

export interface SyntheticCollection {
  id: string;
  name: string;
  description: string;
  cancerSite: CancerSite;
  licence: string;
  doi: string;
}

export interface SyntheticRepositoryData {
  repositoryId: string;
  collections: SyntheticCollection[];
  cases: SyntheticCase[];
}
