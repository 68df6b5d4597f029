/**
 * XNAT REST listings as typed rows (native-apis README §2g). Every listing is
 * `{"ResultSet":{"Result":[{...}],"totalRecords":"N"}}` and every value in it is a string (numbers, dates and
 * empty values included: a missing value is ""). Parsing (parse.ts) turns "" into null and keeps every other
 * string as the server sent it.
 */

/** A row of `GET /data/projects` (default columns). */
export interface ProjectRow {
  ID: string;
  name: string | null;
  description: string | null;
  secondaryId: string | null;
  piFirstname: string | null;
  piLastname: string | null;
}

/**
 * The clinical attributes the adapter reads from subject custom variables (XNAT keeps clinical data in custom
 * fields, `xnat:subjectData/fields/field[name=…]/field`; their names are chosen per site, see options.ts).
 */
export const CLINICAL_FIELDS = [
  'ageAtDiagnosis', 'yearOfDiagnosis', 'icd10', 'icdO3Topography', 'icdO3Morphology', 'diagnosis',
  'stageGroup', 'stageT', 'stageN', 'stageM', 'stageSystem',
] as const;

export type ClinicalField = (typeof CLINICAL_FIELDS)[number];

/** A row of `GET /data/subjects` (or `/data/projects/{p}/subjects`) with the adapter's columns. */
export interface SubjectRow {
  /** The XNAT accession number, e.g. "XNAT_S00011": unique in the XNAT. */
  ID: string;
  /** The subject label, unique within its project (the pseudonym researchers see). */
  label: string;
  project: string;
  /** Demographics gender as stored: "male", "female", "M", "F", "other", "unknown" or null. */
  gender: string | null;
  /** Custom variable values, as strings. */
  fields: Record<ClinicalField, string | null>;
}

/**
 * A row of `GET /data/experiments?xsiType=xnat:imageSessionData&columns=<session columns>,<scan columns>`: one row
 * per scan, the session columns repeated; a session without scans gives one row whose scan columns are empty.
 */
export interface SessionScanRow {
  /** Experiment accession number, e.g. "XNAT_E00042". */
  experimentId: string;
  experimentLabel: string | null;
  project: string | null;
  /** Session data type, e.g. "xnat:mrSessionData". */
  xsiType: string | null;
  /** Session date, "YYYY-MM-DD". */
  date: string | null;
  /** The subject's accession number. */
  subjectId: string;
  subjectLabel: string | null;
  /** DICOM StudyInstanceUID (`xnat:imageSessionData/UID`). */
  studyUid: string | null;
  /** `session_type`: XNAT fills it from the DICOM StudyDescription. */
  sessionType: string | null;
  /** `xnat:imageSessionData/modality`. */
  sessionModality: string | null;
  /** Null on the row of a session without scans. */
  scan: ScanColumns | null;
}

export interface ScanColumns {
  /** Scan ID within the session, usually the DICOM SeriesNumber ("1", "2", …). */
  id: string;
  type: string | null;
  /** DICOM SeriesInstanceUID. */
  uid: string | null;
  /** DICOM Modality of the scan. */
  modality: string | null;
  seriesDescription: string | null;
  /** Frames (DICOM instances) in the scan. */
  frames: number | null;
  manufacturer: string | null;
  model: string | null;
  /** BodyPartExamined, from the configured column (options.ts: not a standard XNAT scan field). */
  bodyPartExamined: string | null;
}
