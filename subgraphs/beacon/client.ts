/**
 * The GA4GH Beacon v2 calls this adapter makes (native-apis README §2e, §7.5; ga4gh-beacon/beacon-v2 framework), over
 * NativeHttp; parse.ts reads their answers:
 * - `GET /filtering_terms?skip=0&limit=0`: the terms the beacon evaluates (`limit: 0` = "all or the maximum").
 * - `GET /datasets`: the beacon's datasets (a collections response); null when the beacon has no such endpoint.
 * - `POST /individuals` and `POST /datasets/{id}/individuals`: a request body with filters, requestedGranularity and
 *   pagination. GET has no `requestedGranularity` (§7.5), so counts are asked by POST.
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import type { NativeHttp } from '../sdk/native-http';
import {
  parseDatasets, parseFilteringTerms, parseIndividualsAnswer, type BeaconDataset, type BeaconGranularity, type FilteringTerm, type IndividualsAnswer,
} from './parse';

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
