/**
 * The GA4GH Beacon v2 calls this adapter makes (native-apis README §2e, §7.5; ga4gh-beacon/beacon-v2 framework), over
 * NativeHttp, and a typed reading of their answers:
 * - `GET /filtering_terms?skip=0&limit=0`: the terms the beacon evaluates (`limit: 0` = "all or the maximum").
 * - `GET /datasets`: the beacon's datasets (a collections response); null when the beacon has no such endpoint.
 * - `POST /individuals` and `POST /datasets/{id}/individuals`: a request body with filters, requestedGranularity and
 *   pagination. GET has no `requestedGranularity` (§7.5), so counts are asked by POST.
 * A Beacon error document (`{meta, error: {errorCode}}`), which some beacons send with HTTP 200, is an error here too.
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import type { NativeHttp } from '../sdk/native-http';
import { ResponseReader } from '../sdk/parse';

export type BeaconGranularity = 'boolean' | 'count' | 'record';

/** Filters as the framework's `requests/filteringTerms.json` defines them; the scope is the entry type queried. */
export interface OntologyFilter {
  id: string;
  includeDescendantTerms: boolean;
  similarity: 'exact';
  scope: 'individuals';
}

export interface CustomFilter {
  id: string;
  scope: 'individuals';
}

export type AlphanumericOperator = '=' | '<' | '>' | '!' | '>=' | '<=';

export interface AlphanumericFilter {
  id: string;
  operator: AlphanumericOperator;
  value: string;
  scope: 'individuals';
}

export type BeaconFilter = OntologyFilter | CustomFilter | AlphanumericFilter;

export interface Pagination {
  skip: number;
  limit: number;
}

export interface FilteringTerm {
  id: string;
  /** "alphanumeric", "custom" or an ontology's name; null when the beacon leaves it out. */
  type: string | null;
  label: string | null;
  /** Entry types the term applies to; null when not said (then: all). */
  scopes: string[] | null;
}

export interface BeaconDataset {
  id: string;
  name: string | null;
  description: string | null;
}

export interface IndividualRecord {
  id: string;
  sexId: string | null;
  diseaseCodes: string[];
  /** ISO 8601 durations of `diseases[].ageOfOnset.age`. */
  agesOfOnset: string[];
}

export interface IndividualsAnswer {
  /** `meta.returnedGranularity`; null when the beacon leaves it out. */
  granularity: BeaconGranularity | 'aggregated' | null;
  exists: boolean;
  /** The total before paging; null when not sent. */
  numTotalResults: number | null;
  /** The records of all result sets, in order; null when the answer has no `response.resultSets`. */
  records: IndividualRecord[] | null;
}

export const API_VERSION = '2.0';

/** The POST body (framework `requests/beaconRequestBody.json`). */
export function requestBody(filters: readonly BeaconFilter[], granularity: BeaconGranularity, pagination: Pagination): Record<string, unknown> {
  return {
    meta: { apiVersion: API_VERSION, requestedSchemas: [{ entityType: 'individual', schema: 'beacon-individual-v2.0.0' }] },
    query: {
      filters,
      requestedGranularity: granularity,
      includeResultsetResponses: 'HIT',
      pagination,
      testMode: false,
    },
  };
}

/**
 * A dataset id as one path segment: "/", "%", "?" and "#" are percent-encoded. Dot segments cannot be escaped (URL
 * parsers resolve "%2E%2E" as ".."), so such ids are never sent (planCohort reports COLLECTIONS instead).
 */
export function datasetSegment(id: string): string {
  if (isDotSegment(id)) throw new Error('a dot-segment dataset id cannot be addressed in a path');
  return encodeURIComponent(id);
}

export function isDotSegment(id: string): boolean {
  return id === '.' || id === '..';
}

export function individualsPath(dataset: string | null): string {
  return dataset === null ? '/individuals' : `/datasets/${datasetSegment(dataset)}/individuals`;
}

export class BeaconClient {
  constructor(private readonly http: NativeHttp) {}

  get repositoryId(): string {
    return this.http.repositoryId;
  }

  /** The terms; none when the beacon answers 404 (it lists none: then no criterion can be applied). */
  async filteringTerms(): Promise<FilteringTerm[]> {
    const body = await this.getUnless404('/filtering_terms', { skip: 0, limit: 0 });
    return body === NOT_FOUND ? [] : parseFilteringTerms(body, this.repositoryId);
  }

