/**
 * A GA4GH Beacon v2 simulator (default model, `individuals` entry type) over synthetic data, as documented in the
 * native-apis README §2e and §7.5, quirks included. Served under `<origin>/api`:
 *
 * - `GET /`, `GET /info`: the info document.
 * - `GET /filtering_terms`, `GET /individuals/filtering_terms`: the terms this beacon can evaluate (vocabulary.ts),
 *   listed whether or not an individual has them, with `scopes: ["individual"]`.
 * - `GET|POST /datasets`: one dataset per synthetic collection (a collections response).
 * - `POST /individuals`, `POST /datasets/{id}/individuals` (and GET with `filters`, `skip`, `limit`; GET has no
 *   `requestedGranularity`, §7.5, so it answers at the default, boolean).
 *
 * Knobs for the behaviours real beacons differ in:
 * - `granularity`: the most detailed answer it gives. It answers min(requested, granularity) ("Beacons do not have
 *   to respond with the requested granularity"), or always `granularity` with `ignoreRequestedGranularity`.
 * - `skipMeaning`: `pages` (the spec: skip counts pages, "skip: 2 and limit: 8 will return records 17-24") or
 *   `records` (the EGA reference implementation's Mongo skip, issue #99).
 * - `maxLimit`: the largest page; `limit: 0` means "all or the maximum", a larger limit is cut to it silently.
 * - `recordTotals: false`: record answers leave out `numTotalResults` (optional at record level) and set each
 *   result set's `resultsCount` to the number of results on the page (one reading of "Number of results in this
 *   Resultset"), so a client must page to count.
 * - `unknownFilters`: a filter id it does not list is `ignore`d (HTTP 200, counted as if absent, with a warning as
 *   real beacons give one: option `warnings`) or `reject`ed with a 400 error document. `brokenTerms` are listed in
 *   `/filtering_terms` but ignored the same way (a listed term the beacon cannot evaluate).
 * - `sexCoding` (NCIT, the v2-draft NCIT codes, SNOMED CT, PATO, or a mix of NCIT and SNOMED CT), `sexSynonyms` (a
 *   sex filter matches every individual of that sex in any of the beacon's codings), `imaging` (no imaging terms,
 *   EUCAIM hyper-ontology or SNOMED CT terms), `spelling` (CURIE prefixes as `NCIT:` or `ncit:`): vocabulary.ts.
 * - `echo`, `warnings`: how `meta.receivedRequestSummary.filters` and the warnings look (responses.ts).
 *
 * Where the docs are silent: pagination applies to the whole ordered list of matches (by individual id); a record
 * page is then grouped into one result set per dataset, and `includeResultsetResponses` selects the sets (HIT:
 * datasets with a match; ALL; MISS; NONE); a set's `resultsCount` is its number of matches before paging (with
 * `recordTotals`). Counting follows the unified semantics only as far as its terms go: imaging terms are per
 * individual.
 */
import { startSimulator, type Faults, type RunningSimulator, type SimulatorRequest, type SimulatorResponse } from '../http-server';
import type { SyntheticRepositoryData } from '../synthetic/model';
import { buildIndividuals, evaluate, FilterError, readFilters, type EvaluationContext, type Evaluation, type RequestFilter } from './individuals';
import {
  beaconError, DATASET_SCHEMA, echoFilters, ignoredFilterWarnings, INDIVIDUAL_SCHEMA, informationalMeta, json, responseMeta,
  type BeaconGranularity, type EchoStyle, type ReceivedRequest, type WarningStyle,
} from './responses';
import { vocabulary, type ImagingVocabulary, type ListedTerm, type SexCoding, type TermSpelling } from './vocabulary';

export interface BeaconSimulatorOptions {
  data: SyntheticRepositoryData;
  port?: number;
  faults?: Faults;
  basicAuth?: { username: string; password: string };
  /** Defaults to `org.example.beacon.<repositoryId>`. */
  beaconId?: string;
  /** The most detailed granularity it answers; default `record`. */
  granularity?: BeaconGranularity;
  ignoreRequestedGranularity?: boolean;
  /** Default `pages` (the spec). */
  skipMeaning?: 'pages' | 'records';
  /** Default 100. */
  maxLimit?: number;
  /** Default true. */
  recordTotals?: boolean;
  /** How individuals' sex is coded. Default NCIT (the default model's terms). */
  sexCoding?: SexCoding;
  /** A sex filter matches individuals of that sex in any of the beacon's codings. Default false. */
  sexSynonyms?: boolean;
  /** The imaging terms it codes and lists. Default EUCAIM (the hyper-ontology terms known: CT, MG, six body parts). */
  imaging?: ImagingVocabulary;
  /** How it writes CURIEs. Default CURIE (`NCIT:C16576`). */
  spelling?: TermSpelling;
  /** How it echoes the filters in meta.receivedRequestSummary. Default `objects`. */
  echo?: EchoStyle;
  /** How it warns about filters it ignored. Default `info` (info.warnings). */
  warnings?: WarningStyle;
  /** Terms it lists but cannot evaluate: ignored like unknown filters. */
  brokenTerms?: string[];
  /** Alphanumeric term for age at diagnosis; default "age"; null for none. */
  ageTerm?: string | null;
  /** Alphanumeric term for the year of diagnosis (not in Beacon v2); default none. */
  yearOfDiagnosisTerm?: string | null;
  /** Terms it neither lists nor evaluates. */
  omitTerms?: string[];
  /** Default `ignore`. */
  unknownFilters?: 'ignore' | 'reject';
  /** Whether `/datasets` exists. Default true. */
  datasetsEndpoint?: boolean;
  /** Whether `/filtering_terms` exists (it is optional in practice). Default true. */
  filteringTermsEndpoint?: boolean;
}

