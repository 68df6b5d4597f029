/**
 * XNAT REST listings (native-apis README §2g; XNAT's "REST Enhanced Listing Options" and XMLPathShortcuts):
 * - the envelope `{"ResultSet":{"Result":[…],"totalRecords":"N"}}`, every value a string ("" when unset), the
 *   count a string too;
 * - `columns=` takes shortcut names and element paths, comma-separated. A shortcut comes back under its name; an
 *   element path that is the path of a shortcut comes back under the shortcut (`xnat:subjectassessordata/subject_id`
 *   → `subject_ID`, as yaxil reads it); any other element path under its lower-cased path
 *   (`xnat:imagescandata/series_description`, as pyxnat, yaxil and DAX read it). `ID` and `URI` are always listed;
 * - without `columns`, each listing has its default columns (the README's fixtures);
 * - scan columns in an experiments listing join the scans: one row per scan; a session without scans still gives
 *   one row, its scan columns "" (yaxil skips rows whose `xnat:mrscandata/id` is "");
 * - no paging: `limit`, `offset` and other unknown parameters are ignored, the whole listing comes back.
 * - a column the site cannot resolve is left out of every row (the quirk the adapter must survive: it then knows
 *   nothing of that field) or, with `unknownColumns: "reject"`, refused with HTTP 400. Unresolvable: a custom
 *   variable the site does not define (`Site.customVariables`), a scan field its schema lacks (`bodyPartExamined`
 *   unless `Site.scanBodyPart`), any other path the simulator does not know.
 * Choices where the reference is silent: a defined custom variable a subject has no value for is listed as "".
 */
import type { SimulatorResponse } from '../http-server';
import type { XnatProject, XnatScan, XnatSession, XnatSubject } from './store';

export type Row = Record<string, string>;

interface Column<T> {
  key: string;
  value: (item: T) => string;
}

export class UnknownColumn extends Error {}

/** What this XNAT site defines beyond the core schema, and how it treats a column it cannot resolve. */
export interface Site {
  /** Subject custom variables the site defines (lower-case names). */
  customVariables: ReadonlySet<string>;
  /** Whether scans carry the `bodyPartExamined` extension field. */
  scanBodyPart: boolean;
  unknownColumns: 'omit' | 'reject';
}

/** Resolves each requested column; unresolvable ones are dropped ("omit") or refused ("reject"). */
function resolveAll<T>(columns: readonly string[], resolve: (requested: string) => T | null, site: Site): T[] {
  return columns.flatMap((requested) => {
    const resolved = resolve(requested);
    if (resolved !== null) return [resolved];
    if (site.unknownColumns === 'reject') throw new UnknownColumn(requested);
    return [];
  });
}

export function resultSet(rows: readonly Row[]): SimulatorResponse {
  return {
    status: 200,
    headers: { 'Content-Type': 'application/json;charset=UTF-8' },
    body: JSON.stringify({ ResultSet: { Result: rows, totalRecords: String(rows.length) } }),
  };
}

/** Requested columns, split on commas and trimmed; null when the parameter is absent or empty. */
export function requestedColumns(params: URLSearchParams): string[] | null {
  const raw = params.get('columns');
  if (raw === null || raw.trim() === '') return null;
  return raw.split(',').map((c) => c.trim()).filter((c) => c !== '');
}

function rowsOf<T>(items: readonly T[], columns: ReadonlyArray<Column<T>>): Row[] {
  return items.map((item) => Object.fromEntries(columns.map((c) => [c.key, c.value(item)])));
}

/** Always-listed columns first (ID), the requested ones, URI last; duplicates by key dropped. */
function withAlwaysListed<T>(id: Column<T>, requested: ReadonlyArray<Column<T>>, uri: Column<T>): Array<Column<T>> {
  const byKey = new Map<string, Column<T>>();
  for (const column of [id, ...requested, uri]) if (!byKey.has(column.key)) byKey.set(column.key, column);
  return [...byKey.values()];
}

// ---- projects ------------------------------------------------------------------------------------------------

const PROJECT_DEFAULT: Array<Column<XnatProject>> = [
  { key: 'ID', value: (p) => p.id },
  { key: 'secondary_ID', value: (p) => p.secondaryId },
  { key: 'name', value: (p) => p.name },
  { key: 'description', value: (p) => p.description },
  { key: 'pi_firstname', value: (p) => p.piFirstname },
  { key: 'pi_lastname', value: (p) => p.piLastname },
  { key: 'URI', value: (p) => `/data/projects/${p.id}` },
];

