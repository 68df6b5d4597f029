/**
 * Response documents of the Beacon v2 framework (ga4gh-beacon/beacon-v2 `framework/json/responses`), built exactly to
 * the required fields: `meta` (beaconId, apiVersion, returnedSchemas, returnedGranularity, receivedRequestSummary
 * with apiVersion, requestedSchemas, pagination, requestedGranularity), `responseSummary` ({exists} for boolean,
 * {exists, numTotalResults} for count), `response.resultSets` for record level, `response.collections` for
 * `/datasets`, `response.filteringTerms` for `/filtering_terms`, and the error document `{meta, error}`.
 */
import type { SimulatorResponse } from '../http-server';

export type BeaconGranularity = 'boolean' | 'count' | 'record';

export interface Schema {
  entityType: string;
  schema: string;
}

export const INDIVIDUAL_SCHEMA: Schema = { entityType: 'individual', schema: 'beacon-individual-v2.0.0' };
export const DATASET_SCHEMA: Schema = { entityType: 'dataset', schema: 'beacon-dataset-v2.0.0' };

export interface ReceivedRequest {
  apiVersion: string;
  requestedSchemas: unknown[];
  /** Filter ids as received (the framework's `Filters` is a list of strings). */
  filters: string[];
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
      filters: request.filters,
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