export interface ReceivedBody {
  method: string;
  path: string;
  body: unknown;
}

export type RunningBeaconSimulator = RunningSimulator & {
  /** `<origin>/api`: what a config entry's `endpoint` is. */
  baseUrl: string;
  beaconId: string;
  /** Parsed JSON bodies of the POST requests since start or resetCounts. */
  bodies: ReceivedBody[];
};

export const BEACON_PATH = '/api';

const LEVEL: Record<BeaconGranularity, number> = { boolean: 0, count: 1, record: 2 };

export async function startBeaconSimulator(options: BeaconSimulatorOptions): Promise<RunningBeaconSimulator> {
  const beaconId = options.beaconId ?? `org.example.beacon.${options.data.repositoryId}`;
  const maxGranularity = options.granularity ?? 'record';
  const maxLimit = options.maxLimit ?? 100;
  const recordTotals = options.recordTotals ?? true;
  const ageTerm = options.ageTerm === undefined ? 'age' : options.ageTerm;
  const yearOfDiagnosisTerm = options.yearOfDiagnosisTerm ?? null;
  const coding = { sexCoding: options.sexCoding ?? 'NCIT', imaging: options.imaging ?? 'EUCAIM', spelling: options.spelling ?? 'CURIE' } as const;
  const terms = vocabulary({ ...coding, ageTerm, yearOfDiagnosisTerm, omitTerms: options.omitTerms ?? [] });
  const context: EvaluationContext = {
    terms: new Map(terms.map((t) => [t.id, t])),
    brokenTerms: new Set(options.brokenTerms ?? []),
    unknownFilters: options.unknownFilters ?? 'ignore',
    sexSynonyms: options.sexSynonyms ?? false,
  };
  const echo = options.echo ?? 'objects';
  const warningStyle = options.warnings ?? 'info';
  const individuals = buildIndividuals(options.data, coding);
  const datasetIds = options.data.collections.map((c) => c.id);
  const bodies: ReceivedBody[] = [];

  const individualsAnswer = (scope: string | null, method: string, params: URLSearchParams, body: unknown): SimulatorResponse => {
    let request: ParsedRequest;
    try {
      request = method === 'POST' ? parsePost(body) : parseGet(params);
    } catch (error) {
      return beaconError(beaconId, 400, (error as Error).message);
    }
    let evaluation: Evaluation;
    try {
      evaluation = evaluate(request.filters, context);
    } catch (error) {
      return beaconError(beaconId, 400, (error as Error).message);
    }
    const matches = individuals.filter((i) => (scope === null || i.dataset === scope) && evaluation.predicate(i));
    const requested = request.summary.requestedGranularity as BeaconGranularity;
    const returned: BeaconGranularity = options.ignoreRequestedGranularity || LEVEL[requested] > LEVEL[maxGranularity] ? maxGranularity : requested;
    const summary: ReceivedRequest = { ...request.summary, filters: echoFilters(echo, request.filters, new Set(evaluation.applied.map((f) => f.id))) };
    const warned = ignoredFilterWarnings(warningStyle, evaluation.ignored.map((f) => f.id));
    const meta = { ...responseMeta(beaconId, returned, summary, INDIVIDUAL_SCHEMA), ...warned.meta };
    const exists = matches.length > 0;
    if (returned === 'boolean') return json({ meta, responseSummary: { exists }, ...warned.root });
    if (returned === 'count') return json({ meta, responseSummary: { exists, numTotalResults: matches.length }, beaconHandovers: [], ...warned.root });
    // Record level: one page of the ordered matches, grouped per dataset.
    const { skip, limit } = request.summary.pagination;
    const pageSize = limit === 0 ? maxLimit : Math.min(limit, maxLimit);
    const offset = options.skipMeaning === 'records' ? skip : skip * pageSize;
    const page = matches.slice(offset, offset + pageSize);
    const setIds = scope === null ? datasetIds : [scope];
    const resultSets = setIds.flatMap((id) => {
      const total = matches.filter((i) => i.dataset === id).length;
      const mode = request.summary.includeResultsetResponses;
      if (mode === 'NONE' || (mode === 'HIT' && total === 0) || (mode === 'MISS' && total > 0)) return [];
      const results = page.filter((i) => i.dataset === id).map((i) => i.record);
      return [{ id, setType: 'dataset', exists: total > 0, resultsCount: recordTotals ? total : results.length, results }];
    });
    const responseSummary = recordTotals ? { exists, numTotalResults: matches.length } : { exists };
    return json({ meta, responseSummary, response: { resultSets }, beaconHandovers: [], ...warned.root });
  };

  const handler = (request: SimulatorRequest): SimulatorResponse => {
    const path = request.url.pathname;
    if (path !== BEACON_PATH && !path.startsWith(`${BEACON_PATH}/`)) return beaconError(beaconId, 404, 'not found');
    const endpoint = path.slice(BEACON_PATH.length).replace(/\/$/, '');
    let body: unknown;
    if (request.method === 'POST') {
      try {
        body = request.body.trim() === '' ? {} : JSON.parse(request.body);
      } catch {
        return beaconError(beaconId, 400, 'the request body is not JSON');
      }
      bodies.push({ method: request.method, path: endpoint, body });
    }
    const allow = (methods: string[]): SimulatorResponse | null => (methods.includes(request.method)
      ? null
      : { ...beaconError(beaconId, 405, `${request.method} is not allowed here`), headers: { 'Content-Type': 'application/json', Allow: methods.join(', ') } });

    if (endpoint === '' || endpoint === '/info') return allow(['GET']) ?? json(infoDocument(beaconId, options.data));
    if (endpoint === '/filtering_terms' || endpoint === '/individuals/filtering_terms') {
      if (options.filteringTermsEndpoint === false) return beaconError(beaconId, 404, 'not found');
      return allow(['GET']) ?? json(filteringTermsDocument(beaconId, terms, request.url.searchParams, options.skipMeaning));
    }
    if (endpoint === '/datasets') {
      if (options.datasetsEndpoint === false) return beaconError(beaconId, 404, 'not found');
      return allow(['GET', 'POST']) ?? json(datasetsDocument(beaconId, options.data));
    }
    if (endpoint === '/individuals') {
      return allow(['GET', 'POST']) ?? individualsAnswer(null, request.method, request.url.searchParams, body);
    }
    const scoped = /^\/datasets\/([^/]+)\/individuals$/.exec(endpoint);
    if (scoped && options.datasetsEndpoint !== false) {
      const id = safeDecode(scoped[1]);
      if (id === null || !datasetIds.includes(id)) return beaconError(beaconId, 404, 'no such dataset');
      return allow(['GET', 'POST']) ?? individualsAnswer(id, request.method, request.url.searchParams, body);
    }
    return beaconError(beaconId, 404, 'not found');
  };

  const running = await startSimulator(
    { name: `Beacon v2 simulator (${beaconId})`, port: options.port, basicAuth: options.basicAuth, faults: options.faults },
    handler,
  );
  const resetCounts = running.resetCounts.bind(running);
  return Object.assign(running, {
    baseUrl: `${running.origin}${BEACON_PATH}`,
    beaconId,
    bodies,
    resetCounts() {
      resetCounts();
      bodies.length = 0;
    },
  });
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}

