/**
 * The synthetic data laid out the way NBIA's database holds it (patient, study, general_series rows with integer
 * primary keys), so every endpoint of the simulator answers from the same rows, as the real DAOs do.
 * Reference: /work/shared/native-apis/README.md §2a and §7.3 ("the ids are internal NBIA database keys").
 *
 * Real TCIA collections also hold quality-control subjects: scans of phantoms (test objects), stored as patients
 * whose Quality Control Subject (0010,0200) is YES (patient.qc_subject, listed by getPatient as `Phantom: "YES"`).
 * The store adds `phantomsPerCollection` of them to every collection (default 1): a CT study of a phantom with no
 * sex, no age and no species, which the synthetic ground truth does not hold (they are not patients).
 */
import { createHash } from 'node:crypto';
import type { SyntheticCollection, SyntheticRepositoryData } from '../synthetic/model';

export interface NbiaPatient {
  /** Internal key (patient_pk_id), what getSimpleSearch answers as `id`. */
  pk: number;
  patientId: string;
  collection: string;
  /** DICOM (0010,0040) or null when the case has none (NBIA leaves the column out). */
  sex: string | null;
  /** A quality-control subject (qc_subject = 'YES'): a phantom, not a patient. */
  phantom: boolean;
  studies: NbiaStudy[];
}

export interface NbiaStudy {
  pk: number;
  uid: string;
  /** DICOM DA, YYYYMMDD. */
  date: string;
  description: string;
  /** DICOM AS at this study, e.g. "058Y"; null when the study has none (phantoms). */
  patientAge: string | null;
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

export interface StoreOptions {
  /** Phantom (quality-control) subjects added to each collection; default 1. */
  phantomsPerCollection?: number;
}

export function buildStore(data: SyntheticRepositoryData, options: StoreOptions = {}): NbiaStore {
  // Keys start at distinct offsets so a test that confuses a patient key with a series key fails loudly.
  let patientPk = 1000;
  let studyPk = 200_000;
  let seriesPk = 3_000_000;
  const patients: NbiaPatient[] = [];
  const series: NbiaSeries[] = [];
  for (const c of data.cases) {
    const patient: NbiaPatient = { pk: patientPk++, patientId: c.subjectId, collection: c.collectionId, sex: c.sex === '' ? null : c.sex, phantom: false, studies: [] };
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
  // Phantoms are submitted after the patients of a collection (higher keys), one CT study of two series each.
  const perCollection = options.phantomsPerCollection ?? 1;
  for (const collection of data.collections) {
    for (let n = 1; n <= perCollection; n++) {
      const id = `${collection.id}-QA-PHANTOM-${String(n).padStart(2, '0')}`;
      const patient: NbiaPatient = { pk: patientPk++, patientId: id, collection: collection.id, sex: null, phantom: true, studies: [] };
      const study: NbiaStudy = { pk: studyPk++, uid: uidOf(id, 'study'), date: '20200115', description: 'QA CT phantom', patientAge: null, patient, series: [] };
      for (const number of [1, 2]) {
        const row: NbiaSeries = {
          pk: seriesPk++, uid: uidOf(id, `series ${number}`), number, modality: 'CT', bodyPartExamined: 'PHANTOM',
          manufacturer: 'SIEMENS', manufacturerModelName: 'SOMATOM Definition AS', description: `Phantom ${number === 1 ? 'helical' : 'axial'}`,
          imageCount: 40, fileSize: 40 * 526_000, study,
        };
        study.series.push(row);
        series.push(row);
      }
      patient.studies.push(study);
      patients.push(patient);
    }
  }
  return { collections: data.collections, patients, series };
}

/** A deterministic UID under the 2.25 root (PS3.5 B.2: a UUID as a decimal integer). */
function uidOf(...parts: string[]): string {
  const hash = createHash('sha1').update(parts.join('|')).digest('hex').slice(0, 32);
  return `2.25.${BigInt(`0x${hash}`).toString(10)}`;
}
