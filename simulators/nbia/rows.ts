/**
 * NBIA v4 JSON rows built from the store, column names exactly as README §7.3 lists them (v4_getSeries,
 * V4_getPatientStudy, V4_getPatient). Null columns are left out, as jettison's JSONObject.put drops nulls (§7.3).
 * Dates are java.sql.Timestamp strings ("2014-03-07 00:00:00.0"), which is what jettison writes for the JDBC date
 * columns (an assumption of the simulator: §2a does not show a date value).
 */
import type { SyntheticCollection } from '../synthetic/model';
import type { NbiaPatient, NbiaSeries, NbiaStudy } from './store';

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

/** getPatient: note `PatientId`, not `PatientID` (§7.3). */
export function patientRow(patient: NbiaPatient): Row {
  return withoutNulls({
    PatientId: patient.patientId,
    PatientName: patient.patientId,
    PatientSex: patient.sex,
    EthnicGroup: null,
    Collection: patient.collection,
    Phantom: 'NO',
    SpeciesCode: HUMAN_SPECIES_CODE,
    SpeciesDescription: 'Homo sapiens',
  });
}

/** getPatientStudy: `PatientID` here (§7.3). */
export function patientStudyRow(study: NbiaStudy): Row {
  return withoutNulls({
    StudyInstanceUID: study.uid,
    StudyDate: timestamp(study.date),
    StudyDescription: study.description,
    AdmittingDiagnosesDescription: null,
    StudyID: null,
    PatientAge: study.patientAge,
    PatientID: study.patient.patientId,
    PatientName: study.patient.patientId,
    PatientSex: study.patient.sex,
    EthnicGroup: null,
    Collection: study.patient.collection,
    SeriesCount: study.series.length,
    LongitudinalTemporalEventType: null,
    LongitudinalTemporalOffsetFromEvent: null,
  });
}

/** getSeries, v4 columns: PatientID, MaxSubmissionTimestamp, DataDescriptionURI; ImageCount int, FileSize bytes. */
export function seriesRow(series: NbiaSeries, collection: SyntheticCollection | undefined): Row {
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
