/**
 * NBIA responses as typed rows, named as the v4 server names its columns (README §7.3). Every column NBIA may
 * leave out (null columns are dropped from the JSON) is optional here, i.e. null after parsing. The v1 API (still
 * served at services.cancerimagingarchive.net/nbia-api/services/v1) names some columns differently; parse.ts reads
 * both spellings into these rows (v1 getSeries: `CollectionURI` for `DataDescriptionURI`, `TimeStamp` for
 * `MaxSubmissionTimestamp`, no PatientSex or PatientAge).
 */

/** getCollectionValues. */
export interface CollectionValueRow {
  Collection: string;
}

/** get{Collection,Modality,BodyPart,Manufacturer}ValuesAndCounts, v4 `[{"<Attr>": v, "Count": n}]` or the older `{criteria,count}`. */
export interface ValueAndCountRow {
  value: string;
  /** Distinct patients with the value. */
  count: number;
}

/** getPatient (key spelled `PatientId` in v1 and v4). */
export interface PatientRow {
  PatientID: string;
  PatientSex: string | null;
  Collection: string | null;
  /**
   * The `Phantom` column: "YES" marks a quality-control subject (a phantom, a test object), not a patient. NBIA
   * stores the DICOM Quality Control Subject (0010,0200) upper-cased (patient.qc_subject) and filters on
   * `qc_subject = 'YES'` (DICOMQueryHandler PHANTOM_ONLY); "NO" or a missing column is a patient.
   */
  Phantom: boolean;
}

/** getPatientStudy (key spelled `PatientID`). */
export interface PatientStudyRow {
  StudyInstanceUID: string;
  PatientID: string;
  Collection: string | null;
  StudyDate: string | null;
  StudyDescription: string | null;
  /** DICOM AS, e.g. "058Y". */
  PatientAge: string | null;
  PatientSex: string | null;
  SeriesCount: number | null;
}

/** getSeries, v4 columns. */
export interface SeriesRow {
  SeriesInstanceUID: string;
  StudyInstanceUID: string;
  PatientID: string;
  Collection: string | null;
  Modality: string | null;
  BodyPartExamined: string | null;
  SeriesDescription: string | null;
  SeriesNumber: number | null;
  Manufacturer: string | null;
  ManufacturerModelName: string | null;
  /** Number of images, an int. */
  ImageCount: number | null;
  /** Bytes. */
  FileSize: number | null;
  PatientAge: string | null;
  PatientSex: string | null;
  StudyDate: string | null;
  StudyDesc: string | null;
  LicenseName: string | null;
  /** The collection's DOI link: `DataDescriptionURI` in v4, `CollectionURI` in v1/v2 (V1_getSeries). */
  DataDescriptionURI: string | null;
  /** `Phantom: "YES"` when a server lists it on series rows (v4 getSeries does not; getPatient does). */
  Phantom: boolean;
}

/** One subject of a getSimpleSearch result page (§7.3); only what the adapter reads. */
export interface SimpleSearchSubject {
  subjectId: string;
  /** The collection. */
  project: string | null;
  /** Internal NBIA key, not a DICOM UID. */
  id: number | null;
}

export interface SimpleSearchResult {
  resultSet: SimpleSearchSubject[];
  /** All matches, before paging. */
  totalPatients: number;
}

/** One criterion of the getSimpleSearch form (§2a criteria types; PatientSexCriteria per §7.3). */
export interface SimpleSearchCriterion {
  type: 'CollectionCriteria' | 'ImageModalityCriteria' | 'AnatomicalSiteCriteria' | 'ManufacturerCriteria' | 'PatientSexCriteria' | 'PhantomCriteria';
  value: string;
}
