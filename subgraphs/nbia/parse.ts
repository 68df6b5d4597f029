/**
 * Parsing of NBIA bodies into typed rows, with ResponseReader so that anything the protocol does not allow
 * fails as REPOSITORY_BAD_RESPONSE naming the call and the field. Tolerated, because the real server does it
 * (README §2a, §7.3):
 * - v1 and v4 column names: getSeries `CollectionURI` (v1/v2) or `DataDescriptionURI` (v4), rows without
 *   PatientSex or PatientAge (v1 getSeries has neither; getPatient and getPatientStudy leave them out when null);
 * - `Phantom` "YES"/"NO" on getPatient rows (and on series rows, should a server send it), case-insensitive;
 * - an empty body (NativeHttp gives null) or `[]` is "no result";
 * - key casing differs across endpoints and versions (`PatientId` in getPatient, `PatientID` elsewhere), so keys
 *   are looked up exactly first, then case-insensitively, as NBIA's own clients deserialize;
 * - null columns are left out, so every optional column may be missing;
 * - counts arrive as numbers (v4) or strings (older `{criteria,count}` shape).
 */
import { column, ResponseReader } from '../sdk/parse';

export { column };
import type {
  CollectionValueRow, PatientRow, PatientStudyRow, SeriesRow, SimpleSearchResult, SimpleSearchSubject, ValueAndCountRow,
} from './native-types';

type Json = Record<string, unknown>;


/** The rows of a GET endpoint: an empty body is no rows. */
function rowsOf(body: unknown, reader: ResponseReader): Json[] {
  if (body === null || body === undefined) return [];
  return reader.array(body).map((row, i) => reader.object(row, `[${i}]`));
}

export function parseCollectionValues(body: unknown, repositoryId: string): CollectionValueRow[] {
  const reader = new ResponseReader(repositoryId, 'getCollectionValues');
  return rowsOf(body, reader).map((row, i) => ({ Collection: reader.string(column(row, 'Collection'), `[${i}].Collection`) }));
}

/** getModalityValues / getBodyPartValues / getManufacturerValues: the distinct values of one column. */
export function parseValues(body: unknown, repositoryId: string, call: string, name: string): string[] {
  const reader = new ResponseReader(repositoryId, call);
  // A row without the column stands for a null value: nothing to list.
  return rowsOf(body, reader).map((row, i) => reader.optionalString(column(row, name), `[${i}].${name}`)).filter((v): v is string => v !== null);
}

/**
 * get<Attribute>ValuesAndCounts. v4: `[{"BodyPart":"CHEST","Count":40}]`; older: `[{"criteria":"CHEST","count":"40"}]`.
 */
export function parseValuesAndCounts(body: unknown, repositoryId: string, call: string, attribute: string): ValueAndCountRow[] {
  const reader = new ResponseReader(repositoryId, call);
  return rowsOf(body, reader).map((row, i) => {
    const raw = column(row, attribute) ?? column(row, 'criteria');
    return {
      value: reader.string(raw, `[${i}].${attribute}`),
      count: reader.number(column(row, 'Count'), `[${i}].Count`),
    };
  });
}

export function parsePatients(body: unknown, repositoryId: string): PatientRow[] {
  const reader = new ResponseReader(repositoryId, 'getPatient');
  return rowsOf(body, reader).map((row, i) => ({
    PatientID: reader.string(column(row, 'PatientId'), `[${i}].PatientId`),
    PatientSex: reader.optionalString(column(row, 'PatientSex'), `[${i}].PatientSex`),
    Collection: reader.optionalString(column(row, 'Collection'), `[${i}].Collection`),
    Phantom: phantom(reader, row, `[${i}].Phantom`),
  }));
}

/** The Phantom column: "YES" (any case, NBIA upper-cases it) is a test object; "NO", "" or no column a patient. */
function phantom(reader: ResponseReader, row: Json, path: string): boolean {
  const value = reader.optionalString(column(row, 'Phantom'), path);
  return value !== null && value.trim().toUpperCase() === 'YES';
}

