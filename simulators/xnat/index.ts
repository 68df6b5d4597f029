/**
 * An XNAT REST API simulator (native-apis README §2g) serving synthetic data with the real server's shapes:
 * - `/data/projects`, `/data/subjects`, `/data/projects/{p}/subjects`, `/data/experiments`,
 *   `/data/projects/{p}/experiments`, `/data/projects/{p}/subjects/{s}/experiments` (s: accession number or label),
 *   `/data/experiments/{e}/scans` and `/data/projects/{p}/subjects/{s}/experiments/{e}/scans`; `/data/archive/…`
 *   is an alias of `/data/…`;
 * - `format=json` (the default); `columns=` selection and joins (listing.ts); `xsiType=` on experiments
 *   (`xnat:imageSessionData`, `xnat:subjectAssessorData` and `xnat:experimentData` select every session, another
 *   type its sessions only);
 * - no paging: `limit`/`offset` are ignored and every listing comes back whole;
 * - basic auth (401 without it); unknown paths are Restlet's HTML status page with 404; non-GET is 405.
 * - a column the site cannot resolve (a custom variable it does not define, a scan field its schema lacks) is left
 *   out of the answer, or refused with HTTP 400 under `unknownColumns: "reject"` (listing.ts);
 * Choices where the reference is silent: `project=` filters subjects and experiments as XNAT listing filters read
 * (UNVERIFIED): comma-separated values OR together and `*` is a wildcard — which is why the adapter never puts a
 * user's value into a query; formats other than json answer 400 (the simulator speaks json only).
 */
import { startSimulator, type Faults, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { experimentRows, projectRows, requestedColumns, resultSet, scanRows, subjectRows, UnknownColumn, type Site } from './listing';
import { buildStore, SITE_CUSTOM_VARIABLES, type XnatSession, type XnatStore, type XnatSubject } from './store';

export interface XnatSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
  /** Subject custom variables the site defines (default: every one the archive fills, store.ts). */
  customVariables?: readonly string[];
  /** Whether scans carry BodyPartExamined (`xnat:imageScanData/bodyPartExamined`, a site extension); default true. */
  scanBodyPart?: boolean;
  /** A column the site cannot resolve: left out of the answer ("omit", the default) or refused with HTTP 400. */
  unknownColumns?: 'omit' | 'reject';
}

export type RunningXnatSimulator = RunningSimulator & {
  /** The XNAT base URL (the origin: this XNAT is deployed at the root); listings are under `${baseUrl}/data`. */
  baseUrl: string;
  /** The archive as served, for tests. */
  store: XnatStore;
};

export async function startXnatSimulator(options: XnatSimulatorOptions): Promise<RunningXnatSimulator> {
  const store = buildStore(options.data);
  const site: Site = {
    customVariables: new Set((options.customVariables ?? SITE_CUSTOM_VARIABLES).map((v) => v.toLowerCase())),
    scanBodyPart: options.scanBodyPart ?? true,
    unknownColumns: options.unknownColumns ?? 'omit',
  };
  const running = await startSimulator(
    { name: 'XNAT simulator', port: options.port, faults: options.faults, basicAuth: options.basicAuth },
    (request) => answer(request, store, site),
  );
  return Object.assign(running, { baseUrl: running.origin, store });
}

function answer(request: SimulatorRequest, store: XnatStore, site: Site): SimulatorResponse {
  const segments = request.url.pathname.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
  if (segments[0] !== 'data') return statusPage(404);
  const path = segments[1] === 'archive' ? segments.slice(2) : segments.slice(1);
  if (request.method !== 'GET') return statusPage(405);
  const params = request.url.searchParams;
  const format = (params.get('format') ?? 'json').toLowerCase();
  if (format !== 'json') return plainText(400, `format "${format}" is not served by the XNAT simulator (json only)`);
  try {
    return route(path, params, store, site);
  } catch (error) {
    if (error instanceof UnknownColumn) return plainText(400, `Invalid column: ${error.message}`);
    throw error;
  }
}

function route(path: string[], params: URLSearchParams, store: XnatStore, site: Site): SimulatorResponse {
  const columns = requestedColumns(params);
  const [first, project, second, subject, third, experiment, fourth] = path;
  if (first === 'projects') {
    if (path.length === 1) return resultSet(projectRows(store.projects));
    if (!store.projects.some((p) => p.id === project)) return statusPage(404);
    const subjectsOf = store.subjects.filter((s) => s.project === project);
    if (path.length === 3 && second === 'subjects') return resultSet(subjectRows(filtered(subjectsOf, params), columns, site));
    if (path.length === 3 && second === 'experiments') {
      return resultSet(experimentRows(filtered(typed(store.sessions.filter((s) => s.project === project), params), params), columns, site));
    }
    if (second === 'subjects' && third === 'experiments' && path.length >= 5) {
      const found = subjectsOf.find((s) => s.accession === subject || s.label === subject);
      if (!found) return statusPage(404);
      if (path.length === 5) return resultSet(experimentRows(typed(found.sessions, params), columns, site));
      const session = found.sessions.find((s) => s.accession === experiment || s.label === experiment);
      if (path.length === 7 && fourth === 'scans' && session) return resultSet(scanRows(session));
    }
    return statusPage(404);
  }
  if (first === 'subjects' && path.length === 1) return resultSet(subjectRows(filtered(store.subjects, params), columns, site));
  if (first === 'experiments') {
    if (path.length === 1) return resultSet(experimentRows(filtered(typed(store.sessions, params), params), columns, site));
    // /data/experiments/{ID}/scans: path[1] is the experiment here.
    const session = store.sessions.find((s) => s.accession === path[1]);
    if (path.length === 3 && path[2] === 'scans' && session) return resultSet(scanRows(session));
  }
  return statusPage(404);
}

const ALL_SESSIONS = ['xnat:imagesessiondata', 'xnat:subjectassessordata', 'xnat:experimentdata'];

/** Sessions of the `xsiType` asked for (all without one). */
function typed(sessions: readonly XnatSession[], params: URLSearchParams): XnatSession[] {
  const type = params.get('xsiType')?.trim().toLowerCase();
  if (!type || ALL_SESSIONS.includes(type)) return [...sessions];
  return sessions.filter((s) => s.xsiType.toLowerCase() === type);
}

/** The `project=` listing filter: comma-separated values OR together, `*` matches anything. */
function filtered<T extends XnatSubject | XnatSession>(items: readonly T[], params: URLSearchParams): T[] {
  const value = params.get('project');
  if (value === null) return [...items];
  const patterns = value.split(',').map((v) => new RegExp(`^${v.trim().split('*').map(escapeRegExp).join('.*')}$`));
  return items.filter((item) => patterns.some((p) => p.test(item.project)));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function plainText(status: number, message: string): SimulatorResponse {
  return { status, headers: { 'Content-Type': 'text/plain;charset=UTF-8' }, body: message };
}

/** Restlet's default status page, what XNAT answers for an unknown resource. */
function statusPage(status: 404 | 405): SimulatorResponse {
  const text = status === 404
    ? 'The server has not found anything matching the request URI'
    : 'The method specified in the request is not allowed for the resource identified by the request URI';
  return {
    status,
    headers: { 'Content-Type': 'text/html;charset=UTF-8' },
    body: `<html><head><title>Status page</title></head><body><h3>${text}</h3><p>You can get technical details <a href="http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html">here</a>.<br>Please continue your visit at our <a href="/">home page</a>.</p></body></html>`,
  };
}
