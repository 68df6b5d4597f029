/**
 * The synthetic data laid out the way an XNAT archive holds it (native-apis README §2g): projects, subjects with
 * accession numbers (XNAT_S…), demographics and custom variables, imaging sessions (experiments, XNAT_E…) typed by
 * modality, and scans numbered by DICOM SeriesNumber. Every value is kept as the string XNAT would list.
 *
 * Where the reference is silent, this simulated site makes these choices (each plausible for a real XNAT):
 * - gender: subjects entered through the web form carry "male"/"female"/"other", subjects created by the DICOM
 *   importer carry PatientSex "M"/"F" (every fourth subject here); an unknown sex is "" (not set);
 * - clinical data: subject custom variables named as the federation's convention (subgraphs/xnat/options.ts
 *   DEFAULT_CUSTOM_FIELDS) — age_at_diagnosis, year_of_diagnosis, icd10, icdo3_topography, icdo3_morphology,
 *   diagnosis, stage_group, stage_t, stage_n, stage_m, stage_system — all strings, "" when unknown (no stage);
 * - session data type from the study's primary modality (PET studies, whose series alternate PT and CT, are
 *   xnat:petSessionData, as XNAT's importer makes PET/CT; see XNAT's TestDicomModalityAssignment); scan data types
 *   per scan modality, SEG and SR as xnat:otherDicomScanData (XNAT's type for DICOM it has no type for);
 * - scans carry their DICOM Modality, SeriesInstanceUID, SeriesDescription (also as `type`), frames (instances),
 *   scanner manufacturer and model, and BodyPartExamined in `bodyPartExamined` (an extension this site has: XNAT's
 *   scan schema has no body part, see options.ts DEFAULT_BODY_PART_COLUMN), raw as the scanner wrote it.
 */
import type { SyntheticRepositoryData } from '../synthetic/model';

export interface XnatProject {
  id: string;
  name: string;
  description: string;
  secondaryId: string;
  piFirstname: string;
  piLastname: string;
}

export interface XnatSubject {
  accession: string;
  label: string;
  project: string;
  gender: string;
  /** Custom variables by (lower-case) name. */
  fields: Record<string, string>;
  insertDate: string;
  sessions: XnatSession[];
}

export interface XnatSession {
  accession: string;
  label: string;
  project: string;
  subject: XnatSubject;
  xsiType: string;
  /** YYYY-MM-DD */
  date: string;
  /** DICOM StudyInstanceUID. */
  uid: string;
  /** StudyDescription. */
  sessionType: string;
  modality: string;
  insertDate: string;
  scans: XnatScan[];
}

export interface XnatScan {
  /** Scan ID: the DICOM SeriesNumber as a string. */
  id: string;
  /** Database key, listed as xnat_imagescandata_id. */
  key: number;
  xsiType: string;
  type: string;
  uid: string;
  modality: string;
  seriesDescription: string;
  frames: string;
  manufacturer: string;
  model: string;
  bodyPartExamined: string;
  quality: string;
  note: string;
}

/** The subject custom variables this simulated site defines and fills (their names, lower case as XNAT keeps them). */
export const SITE_CUSTOM_VARIABLES = [
  'age_at_diagnosis', 'year_of_diagnosis', 'icd10', 'icdo3_topography', 'icdo3_morphology', 'diagnosis',
  'stage_group', 'stage_t', 'stage_n', 'stage_m', 'stage_system',
] as const;

export interface XnatStore {
  projects: XnatProject[];
  /** In accession order. */
  subjects: XnatSubject[];
  sessions: XnatSession[];
}

const SESSION_TYPES: Record<string, string> = {
  MR: 'xnat:mrSessionData', CT: 'xnat:ctSessionData', PT: 'xnat:petSessionData', MG: 'xnat:mgSessionData',
  US: 'xnat:usSessionData', DX: 'xnat:dxSessionData', CR: 'xnat:crSessionData', NM: 'xnat:nmSessionData',
  XA: 'xnat:xaSessionData', RF: 'xnat:rfSessionData',
};