export function parsePatientStudies(body: unknown, repositoryId: string): PatientStudyRow[] {
  const reader = new ResponseReader(repositoryId, 'getPatientStudy');
  return rowsOf(body, reader).map((row, i) => {
    const at = (name: string) => `[${i}].${name}`;
    const text = (name: string) => reader.optionalString(column(row, name), at(name));
    return {
      StudyInstanceUID: reader.string(column(row, 'StudyInstanceUID'), at('StudyInstanceUID')),
      PatientID: reader.string(column(row, 'PatientID'), at('PatientID')),
      Collection: text('Collection'),
      StudyDate: text('StudyDate'),
      StudyDescription: text('StudyDescription'),
      PatientAge: text('PatientAge'),
      PatientSex: text('PatientSex'),
      SeriesCount: reader.optionalNumber(column(row, 'SeriesCount'), at('SeriesCount')),
    };
  });
}

export function parseSeries(body: unknown, repositoryId: string): SeriesRow[] {
  const reader = new ResponseReader(repositoryId, 'getSeries');
  return rowsOf(body, reader).map((row, i) => {
    const at = (name: string) => `[${i}].${name}`;
    const text = (name: string) => reader.optionalString(column(row, name), at(name));
    const number = (name: string) => reader.optionalNumber(column(row, name), at(name));
    return {
      SeriesInstanceUID: reader.string(column(row, 'SeriesInstanceUID'), at('SeriesInstanceUID')),
      StudyInstanceUID: reader.string(column(row, 'StudyInstanceUID'), at('StudyInstanceUID')),
      PatientID: reader.string(column(row, 'PatientID'), at('PatientID')),
      Collection: text('Collection'),
      Modality: text('Modality'),
      BodyPartExamined: text('BodyPartExamined'),
      SeriesDescription: text('SeriesDescription'),
      SeriesNumber: number('SeriesNumber'),
      Manufacturer: text('Manufacturer'),
      ManufacturerModelName: text('ManufacturerModelName'),
      ImageCount: number('ImageCount'),
      FileSize: number('FileSize'),
      PatientAge: text('PatientAge'),
      PatientSex: text('PatientSex'),
      StudyDate: text('StudyDate'),
      StudyDesc: text('StudyDesc'),
      LicenseName: text('LicenseName'),
      DataDescriptionURI: text('DataDescriptionURI') ?? text('CollectionURI'),
      Phantom: phantom(reader, row, at('Phantom')),
    };
  });
}

/** getSimpleSearch (§7.3 shape). An empty body is taken as "no match" like the GET endpoints. */
export function parseSimpleSearch(body: unknown, repositoryId: string): SimpleSearchResult {
  const reader = new ResponseReader(repositoryId, 'getSimpleSearch');
  if (body === null || body === undefined) return { resultSet: [], totalPatients: 0 };
  const root = reader.object(body);
  const rawSet = column(root, 'resultSet');
  // Jackson NON_NULL drops a null list: no subjects on this page.
  const resultSet: SimpleSearchSubject[] = (rawSet === undefined || rawSet === null ? [] : reader.array(rawSet, 'resultSet'))
    .map((item, i) => {
      const subject = reader.object(item, `resultSet[${i}]`);
      return {
        subjectId: reader.string(column(subject, 'subjectId'), `resultSet[${i}].subjectId`),
        project: reader.optionalString(column(subject, 'project'), `resultSet[${i}].project`),
        id: reader.optionalNumber(column(subject, 'id'), `resultSet[${i}].id`),
      };
    });
  const totalPatients = reader.number(column(root, 'totalPatients'), 'totalPatients');
  if (!Number.isInteger(totalPatients) || totalPatients < 0) reader.fail('totalPatients', 'a non-negative integer', totalPatients);
  return { resultSet, totalPatients };
}
