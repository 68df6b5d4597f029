/**
 * Response documents of the Beacon v2 framework (ga4gh-beacon/beacon-v2 `framework/json/responses`), built exactly to
 * the required fields: `meta` (beaconId, apiVersion, returnedSchemas, returnedGranularity, receivedRequestSummary
 * with apiVersion, requestedSchemas, pagination, requestedGranularity), `responseSummary` ({exists} for boolean,
 * {exists, numTotalResults} for count), `response.resultSets` for record level, `response.collections` for
 * `/datasets`, `response.filteringTerms` for `/filtering_terms`, and the error document `{meta, error}`.
 *
 * The echo of the request's filters and the warnings about filters it ignored differ between implementations; the
 * simulator writes each as a real one does (option `echo`, `warnings`):
 * - echo `ids`: the spec (`Filters`: a list of CURIE strings); `objects`: the filters as received (the EGA reference
 *   implementation's recorded answers, MOLGENIS EMX2, bycon); `flattened`: every value of every filter object, once
 *   (the EGA reference implementation's current `RequestParams.summary()`); `applied`: the ids of the filters it
 *   applied only; `none`: no `filters` at all.
 * - warnings `meta`: bycon's `meta.warnings` ("The filter X does not match any defined filter pattern.");
 *   `unsupportedFilters`: MOLGENIS EMX2's `info.unsupportedFilters`, a Java list printed as a string ("[A, B]");
 *   `info`: `info.warnings`, a list of messages; `none`: silence.
 */
import type { SimulatorResponse } from '../http-server';

export type BeaconGranularity = 'boolean' | 'count' | 'record';

export interface Schema {
  entityType: string;
  schema: string;
}

export const INDIVIDUAL_SCHEMA: Schema = { entityType: 'individual', schema: 'beacon-individual-v2.0.0' };
export const DATASET_SCHEMA: Schema = { entityType: 'dataset', schema: 'beacon-dataset-v2.0.0' };

export type EchoStyle = 'ids' | 'objects' | 'flattened' | 'applied' | 'none';
export type WarningStyle = 'meta' | 'info' | 'unsupportedFilters' | 'none';

export interface ReceivedRequest {
  apiVersion: string;
  requestedSchemas: unknown[];
  /** The echo of the filters, shaped by the echo style; undefined leaves the key out. */
  filters: unknown[] | undefined;
  includeResultsetResponses: string;
  pagination: { skip: number; limit: number };
  requestedGranularity: string;
  testMode: boolean;
}

export function responseMeta(beaconId: string, returnedGranularity: BeaconGranularity, request: ReceivedRequest, schema: Schema): Record<string, unknown> {
  return {
    beaconId,
    apiVersion: 'v2.0',
    returnedGranularity,
    receivedRequestSummary: {
      apiVersion: request.apiVersion,
      requestedSchemas: request.requestedSchemas,
      ...(request.filters === undefined ? {} : { filters: request.filters }),
      includeResultsetResponses: request.includeResultsetResponses,
      pagination: request.pagination,
      requestedGranularity: request.requestedGranularity,
      testMode: request.testMode,
    },
    returnedSchemas: [schema],
  };
}

/** An informational meta (info, filtering terms): no granularity, no request summary. */
export function informationalMeta(beaconId: string, schema: Schema): Record<string, unknown> {
  return { beaconId, apiVersion: 'v2.0', returnedSchemas: [schema] };
}

export function json(body: unknown, status = 200): SimulatorResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body };
}

/** The framework's error document (`beaconErrorResponse.json`), with the HTTP status of its errorCode. */
export function beaconError(beaconId: string, errorCode: number, errorMessage: string): SimulatorResponse {
  return json({ meta: informationalMeta(beaconId, { entityType: 'error', schema: 'beacon-error-v2.0.0' }), error: { errorCode, errorMessage } }, errorCode);
}

/** The echo of the received filters in a style. */
export function echoFilters(style: EchoStyle, received: ReadonlyArray<{ id: string; received: unknown }>, applied: ReadonlySet<string>): unknown[] | undefined {
  switch (style) {
    case 'none': return undefined;
    case 'ids': return received.map((f) => f.id);
    case 'applied': return received.filter((f) => applied.has(f.id)).map((f) => f.id);
    case 'objects': return received.map((f) => f.received);
    case 'flattened': {
      const values: unknown[] = [];
      for (const f of received) {
        const items = f.received !== null && typeof f.received === 'object' ? Object.values(f.received as Record<string, unknown>) : [f.received];
        for (const v of items) if (!values.includes(v)) values.push(v);
      }
      return values;
    }
  }
}

/** Where and how the warnings about ignored filters go, as fields to merge into the answer's root and meta. */
export function ignoredFilterWarnings(style: WarningStyle, ignored: readonly string[]): { meta: Record<string, unknown>; root: Record<string, unknown> } {
  if (ignored.length === 0 || style === 'none') return { meta: {}, root: {} };
  switch (style) {
    case 'meta': return { meta: { warnings: ignored.map((id) => `The filter ${id} does not match any defined filter pattern.`) }, root: {} };
    case 'unsupportedFilters': return { meta: {}, root: { info: { unsupportedFilters: `[${ignored.join(', ')}]` } } };
    case 'info': return { meta: {}, root: { info: { warnings: ignored.map((id) => `filter ${id} is not supported by this beacon and was ignored`) } } };
  }
}