interface ParsedRequest {
  filters: RequestFilter[];
  summary: ReceivedRequest;
}

const GRANULARITIES = ['boolean', 'count', 'record', 'aggregated'];
const RESULTSET_MODES = ['ALL', 'HIT', 'MISS', 'NONE'];

function nonNegativeInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new FilterError(`${name} must be a non-negative integer`);
  return n;
}

function parsePost(body: unknown): ParsedRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new FilterError('the request body is not an object');
  const { meta, query } = body as { meta?: Record<string, unknown>; query?: Record<string, unknown> };
  const q = query && typeof query === 'object' ? query : {};
  const filters = readFilters(q.filters);
  const pagination = (q.pagination && typeof q.pagination === 'object' ? q.pagination : {}) as Record<string, unknown>;
  // "aggregated" is answered like count: this beacon has no aggregations.
  const requested = q.requestedGranularity === undefined ? 'boolean' : q.requestedGranularity;
  if (typeof requested !== 'string' || !GRANULARITIES.includes(requested)) throw new FilterError('unknown requestedGranularity');
  const mode = q.includeResultsetResponses === undefined ? 'HIT' : q.includeResultsetResponses;
  if (typeof mode !== 'string' || !RESULTSET_MODES.includes(mode)) throw new FilterError('unknown includeResultsetResponses');
  return {
    filters,
    summary: {
      apiVersion: typeof meta?.apiVersion === 'string' ? meta.apiVersion : '2.0',
      requestedSchemas: Array.isArray(meta?.requestedSchemas) ? meta.requestedSchemas : [],
      filters: filters.map((f) => f.id),
      includeResultsetResponses: mode,
      pagination: { skip: nonNegativeInteger(pagination.skip, 'pagination.skip', 0), limit: nonNegativeInteger(pagination.limit, 'pagination.limit', 10) },
      requestedGranularity: requested === 'aggregated' ? 'count' : requested,
      testMode: q.testMode === true,
    },
  };
}

