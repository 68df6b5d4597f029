/**
 * The GDC search calls the adapter makes, over NativeHttp (timeouts, HTTP errors, HTML pages and malformed JSON
 * become RepositoryErrors naming the repository), with typed results. Every search is a POST with a JSON body, the
 * method gdc-docs recommends "for large queries" (filters can hold hundreds of case ids), and `filters` is sent as
 * an object: nothing in a query is ever built by string concatenation. Nothing else: no mapping, no caching.
 */
import { NativeHttp } from '../sdk/native-http';
import type { GdcEndpoint, SearchRequest, SearchResult } from './native-types';
import { parseSearch } from './parse';

export interface GdcClientOptions {
  repositoryId: string;
  /** The API root, e.g. https://api.gdc.cancer.gov (or .../v0). */
  baseUrl: string;
  timeoutMs: number;
  /** A "Bearer …" token or "user:password", for a repository behind authentication. */
  credentials?: string;
}

export class GdcClient {
  private readonly http: NativeHttp;
  readonly repositoryId: string;

  constructor(options: GdcClientOptions) {
    this.repositoryId = options.repositoryId;
    this.http = new NativeHttp({ ...options, connections: 8 });
  }

  async search(endpoint: GdcEndpoint, request: SearchRequest): Promise<SearchResult> {
    const body: Record<string, unknown> = { format: 'json', size: request.size, from: request.from ?? 0 };
    if (request.filters) body.filters = request.filters;
    if (request.fields?.length) body.fields = request.fields.join(',');
    if (request.expand?.length) body.expand = request.expand.join(',');
    if (request.facets?.length) body.facets = request.facets.join(',');
    if (request.sort) body.sort = request.sort;
    return parseSearch(await this.http.postJson(`/${endpoint}`, body), this.repositoryId, endpoint, request.facets);
  }

  /**
   * Every hit of a search, `pageSize` at a time (from/size paging). Stops at `limit` hits (the caller's bound) and
   * says whether there were more.
   */
  async searchAll(endpoint: GdcEndpoint, request: Omit<SearchRequest, 'size' | 'from'>, pageSize: number, limit = Infinity):
  Promise<{ hits: SearchResult['hits']; complete: boolean }> {
    const hits: SearchResult['hits'] = [];
    for (let from = 0; ; from += pageSize) {
      const page = await this.search(endpoint, { ...request, size: pageSize, from });
      hits.push(...page.hits);
      if (page.hits.length === 0 || from + pageSize >= page.pagination.total) return { hits, complete: true };
      if (hits.length >= limit) return { hits, complete: false };
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