const SCAN_TYPES: Record<string, string> = {
  MR: 'xnat:mrScanData', CT: 'xnat:ctScanData', PT: 'xnat:petScanData', MG: 'xnat:mgScanData', US: 'xnat:usScanData',
  DX: 'xnat:dxScanData', CR: 'xnat:crScanData', NM: 'xnat:nmScanData', XA: 'xnat:xaScanData', RF: 'xnat:rfScanData',
  RTSTRUCT: 'xnat:rtImageScanData', RTPLAN: 'xnat:rtImageScanData', RTDOSE: 'xnat:rtImageScanData',
};

export function sessionTypeOf(modalities: readonly string[]): string {
  if (modalities.includes('PT')) return modalities.includes('MR') ? 'xnat:petmrSessionData' : 'xnat:petSessionData';
  return SESSION_TYPES[modalities[0] ?? ''] ?? 'xnat:otherDicomSessionData';
}

export function scanTypeOf(modality: string): string {
  return SCAN_TYPES[modality] ?? 'xnat:otherDicomScanData';
}

function genderOf(sex: string, ordinal: number): string {
  const dicomImported = ordinal % 4 === 0;
  switch (sex) {
    case 'M': return dicomImported ? 'M' : 'male';
    case 'F': return dicomImported ? 'F' : 'female';
    case 'O': return 'other';
    default: return '';
  }
}

const pad = (n: number) => String(n).padStart(5, '0');

export function buildStore(data: SyntheticRepositoryData): XnatStore {
  const projects: XnatProject[] = data.collections.map((c, i) => ({
    id: c.id,
    name: c.name,
    description: c.description,
    secondaryId: c.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 14),
    piFirstname: ['Ana', 'Jonas', 'Marie', 'Luca'][i % 4],
    piLastname: ['García', 'Müller', 'Dubois', 'Rossi'][i % 4],
  }));
  const subjects: XnatSubject[] = [];
  const sessions: XnatSession[] = [];
  let sessionNumber = 0;
  let scanKey = 0;
  data.cases.forEach((c, i) => {
    const stage = c.diagnosis.stage;
    const subject: XnatSubject = {
      accession: `XNAT_S${pad(i + 1)}`,
      label: c.subjectId,
      project: c.collectionId,
      gender: genderOf(c.sex, i),
      fields: {
        age_at_diagnosis: String(c.ageAtDiagnosis),
        year_of_diagnosis: String(c.diagnosis.year),
        icd10: c.diagnosis.icd10,
        icdo3_topography: c.diagnosis.icdO3Topography,
        icdo3_morphology: c.diagnosis.icdO3Morphology,
        diagnosis: c.diagnosis.description,
        stage_group: stage?.group ?? '',
        stage_t: stage?.t ?? '',
        stage_n: stage?.n ?? '',
        stage_m: stage?.m ?? '',
        stage_system: stage?.system ?? '',
      },
      insertDate: `2024-0${1 + (i % 9)}-1${i % 10} 09:${String(i % 60).padStart(2, '0')}:07.815`,
      sessions: [],
    };
    const perModality = new Map<string, number>();
    for (const study of c.studies) {
      sessionNumber++;
      const modalities = study.series.map((s) => s.modality);
      const primary = modalities[0] ?? 'OT';
      const n = (perModality.get(primary) ?? 0) + 1;
      perModality.set(primary, n);
      const session: XnatSession = {
        accession: `XNAT_E${pad(sessionNumber)}`,
        label: `${c.subjectId}_${primary}${n}`,
        project: c.collectionId,
        subject,
        xsiType: sessionTypeOf(modalities),
        date: `${study.date.slice(0, 4)}-${study.date.slice(4, 6)}-${study.date.slice(6, 8)}`,
        uid: study.uid,
        sessionType: study.description,
        modality: primary,
        insertDate: `${study.date.slice(0, 4)}-${study.date.slice(4, 6)}-${study.date.slice(6, 8)} 18:42:11.204`,
        scans: study.series.map((s) => ({
          id: String(s.number),
          key: ++scanKey,
          xsiType: scanTypeOf(s.modality),
          type: s.description,
          uid: s.uid,
          modality: s.modality,
          seriesDescription: s.description,
          frames: String(s.instanceCount),
          manufacturer: s.manufacturer ?? '',
          model: s.manufacturerModelName ?? '',
          bodyPartExamined: s.bodyPartExamined ?? '',
          quality: 'usable',
          note: '',
        })),
      };
      subject.sessions.push(session);
      sessions.push(session);
    }
    subjects.push(subject);
  });
  return { projects, subjects, sessions };
}
