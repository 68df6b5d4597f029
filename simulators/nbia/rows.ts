/**
 * NBIA JSON rows built from the store, column names exactly as the server's resources list them: v4 as README §7.3
 * (V4_getSeries, V4_getPatientStudy, V4_getPatient), v1 as V1_getSeries, V1_getPatientStudy and V1_getPatient in
 * CBIIT/NBIA-TCIA (v1 getSeries: `TimeStamp` and `CollectionURI` where v4 has `MaxSubmissionTimestamp` and
 * `DataDescriptionURI`, and no Site, PatientSex, PatientAge, ReleasedStatus or Authorized; v1 getPatient and
 * getPatientStudy add PatientBirthDate). Null columns are left out, as jettison's JSONObject.put drops nulls (§7.3).
 * Dates are java.sql.Timestamp strings ("2014-03-07 00:00:00.0"), as recorded real v1 answers show them (kirbyju/
 * TCIA_Notebooks TCIA_REST_API_Downloads.ipynb: "SeriesDate": "2003-12-12 00:00:00.0").
 */
import type { SyntheticCollection } from '../synthetic/model';
import type { NbiaPatient, NbiaSeries, NbiaStudy } from './store';

/** The API generation a request came in on. */
export type ApiVersion = 'v1' | 'v4';

export type Row = Record<string, string | number | boolean>;

/** `{...}` without its null and undefined values. */
export function withoutNulls(columns: Record<string, string | number | boolean | null | undefined>): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(columns)) if (value !== null && value !== undefined) row[key] = value;
  return row;
}

/** DICOM DA (YYYYMMDD) as a java.sql.Timestamp string. */
export function timestamp(da: string, time = '00:00:00.0'): string {
  return `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)} ${time}`;
}

const LICENCE_URIS: Record<string, string> = {
  'CC BY 4.0': 'https://creativecommons.org/licenses/by/4.0/',
  'CC BY 3.0': 'https://creativecommons.org/licenses/by/3.0/',
  'CC BY-NC 4.0': 'https://creativecommons.org/licenses/by-nc/4.0/',
};

// Species of every synthetic subject: human (SNOMED 337915000, the code SpeciesCriteria takes, §2a).
export const HUMAN_SPECIES_CODE = '337915000';

/** getPatient: note `PatientId`, not `PatientID` (§7.3); `Phantom` "YES" for a quality-control subject. */
export function patientRow(patient: NbiaPatient, version: ApiVersion = 'v4'): Row {
  return withoutNulls({
    PatientId: patient.patientId,
    PatientName: patient.patientId,
    ...(version === 'v1' ? { PatientBirthDate: null } : {}),
    PatientSex: patient.sex,
    EthnicGroup: null,
    Collection: patient.collection,
    Phantom: patient.phantom ? 'YES' : 'NO',
    SpeciesCode: patient.phantom ? null : HUMAN_SPECIES_CODE,
    SpeciesDescription: patient.phantom ? null : 'Homo sapiens',
  });
}

/** getPatientStudy: `PatientID` here (§7.3). */
export function patientStudyRow(study: NbiaStudy, version: ApiVersion = 'v4'): Row {
  return withoutNulls({
    StudyInstanceUID: study.uid,
    StudyDate: timestamp(study.date),
    StudyDescription: study.description,
    AdmittingDiagnosesDescription: null,
    StudyID: null,
    PatientAge: study.patientAge,
    PatientID: study.patient.patientId,
    PatientName: study.patient.patientId,
    ...(version === 'v1' ? { PatientBirthDate: null } : {}),
    PatientSex: study.patient.sex,
    EthnicGroup: null,
    Collection: study.patient.collection,
    SeriesCount: study.series.length,
    LongitudinalTemporalEventType: null,
    LongitudinalTemporalOffsetFromEvent: null,
  });
}

/**
 * getSeries. v4 columns: PatientID, MaxSubmissionTimestamp, DataDescriptionURI; v1 columns: TimeStamp,
 * CollectionURI, no Site, PatientSex, PatientAge, ReleasedStatus or Authorized. ImageCount int, FileSize bytes.
 */
export function seriesRow(series: NbiaSeries, collection: SyntheticCollection | undefined, version: ApiVersion = 'v4'): Row {
  return version === 'v1' ? seriesRowV1(series, collection) : seriesRowV4(series, collection);
}

function seriesRowV1(series: NbiaSeries, collection: SyntheticCollection | undefined): Row {
  const study = series.study;
  const patient = study.patient;
  // V1_getSeries column order.
  return withoutNulls({
    SeriesInstanceUID: series.uid,
    StudyInstanceUID: study.uid,
    Modality: series.modality,
    ProtocolName: null,
    SeriesDate: timestamp(study.date),
    SeriesDescription: series.description,
    BodyPartExamined: series.bodyPartExamined,
    SeriesNumber: series.number,
    AnnotationsFlag: null,
    Collection: patient.collection,
    PatientID: patient.patientId,
    Manufacturer: series.manufacturer,
    ManufacturerModelName: series.manufacturerModelName,
    SoftwareVersions: null,
    ImageCount: series.imageCount,
    TimeStamp: '2024-05-17 10:32:11.0',
    LicenseName: collection?.licence ?? null,
    LicenseURI: collection ? LICENCE_URIS[collection.licence] ?? null : null,
    CollectionURI: collection ? `https://doi.org/${collection.doi}` : null,
    FileSize: series.fileSize,
    DateReleased: '2024-06-01 00:00:00.0',
    StudyDesc: study.description,
    StudyDate: timestamp(study.date),
    ThirdPartyAnalysis: null,
  });
}

function seriesRowV4(series: NbiaSeries, collection: SyntheticCollection | undefined): Row {
  const study = series.study;
  const patient = study.patient;
  return withoutNulls({
    SeriesInstanceUID: series.uid,
    StudyInstanceUID: study.uid,
    Modality: series.modality,
    ProtocolName: null,
    SeriesDate: timestamp(study.date),
    SeriesDescription: series.description,
    BodyPartExamined: series.bodyPartExamined,
    SeriesNumber: series.number,
    AnnotationsFlag: null,
    Collection: patient.collection,
    Site: null,
    PatientID: patient.patientId,
    PatientSex: patient.sex,
    PatientAge: study.patientAge,
    AdmittingDiagnosisDescription: null,
    Manufacturer: series.manufacturer,
    ManufacturerModelName: series.manufacturerModelName,
    SoftwareVersions: null,
    ImageCount: series.imageCount,
    MaxSubmissionTimestamp: '2024-05-17 10:32:11.0',
    LicenseName: collection?.licence ?? null,
    LicenseURI: collection ? LICENCE_URIS[collection.licence] ?? null : null,
    DataDescriptionURI: collection ? `https://doi.org/${collection.doi}` : null,
    FileSize: series.fileSize,
    ReleasedStatus: 'Released',
    DateReleased: '2024-06-01 00:00:00.0',
    StudyDesc: study.description,
    StudyDate: timestamp(study.date),
    ThirdPartyAnalysis: 'NO',
    Authorized: null,
  });
}
