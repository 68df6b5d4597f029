/**
 * Parsing of XNAT listings (README §2g) with ResponseReader, so anything the protocol does not allow fails as
 * REPOSITORY_BAD_RESPONSE naming the call and the field:
 * - the body must be `{"ResultSet":{"Result":[…],"totalRecords":"N"}}`; an empty body is not a listing;
 * - `totalRecords` is a string holding a count and must equal the number of rows: the adapter asks for the whole
 *   listing (`limit=*`), so fewer rows than the total means a paged or cut listing, which would under-count;
 * - every value is a string ("" when missing); a text column holding a number, an object or a boolean is refused;
 *   numeric columns (frames) accept a string or a number holding one;
 * - keys are matched exactly first, then case-insensitively: XNAT lower-cases element-path keys;
 * - a column asked for with `columns=` may be missing from the answer: an XNAT leaves out a column it cannot
 *   resolve (a custom variable the site does not define, a scan field its schema lacks). The listing functions
 *   report which asked-for columns no row carries, so the adapter reports the criteria that need them as not
 *   applied instead of reading every value as unknown (plan.ts). A column missing from some rows only is read as ""
 *   on those rows.
 */
import { column, ResponseReader } from '../sdk/parse';

export { column };
import { SESSION_COLUMNS, SUBJECT_COLUMNS, type ScanColumnNames } from './columns';
import { CLINICAL_FIELDS, type ClinicalField, type ProjectRow, type ScanColumns, type SessionScanRow, type SubjectRow } from './native-types';

type Json = Record<string, unknown>;


/** The rows of a listing, after checking the ResultSet envelope and its count. */
export function resultRows(body: unknown, reader: ResponseReader): Json[] {
  if (body === null || body === undefined) return reader.fail('', 'a ResultSet object', body);
  const root = reader.object(body);
  const resultSet = reader.object(root.ResultSet, 'ResultSet');
  const rows = reader.array(resultSet.Result, 'ResultSet.Result').map((row, i) => reader.object(row, `ResultSet.Result[${i}]`));
  const total = reader.number(resultSet.totalRecords, 'ResultSet.totalRecords');
  if (!Number.isInteger(total) || total < 0) reader.fail('ResultSet.totalRecords', 'a non-negative integer', total);
  if (total !== rows.length) {
    reader.fail('ResultSet.totalRecords', `the number of rows (${rows.length}): the listing is paged or cut, counts would be wrong`, total);
  }
  return rows;
}

/** A parsed listing with the asked-for columns its rows do not carry (all rows, when there are any). */
export interface Listing<T> {
  rows: T[];
  missingColumns: string[];
}

/** The asked-for columns no row carries; none for an empty listing (nothing to judge by). */
export function missingColumns(rows: readonly Json[], asked: readonly string[]): string[] {
  if (rows.length === 0) return [];
  return asked.filter((name) => rows.every((row) => column(row, name) === undefined));
}

class RowReader {
  constructor(private readonly reader: ResponseReader, private readonly row: Json, private readonly at: string) {}

  /** A text column; "" and a missing column are null. */
  text(name: string): string | null {
    const value = this.reader.optionalString(column(this.row, name), `${this.at}.${name}`);
    return value === '' ? null : value;
  }

  required(name: string): string {
    const value = this.text(name);
    return value ?? this.reader.fail(`${this.at}.${name}`, 'a non-empty string', column(this.row, name) ?? null);
  }

  number(name: string): number | null {
    return this.reader.optionalNumber(column(this.row, name), `${this.at}.${name}`);
  }
}

function rowReaders(body: unknown, repositoryId: string, call: string): RowReader[] {
  const reader = new ResponseReader(repositoryId, call);
  return resultRows(body, reader).map((row, i) => new RowReader(reader, row, `ResultSet.Result[${i}]`));
}

export function parseProjects(body: unknown, repositoryId: string): ProjectRow[] {
  return rowReaders(body, repositoryId, 'GET /data/projects').map((row) => ({
    ID: row.required('ID'),
    name: row.text('name'),
    description: row.text('description'),
    secondaryId: row.text('secondary_ID'),
    piFirstname: row.text('pi_firstname'),
    piLastname: row.text('pi_lastname'),
  }));
}

/** A subjects listing and the columns of `asked` it left out. */
export function parseSubjectListing(
  body: unknown, repositoryId: string, fields: Record<ClinicalField, string>, asked: readonly string[], call = 'GET /data/subjects',
): Listing<SubjectRow> {
  return { rows: parseSubjects(body, repositoryId, fields, call), missingColumns: missingColumns(resultRows(body, new ResponseReader(repositoryId, call)), asked) };
}

/** An experiments listing joined with scans, and the columns of `asked` it left out. */
export function parseSessionScanListing(
  body: unknown, repositoryId: string, scan: ScanColumnNames, asked: readonly string[], call = 'GET /data/experiments',
): Listing<SessionScanRow> {
  return { rows: parseSessionScans(body, repositoryId, scan, call), missingColumns: missingColumns(resultRows(body, new ResponseReader(repositoryId, call)), asked) };
}

/** Subjects with the columns of `subjectColumns` (fields: the column name of each clinical attribute). */
export function parseSubjects(body: unknown, repositoryId: string, fields: Record<ClinicalField, string>, call = 'GET /data/subjects'): SubjectRow[] {
  return rowReaders(body, repositoryId, call).map((row) => ({
    ID: row.required(SUBJECT_COLUMNS.ID),
    label: row.required(SUBJECT_COLUMNS.label),
    project: row.required(SUBJECT_COLUMNS.project),
    gender: row.text(SUBJECT_COLUMNS.gender),
    fields: Object.fromEntries(CLINICAL_FIELDS.map((field) => [field, row.text(fields[field])])) as Record<ClinicalField, string | null>,
  }));
}

/** The experiments listing joined with scan columns: one row per scan, or one empty-scan row per bare session. */
export function parseSessionScans(body: unknown, repositoryId: string, scan: ScanColumnNames, call = 'GET /data/experiments'): SessionScanRow[] {
  return rowReaders(body, repositoryId, call).map((row) => {
    const scanId = row.text(scan.id);
    const scanColumns: ScanColumns | null = scanId === null ? null : {
      id: scanId,
      type: row.text(scan.type),
      uid: row.text(scan.uid),
      modality: row.text(scan.modality),
      seriesDescription: row.text(scan.seriesDescription),
      frames: row.number(scan.frames),
      manufacturer: row.text(scan.manufacturer),
      model: row.text(scan.model),
      bodyPartExamined: row.text(scan.bodyPartExamined),
    };
    return {
      experimentId: row.required(SESSION_COLUMNS.ID),
      experimentLabel: row.text(SESSION_COLUMNS.label),
      project: row.text(SESSION_COLUMNS.project),
      xsiType: row.text(SESSION_COLUMNS.xsiType),
      date: row.text(SESSION_COLUMNS.date),
      subjectId: row.required(SESSION_COLUMNS.subjectId),
      subjectLabel: row.text(SESSION_COLUMNS.subjectLabel),
      studyUid: row.text(SESSION_COLUMNS.studyUid),
      sessionType: row.text(SESSION_COLUMNS.sessionType),
      sessionModality: row.text(SESSION_COLUMNS.modality),
      scan: scanColumns,
    };
  });
}