  /** The datasets; null when the beacon answers 404 (it does not implement `/datasets`). */
  async datasets(): Promise<BeaconDataset[] | null> {
    const body = await this.getUnless404('/datasets');
    return body === NOT_FOUND ? null : parseDatasets(body, this.repositoryId);
  }

  async individuals(dataset: string | null, filters: readonly BeaconFilter[], granularity: BeaconGranularity, pagination: Pagination): Promise<IndividualsAnswer> {
    const path = individualsPath(dataset);
    // The path names the dataset; keep it out of error messages like any other value.
    const call = dataset === null ? 'POST /individuals' : 'POST /datasets/{id}/individuals';
    const body = await this.http.postJson(path, requestBody(filters, granularity, pagination));
    return parseIndividualsAnswer(body, this.repositoryId, call);
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private async getUnless404(path: string, query: Record<string, number> = {}): Promise<unknown> {
    try {
      return await this.http.getJson(path, query);
    } catch (error) {
      if (error instanceof RepositoryError && error.code === ErrorCode.HTTP_ERROR && error.extensions.httpStatus === 404) return NOT_FOUND;
      throw error;
    }
  }
}

const NOT_FOUND = Symbol('not found');

/** Throws on a Beacon error document; the errorMessage stays out (it may echo request values). */
function rejectErrorDocument(reader: ResponseReader, root: Record<string, unknown>, repositoryId: string, call: string): void {
  if (root.error === undefined || root.error === null) return;
  const error = reader.object(root.error, 'error');
  const code = reader.optionalNumber(error.errorCode, 'error.errorCode');
  throw new RepositoryError(ErrorCode.HTTP_ERROR, repositoryId,
    `native API answered a Beacon error document${code !== null ? ` (errorCode ${code})` : ''} to ${call}`,
    code !== null && Number.isInteger(code) ? { httpStatus: code } : {});
}

function strings(reader: ResponseReader, value: unknown, path: string): string[] | null {
  if (value === undefined || value === null) return null;
  return reader.array(value, path).map((v, i) => reader.string(v, `${path}[${i}]`));
}

export function parseFilteringTerms(body: unknown, repositoryId: string): FilteringTerm[] {
  const call = 'GET /filtering_terms';
  const reader = new ResponseReader(repositoryId, call);
  const root = reader.object(body);
  rejectErrorDocument(reader, root, repositoryId, call);
  // The framework nests them under `response`; some implementations put them at the root.
  const response = root.response === undefined ? root : reader.object(root.response, 'response');
  return reader.array(response.filteringTerms, 'response.filteringTerms').map((item, i) => {
    const path = `response.filteringTerms[${i}]`;
    const term = reader.object(item, path);
    return {
      id: reader.string(term.id, `${path}.id`),
      type: reader.optionalString(term.type, `${path}.type`),
      label: reader.optionalString(term.label, `${path}.label`),
      scopes: strings(reader, term.scopes, `${path}.scopes`),
    };
  });
}

export function parseDatasets(body: unknown, repositoryId: string): BeaconDataset[] {
  const call = 'GET /datasets';
  const reader = new ResponseReader(repositoryId, call);
  const root = reader.object(body);
  rejectErrorDocument(reader, root, repositoryId, call);
  const response = reader.object(root.response, 'response');
  // `collections` per the framework's collections response; older implementations say `datasets`.
  const list = response.collections !== undefined ? response.collections : response.datasets;
  const key = response.collections !== undefined ? 'collections' : 'datasets';
  const datasets = reader.array(list, `response.${key}`).map((item, i) => {
    const path = `response.${key}[${i}]`;
    const d = reader.object(item, path);
    return {
      id: reader.string(d.id, `${path}.id`),
      name: reader.optionalString(d.name, `${path}.name`),
      description: reader.optionalString(d.description, `${path}.description`),
    };
  });
  const ids = new Set<string>();
  for (const d of datasets) {
    if (ids.has(d.id)) throw new RepositoryError(ErrorCode.BAD_RESPONSE, repositoryId, `malformed ${call} response: a dataset id is listed twice`);
    ids.add(d.id);
  }
  return datasets;
}

const GRANULARITIES = ['boolean', 'count', 'record', 'aggregated'] as const;

function count(reader: ResponseReader, value: unknown, path: string): number {
  const n = reader.number(value, path);
  return Number.isInteger(n) && n >= 0 ? n : reader.fail(path, 'a non-negative integer', value);
}

export function parseIndividualsAnswer(body: unknown, repositoryId: string, call = 'POST /individuals'): IndividualsAnswer {
  const reader = new ResponseReader(repositoryId, call);
  const root = reader.object(body);
  rejectErrorDocument(reader, root, repositoryId, call);
  let granularity: IndividualsAnswer['granularity'] = null;
  if (root.meta !== undefined && root.meta !== null) {
    const meta = reader.object(root.meta, 'meta');
    const returned = reader.optionalString(meta.returnedGranularity, 'meta.returnedGranularity');
    if (returned !== null) {
      if (!(GRANULARITIES as readonly string[]).includes(returned)) reader.fail('meta.returnedGranularity', 'boolean, count, aggregated or record', returned);
      granularity = returned as IndividualsAnswer['granularity'];
    }
  }
  const summary = reader.object(root.responseSummary, 'responseSummary');
  const numTotalResults = summary.numTotalResults === undefined || summary.numTotalResults === null
    ? null
    : count(reader, summary.numTotalResults, 'responseSummary.numTotalResults');
  const existsValue = summary.exists;
  let exists: boolean;
  if (typeof existsValue === 'boolean') exists = existsValue;
  else if ((existsValue === undefined || existsValue === null) && numTotalResults !== null) exists = numTotalResults > 0;
  else return reader.fail('responseSummary.exists', 'a boolean', existsValue);

  // `response.resultSets` per the framework; the spec's own MIN example puts `resultSets` at the root.
  const response = root.response === undefined || root.response === null ? null : reader.object(root.response, 'response');
  const [sets, setsPath] = response && response.resultSets !== undefined && response.resultSets !== null
    ? [response.resultSets, 'response.resultSets']
    : [root.resultSets, 'resultSets'];
  let records: IndividualRecord[] | null = null;
  if (sets !== undefined && sets !== null) {
    records = reader.array(sets, setsPath).flatMap((set, i) => {
      const path = `${setsPath}[${i}]`;
      const resultSet = reader.object(set, path);
      if (resultSet.results === undefined || resultSet.results === null) return [];
      return reader.array(resultSet.results, `${path}.results`).map((result, j) => parseIndividual(reader, result, `${path}.results[${j}]`));
    });
  }
  return { granularity, exists, numTotalResults, records };
}

/** The fields of an individual the adapter reads (default model `individuals/defaultSchema.json`). */
function parseIndividual(reader: ResponseReader, value: unknown, path: string): IndividualRecord {
  const individual = reader.object(value, path);
  const sex = individual.sex === undefined || individual.sex === null ? null : reader.object(individual.sex, `${path}.sex`);
  const diseases = individual.diseases === undefined || individual.diseases === null ? [] : reader.array(individual.diseases, `${path}.diseases`);
  const diseaseCodes: string[] = [];
  const agesOfOnset: string[] = [];
  diseases.forEach((item, i) => {
    const dPath = `${path}.diseases[${i}]`;
    const disease = reader.object(item, dPath);
    // `diseaseCode` in v2.0.0; a later draft renamed it `term` (Phenopackets' name).
    const code = disease.diseaseCode ?? disease.term;
    if (code !== undefined && code !== null) diseaseCodes.push(reader.string(reader.object(code, `${dPath}.diseaseCode`).id, `${dPath}.diseaseCode.id`));
    const onset = disease.ageOfOnset;
    if (onset !== undefined && onset !== null) {
      const age = reader.object(onset, `${dPath}.ageOfOnset`).age;
      if (age !== undefined && age !== null) {
        const duration = reader.optionalString(reader.object(age, `${dPath}.ageOfOnset.age`).iso8601duration, `${dPath}.ageOfOnset.age.iso8601duration`);
        if (duration !== null) agesOfOnset.push(duration);
      }
    }
  });
  return {
    id: reader.string(individual.id, `${path}.id`),
    sexId: sex ? reader.optionalString(sex.id, `${path}.sex.id`) : null,
    diseaseCodes,
    agesOfOnset,
  };
}