export function projectRows(projects: readonly XnatProject[]): Row[] {
  return rowsOf(projects, PROJECT_DEFAULT);
}

// ---- subjects ------------------------------------------------------------------------------------------------

const SUBJECT_SHORTCUTS: Record<string, Column<XnatSubject>> = {
  id: { key: 'ID', value: (s) => s.accession },
  label: { key: 'label', value: (s) => s.label },
  project: { key: 'project', value: (s) => s.project },
  insert_date: { key: 'insert_date', value: (s) => s.insertDate },
  insert_user: { key: 'insert_user', value: () => 'admin' },
  gender: { key: 'gender', value: (s) => s.gender },
  dob: { key: 'dob', value: () => '' },
  yob: { key: 'yob', value: () => '' },
  age: { key: 'age', value: () => '' },
  handedness: { key: 'handedness', value: () => '' },
  uri: { key: 'URI', value: (s) => `/data/subjects/${s.accession}` },
};

// Element paths of the shortcuts (XMLPathShortcuts), lower-cased.
const SUBJECT_PATHS: Record<string, string> = {
  'xnat:subjectdata/id': 'id',
  'xnat:subjectdata/label': 'label',
  'xnat:subjectdata/project': 'project',
  'xnat:subjectdata/demographics[@xsi:type=xnat:demographicdata]/gender': 'gender',
  'xnat:subjectdata/demographics/gender': 'gender',
};

const CUSTOM_FIELD = /^xnat:subjectdata\/fields\/field\[name=([^\]]+)\]\/field$/;

