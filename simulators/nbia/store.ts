/**
 * The synthetic data laid out the way NBIA's database holds it (patient, study, general_series rows with integer
 * primary keys), so every endpoint of the simulator answers from the same rows, as the real DAOs do.
 * Reference: /work/shared/native-apis/README.md §2a and §7.3 ("the ids are internal NBIA database keys").
 */
import type { SyntheticCollection, SyntheticRepositoryData } from '../synthetic/model';

export interface NbiaPatient {
  /** Internal key (patient_pk_id), what getSimpleSearch answers as `id`. */
  pk: number;
  patientId: string;
  collection: string;
  /** DICOM (0010,0040) or null when the case has none (NBIA leaves the column out). */
  sex: string | null;
  studies: NbiaStudy[];
}

export interface NbiaStudy {
  pk: number;
  uid: string;
  /** DICOM DA, YYYYMMDD. */
  date: string;
  description: string;
  /** DICOM AS at this study, e.g. "058Y". */
  patientAge: string;
  patient: NbiaPatient;
  series: NbiaSeries[];
}

export interface NbiaSeries {
  pk: number;
  uid: string;
  number: number;
  modality: string;
  bodyPartExamined: string | null;
  manufacturer: string | null;
  manufacturerModelName: string | null;
  description: string;
  imageCount: number;
  fileSize: number;
  study: NbiaStudy;
}

export interface NbiaStore {
  collections: SyntheticCollection[];
  /** In primary-key order (the order the synthetic data lists the cases, sorted by subject id). */
  patients: NbiaPatient[];
  series: NbiaSeries[];
}

export function buildStore(data: SyntheticRepositoryData): NbiaStore {
  // Keys start at distinct offsets so a test that confuses a patient key with a series key fails loudly.
  let patientPk = 1000;
  let studyPk = 200_000;
  let seriesPk = 3_000_000;
  const patients: NbiaPatient[] = [];
  const series: NbiaSeries[] = [];
  for (const c of data.cases) {
    const patient: NbiaPatient = { pk: patientPk++, patientId: c.subjectId, collection: c.collectionId, sex: c.sex === '' ? null : c.sex, studies: [] };
    for (const s of c.studies) {
      const study: NbiaStudy = { pk: studyPk++, uid: s.uid, date: s.date, description: s.description, patientAge: s.patientAge, patient, series: [] };
      for (const x of s.series) {
        const row: NbiaSeries = {
          pk: seriesPk++, uid: x.uid, number: x.number, modality: x.modality, bodyPartExamined: x.bodyPartExamined,
          manufacturer: x.manufacturer, manufacturerModelName: x.manufacturerModelName, description: x.description,
          imageCount: x.instanceCount, fileSize: x.sizeBytes, study,
        };
        study.series.push(row);
        series.push(row);
      }
      patient.studies.push(study);
    }
    patients.push(patient);
  }
  return { collections: data.collections, patients, series };
}