function parseGet(params: URLSearchParams): ParsedRequest {
  const ids = params.getAll('filters').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  const filters: RequestFilter[] = ids.map((id) => ({ id, includeDescendantTerms: true, received: id }));
  return {
    filters,
    summary: {
      apiVersion: '2.0',
      requestedSchemas: [],
      filters: ids,
      includeResultsetResponses: params.get('includeResultsetResponses') ?? 'HIT',
      pagination: { skip: nonNegativeInteger(params.get('skip'), 'skip', 0), limit: nonNegativeInteger(params.get('limit'), 'limit', 10) },
      requestedGranularity: 'boolean',
      testMode: false,
    },
  };
}

function infoDocument(beaconId: string, data: SyntheticRepositoryData): Record<string, unknown> {
  return {
    meta: informationalMeta(beaconId, { entityType: 'info', schema: 'beacon-info-v2.0.0' }),
    response: {
      id: beaconId,
      name: `Beacon of ${data.repositoryId} (synthetic)`,
      apiVersion: 'v2.0',
      environment: 'test',
      organization: { id: data.repositoryId, name: `${data.repositoryId} (synthetic demo data)` },
      description: 'Beacon v2 over synthetic cancer-imaging cases: individuals with sex, NCIT disease codes, age of onset and imaging terms.',
      version: 'v2.0.0-sim',
    },
  };
}

/** Filtering terms; without `limit` (or with 0) all of them, else one page (skip read as `skipMeaning` says). */
function filteringTermsDocument(beaconId: string, terms: readonly ListedTerm[], params: URLSearchParams, skipMeaning: 'pages' | 'records' | undefined): Record<string, unknown> {
  const limit = Number(params.get('limit') ?? '0') || 0;
  const skip = Number(params.get('skip') ?? '0') || 0;
  const offset = skipMeaning === 'records' ? skip : skip * limit;
  const listed = limit > 0 ? terms.slice(offset, offset + limit) : terms;
  return {
    meta: informationalMeta(beaconId, { entityType: 'filteringTerm', schema: 'beacon-filtering-terms-v2.0.0' }),
    response: {
      filteringTerms: listed.map((t) => ({ id: t.id, label: t.label, type: t.type, scopes: ['individual'] })),
      resources: [
        { id: 'ncit', name: 'NCI Thesaurus OBO Edition', namespacePrefix: 'NCIT', iriPrefix: 'http://purl.obolibrary.org/obo/NCIT_', url: 'http://purl.obolibrary.org/obo/ncit.owl' },
        { id: 'snomed', name: 'SNOMED CT', namespacePrefix: 'SNOMED', iriPrefix: 'http://snomed.info/id/', url: 'https://www.snomed.org' },
        { id: 'pato', name: 'Phenotype And Trait Ontology', namespacePrefix: 'PATO', iriPrefix: 'http://purl.obolibrary.org/obo/PATO_', url: 'http://purl.obolibrary.org/obo/pato.owl' },
        { id: 'eucaim', name: 'EUCAIM Hyper-Ontology', namespacePrefix: 'EUCAIM', iriPrefix: 'https://cancerimage.eu/ontology/EUCAIM#', url: 'https://hyperontology.eucaim.cancerimage.eu' },
      ],
    },
  };
}

function datasetsDocument(beaconId: string, data: SyntheticRepositoryData): Record<string, unknown> {
  const summary: ReceivedRequest = {
    apiVersion: '2.0', requestedSchemas: [], filters: [], includeResultsetResponses: 'HIT', pagination: { skip: 0, limit: 10 }, requestedGranularity: 'record', testMode: false,
  };
  return {
    meta: responseMeta(beaconId, 'record', summary, DATASET_SCHEMA),
    responseSummary: { exists: data.collections.length > 0, numTotalResults: data.collections.length },
    response: {
      collections: data.collections.map((c) => ({
        id: c.id,
        name: c.name,
        description: c.description,
        version: 'v1',
        createDateTime: '2024-01-15T00:00:00Z',
        updateDateTime: '2024-01-15T00:00:00Z',
        externalUrl: `https://doi.org/${c.doi}`,
        info: { licence: c.licence, doi: c.doi },
      })),
    },
  };
}