function subjectColumn(requested: string, site: Site): Column<XnatSubject> | null {
  const lower = requested.toLowerCase();
  const shortcut = SUBJECT_SHORTCUTS[SUBJECT_PATHS[lower] ?? lower];
  if (shortcut) return shortcut;
  const custom = CUSTOM_FIELD.exec(lower);
  if (custom) {
    const name = custom[1].replace(/^['"]|['"]$/g, '');
    return site.customVariables.has(name) ? { key: lower, value: (s) => s.fields[name] ?? '' } : null;
  }
  return null;
}

export function subjectRows(subjects: readonly XnatSubject[], columns: string[] | null, site: Site): Row[] {
  // README fixture (ITCRdemo): insert_date, project, ID, label, insert_user, URI.
  const chosen = columns === null
    ? ['insert_date', 'project', 'id', 'label', 'insert_user', 'uri'].map((k) => SUBJECT_SHORTCUTS[k])
    : withAlwaysListed(SUBJECT_SHORTCUTS.id, resolveAll(columns, (c) => subjectColumn(c, site), site), SUBJECT_SHORTCUTS.uri);
  return rowsOf(subjects, chosen);
}

// ---- experiments (sessions, optionally joined with their scans) ---------------------------------------------

interface SessionScan {
  session: XnatSession;
  scan: XnatScan | null;
}

const SESSION_SHORTCUTS: Record<string, Column<SessionScan>> = {
  id: { key: 'ID', value: ({ session }) => session.accession },
  label: { key: 'label', value: ({ session }) => session.label },
  project: { key: 'project', value: ({ session }) => session.project },
  xsitype: { key: 'xsiType', value: ({ session }) => session.xsiType },
  date: { key: 'date', value: ({ session }) => session.date },
  insert_date: { key: 'insert_date', value: ({ session }) => session.insertDate },
  insert_user: { key: 'insert_user', value: () => 'admin' },
  subject_id: { key: 'subject_ID', value: ({ session }) => session.subject.accession },
  subject_label: { key: 'subject_label', value: ({ session }) => session.subject.label },
  subject_project: { key: 'subject_project', value: ({ session }) => session.subject.project },
  uid: { key: 'UID', value: ({ session }) => session.uid },
  session_type: { key: 'session_type', value: ({ session }) => session.sessionType },
  modality: { key: 'modality', value: ({ session }) => session.modality },
  uri: { key: 'URI', value: ({ session }) => `/data/experiments/${session.accession}` },
};

const SESSION_PATHS: Record<string, string> = {
  'xnat:subjectassessordata/subject_id': 'subject_id',
  'xnat:subjectdata/label': 'subject_label',
  'xnat:subjectdata/project': 'subject_project',
  'xnat:experimentdata/id': 'id',
  'xnat:experimentdata/label': 'label',
  'xnat:experimentdata/project': 'project',
  'xnat:experimentdata/date': 'date',
  'xnat:imagesessiondata/uid': 'uid',
  'xnat:imagesessiondata/modality': 'modality',
  'xnat:imagesessiondata/session_type': 'session_type',
};

// Session fields reachable through a session type's own path (xnat:mrSessionData/label …), listed under the path.
const SESSION_TYPE_FIELDS: Record<string, (s: XnatSession) => string> = {
  id: (s) => s.accession, label: (s) => s.label, project: (s) => s.project, date: (s) => s.date, uid: (s) => s.uid,
  modality: (s) => s.modality, session_type: (s) => s.sessionType, subject_id: (s) => s.subject.accession,
};

const SCAN_FIELDS: Record<string, (scan: XnatScan) => string> = {
  id: (s) => s.id,
  type: (s) => s.type,
  uid: (s) => s.uid,
  modality: (s) => s.modality,
  series_description: (s) => s.seriesDescription,
  frames: (s) => s.frames,
  quality: (s) => s.quality,
  note: (s) => s.note,
  condition: () => '',
  'scanner/manufacturer': (s) => s.manufacturer,
  'scanner/model': (s) => s.model,
  bodypartexamined: (s) => s.bodyPartExamined,
};

function experimentColumn(requested: string, site: Site): { column: Column<SessionScan>; scan: boolean } | null {
  const lower = requested.toLowerCase();
  const shortcut = SESSION_SHORTCUTS[SESSION_PATHS[lower] ?? lower];
  if (shortcut) return { column: shortcut, scan: false };
  const typed = /^(xnat:[a-z0-9]+sessiondata)\/(.+)$/.exec(lower);
  if (typed && SESSION_TYPE_FIELDS[typed[2]]) {
    // A field of one session type: empty on the rows of sessions of another type (imageSessionData is every one).
    const [, type, name] = typed;
    const field = SESSION_TYPE_FIELDS[name];
    const applies = (s: XnatSession) => type === 'xnat:imagesessiondata' || s.xsiType.toLowerCase() === type;
    return { column: { key: lower, value: ({ session }) => (applies(session) ? field(session) : '') }, scan: false };
  }
  const scanPath = /^xnat:imagescandata\/(.+)$/.exec(lower);
  if (scanPath && SCAN_FIELDS[scanPath[1]] && (scanPath[1] !== 'bodypartexamined' || site.scanBodyPart)) {
    const field = SCAN_FIELDS[scanPath[1]];
    return { column: { key: lower, value: ({ scan }) => (scan ? field(scan) : '') }, scan: true };
  }
  return null;
}

export function experimentRows(sessions: readonly XnatSession[], columns: string[] | null, site: Site): Row[] {
  if (columns === null) {
    // README §2g: {"project","xsiType","ID","insert_date","label","date","URI"}.
    const chosen = ['project', 'xsitype', 'id', 'insert_date', 'label', 'date', 'uri'].map((k) => SESSION_SHORTCUTS[k]);
    return rowsOf(sessions.map((session) => ({ session, scan: null })), chosen);
  }
  const resolved = resolveAll(columns, (c) => experimentColumn(c, site), site);
  const joinScans = resolved.some((r) => r.scan);
  const items: SessionScan[] = joinScans
    ? sessions.flatMap((session): SessionScan[] => (session.scans.length === 0 ? [{ session, scan: null }] : session.scans.map((scan) => ({ session, scan }))))
    : sessions.map((session) => ({ session, scan: null }));
  return rowsOf(items, withAlwaysListed(SESSION_SHORTCUTS.id, resolved.map((r) => r.column), SESSION_SHORTCUTS.uri));
}

// ---- scans of one session -----------------------------------------------------------------------------------

/** `/data/experiments/{e}/scans`: xsiType, xnat_imagescandata_id, ID, type, quality, series_description, note, URI. */
export function scanRows(session: XnatSession): Row[] {
  return session.scans.map((scan) => ({
    xsiType: scan.xsiType,
    xnat_imagescandata_id: String(scan.key),
    ID: scan.id,
    type: scan.type,
    quality: scan.quality,
    series_description: scan.seriesDescription,
    note: scan.note,
    URI: `/data/experiments/${session.accession}/scans/${scan.id}`,
  }));
}
