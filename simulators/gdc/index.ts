/**
 * A GDC REST API simulator (native-apis README §2c): `/cases`, `/files` and `/projects` search endpoints by GET or
 * POST, single documents at `/<endpoint>/<id>`, the same under `/v0/`, serving a SyntheticRepositoryData as GDC
 * holds such a cohort (documents.ts): cases with their diagnoses and biospecimens, projects, and pathology slide
 * images as files (pathology.ts); no radiology. Quirks reproduced: facets disregard the filters on their own field,
 * `_missing` buckets, lower-cased facet keys, unknown names reported in `warnings` rather than refused, ages in
 * days, several diagnoses per case with `diagnosis_is_primary_disease`, diagnoses without `year_of_diagnosis`,
 * `size` defaulting to 10, hits in index order unless sorted, wildcard `*` in filter values, supplements beside
 * slide images. It shares no code with the adapter.
 */
import { startSimulator, type Faults, type RunningSimulator, type SimulatorResponse } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { buildStore, type Doc } from './documents';
import { fieldMappings, type Endpoint } from './fields';
import { BadRequest } from './filters';
import { hitOf, readParams, search, warningsOf, type SearchOptions } from './search';

export interface GdcSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
  /** Keep only this many buckets per facet (plus `_missing`), as an Elasticsearch terms size would. */
  facetBucketLimit?: number;
  /** An unknown filter field: left out with a warning (default) or refused with HTTP 400. */
  unknownFilterFields?: 'warn' | 'reject';
  /** An older GDC data dictionary, without `demographic.sex_at_birth` and `diagnoses.diagnosis_is_primary_disease`. */
  legacyDictionary?: boolean;
}

export type RunningGdcSimulator = RunningSimulator & {
  /** The API root (the origin; `/v0` is accepted too), what a config entry's `endpoint` is. */
  baseUrl: string;
  /** Changeable while running. */
  options: SearchOptions;
  /** A test hook: rewrites each JSON body before it is sent (e.g. to send wrong types). */
  tamper?: (path: string, body: Record<string, unknown>) => unknown;
};

const ENDPOINTS: readonly Endpoint[] = ['cases', 'files', 'projects'];

function json(status: number, body: unknown): SimulatorResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

export async function startGdcSimulator(options: GdcSimulatorOptions): Promise<RunningGdcSimulator> {
  const legacy = options.legacyDictionary ?? false;
  const store = buildStore(options.data, { legacy });
  const mappings = fieldMappings({ legacy });
  const searchOptions: SearchOptions = { facetBucketLimit: options.facetBucketLimit, unknownFilterFields: options.unknownFilterFields };
  let running: RunningGdcSimulator | undefined;
  const simulator = await startSimulator({ name: 'GDC API simulator', port: options.port, faults: options.faults, basicAuth: options.basicAuth }, (request) => {
    const path = request.url.pathname.replace(/^\/v0(?=\/)/, '');
    const [, endpoint, id, ...rest] = path.split('/');
    if (!ENDPOINTS.includes(endpoint as Endpoint) || rest.length > 0) return json(404, { message: `Not Found: ${request.url.pathname}` });
    const tamper = (body: Record<string, unknown>) => json(200, running?.tamper ? running.tamper(path, body) : body);
    try {
      let raw: Record<string, unknown>;
      if (request.method === 'GET') {
        raw = Object.fromEntries(request.url.searchParams);
      } else if (request.method === 'POST' && !id) {
        let body: unknown;
        try {
          body = JSON.parse(request.body);
        } catch {
          throw new BadRequest('the POST body is not JSON');
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('the POST body must be a JSON object');
        raw = body as Record<string, unknown>;
      } else {
        return json(405, { message: `${request.method} is not allowed on ${path}` });
      }
      if (id) {
        // Single entity: /cases/<uuid>?expand=diagnoses,demographic
        const doc = store[endpoint as Endpoint].find((d) => d.id === decodeURIComponent(id));
        if (!doc) return json(404, { message: `${decodeURIComponent(id)} not found` });
        const params = readParams({ fields: raw.fields, expand: raw.expand }, endpoint as Endpoint, mappings[endpoint as Endpoint]);
        const { id: _id, ...entity } = hitOf(doc as Doc, params);
        return tamper({ data: entity, warnings: warningsOf(params) });
      }
      const mapping = mappings[endpoint as Endpoint];
      return tamper(search(store, endpoint as Endpoint, readParams(raw, endpoint as Endpoint, mapping, searchOptions), mapping, searchOptions));
    } catch (error) {
      if (error instanceof BadRequest) return json(400, { message: error.message });
      throw error;
    }
  });
  running = Object.assign(simulator, { baseUrl: simulator.origin, options: searchOptions, tamper: undefined });
  return running;
}

export { buildStore, daysOfAge } from './documents';
export { gdcPathology, uuidOf, type SimulatedSample, type SimulatedSlide } from './pathology';
