/**
 * A QIDO-RS server (PS3.18 10.6) over synthetic data that answers like Orthanc 1.10.1 with its DICOMweb plugin
 * 1.7 (native-apis/README.md parts 2b and 6, and the recorded responses in dicomweb-orthanc-samples/), so the
 * DICOMweb adapter can be tested against Orthanc's behaviour where no Orthanc runs. Quirks are documented where
 * they are implemented: query.ts (parameters), matching.ts (matching), search.ts (order, paging, attributes).
 */
import type { SyntheticRepositoryData } from '../synthetic/model';
import { startSimulator, type Faults, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../http-server';
import { buildArchive, type Archive } from './archive';
import type { DicomJsonDataset } from './dicom-json';
import { OrthancError, parseQidoQuery } from './query';
import { searchInstances, searchSeries, searchStudies, type SearchContext } from './search';

export interface QidoSimulatorOptions {
  data: SyntheticRepositoryData;
  basicAuth?: { username: string; password: string };
  port?: number;
  faults?: Faults;
}

export type RunningQidoSimulator = RunningSimulator & {
  /** http://127.0.0.1:PORT/dicom-web (no trailing slash), like RunningOrthanc.dicomWebRoot. */
  dicomWebRoot: string;
};

const ROOT = '/dicom-web';
// Orthanc answers with the character set of its DefaultEncoding, whatever the files declare (measured: with
// Latin1 it says ISO_IR 100 for files in ISO_IR 192). The test Orthanc runs with Utf8.
const ORTHANC_CHARACTER_SET = 'ISO_IR 192';
// Orthanc sends this exact media type, without parameters, whatever the Accept header asks (measured).
const DICOM_JSON = 'application/dicom+json';

type Search = (context: SearchContext, groups: string[]) => DicomJsonDataset[];

/** The QIDO-RS resources (PS3.18 Table 10.6.1-1); a trailing slash is accepted, as Orthanc does. */
const ROUTES: ReadonlyArray<readonly [RegExp, Search]> = [
  [/^\/studies\/?$/, (context) => searchStudies(context)],
  [/^\/series\/?$/, (context) => searchSeries(context)],
  [/^\/instances\/?$/, (context) => searchInstances(context)],
  [/^\/studies\/([^/]+)\/series\/?$/, (context, [study]) => searchSeries(context, study)],
  [/^\/studies\/([^/]+)\/instances\/?$/, (context, [study]) => searchInstances(context, study)],
  [/^\/studies\/([^/]+)\/series\/([^/]+)\/instances\/?$/, (context, [study, series]) => searchInstances(context, study, series)],
];

export async function startQidoSimulator(options: QidoSimulatorOptions): Promise<RunningQidoSimulator> {
  const archive = buildArchive(options.data);
  let origin = '';
  const simulator = await startSimulator(
    { name: 'QIDO-RS simulator (Orthanc 1.10.1, DICOMweb plugin 1.7)', port: options.port, basicAuth: options.basicAuth, faults: options.faults },
    (request) => handle(archive, request, origin),
  );
  origin = simulator.origin;
  return Object.assign(simulator, { dicomWebRoot: `${simulator.origin}${ROOT}` });
}

function handle(archive: Archive, request: SimulatorRequest, origin: string): SimulatorResponse {
  const { pathname } = request.url;
  if (!pathname.startsWith(`${ROOT}/`)) return orthancError(request, new OrthancError(404, 'Unknown resource', 17));
  const path = pathname.slice(ROOT.length);
  for (const [pattern, search] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    if (request.method !== 'GET') {
      // STOW-RS shares /studies with QIDO-RS; it is not simulated.
      return { status: 405, headers: { Allow: 'GET' }, body: '' };
    }
    // The plugin answers XML only to exactly this Accept (measured); the simulator speaks JSON only.
    if (request.headers.accept === 'application/dicom+xml') {
      return { status: 406, headers: { 'Content-Type': 'text/plain' }, body: 'The QIDO-RS simulator answers application/dicom+json only.' };
    }
    try {
      const context: SearchContext = {
        archive,
        // The raw query string: Orthanc does not percent-decode the values it hands to the plugin (query.ts).
        query: parseQidoQuery(request.url.search),
        retrieveBase: `${baseUrl(request, origin)}${ROOT}/`,
        characterSet: ORTHANC_CHARACTER_SET,
      };
      const results = search(context, match.slice(1));
      return { status: 200, headers: { 'Content-Type': DICOM_JSON }, body: JSON.stringify(results) };
    } catch (error) {
      if (error instanceof OrthancError) return orthancError(request, error);
      throw error;
    }
  }
  // WADO-RS and the rest of the plugin's routes are not simulated: Orthanc's answer to a path it does not know.
  return orthancError(request, new OrthancError(404, 'Unknown resource', 17));
}

/**
 * Where RetrieveURL points (PS3.18 10.6.3): like the plugin, built from the request, the RFC 7239 Forwarded
 * header first (host= and proto=), then Host.
 */
function baseUrl(request: SimulatorRequest, origin: string): string {
  const forwarded = request.headers.forwarded;
  if (typeof forwarded === 'string') {
    const host = /(?:^|[;,\s])host="?([^";,]+)"?/i.exec(forwarded)?.[1];
    const proto = /(?:^|[;,\s])proto="?([^";,]+)"?/i.exec(forwarded)?.[1];
    if (host) return `${proto ?? 'http'}://${host}`;
  }
  const host = request.headers.host;
  return host ? `http://${host}` : origin;
}

/** Orthanc's error body: a JSON object, sent without a Content-Type header. */
function orthancError(request: SimulatorRequest, error: OrthancError): SimulatorResponse {
  const body: Record<string, string | number> = {};
  if (error.details !== undefined) body.Details = error.details;
  Object.assign(body, {
    HttpError: HTTP_REASONS[error.status] ?? 'Error',
    HttpStatus: error.status,
    Message: error.orthancMessage,
    Method: request.method,
    OrthancError: error.orthancMessage,
    OrthancStatus: error.orthancStatus,
    Uri: request.url.pathname,
  });
  return { status: error.status, body: `${JSON.stringify(body, null, '\t')}\n` };
}

const HTTP_REASONS: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' };
