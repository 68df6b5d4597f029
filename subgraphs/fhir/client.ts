/**
 * The FHIR R4 REST calls the adapter makes, over NativeHttp (timeouts, HTTP errors incl. OperationOutcome answers,
 * HTML pages and malformed JSON become RepositoryErrors naming the repository), with typed results. Nothing else.
 *
 * - search: `GET [base]/Type?…`, or `POST [base]/Type/_search` with a form body when the query is long (R4 §3.1.0:
 *   both are a search; long subject lists would overflow URL limits).
 * - page: follows a `next` link. Links are opaque (§2f); the adapter only keeps their path and query below its own
 *   base URL and always sends them to its configured endpoint, so a server that advertises an internal host name
 *   still pages, and no link can send the adapter (and its credentials) elsewhere.
 * - count: `_summary=count` (a Bundle with `total` only, possibly without `type`, §7.4).
 * - capabilities: `GET [base]/metadata`, the server's CapabilityStatement.
 * Error messages name the method and path, never the query (values can be patient identifiers).
 *
 * `Prefer: handling=strict` (R4 search.html, "Handling Errors") is not sent yet: NativeHttp takes no extra request
 * headers. What the server applied is checked on every answer instead (its self link: applied.ts, native-reads.ts).
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { NativeHttp, toSearchParams, type Query } from '../sdk/native-http';
import type { SearchPage, ServerCapabilities } from './native-types';
import { parseCapabilityStatement, parseCountBundle, parseSearchBundle } from './parse';
import type { SearchParams } from './plan';

export interface FhirClientOptions {
  repositoryId: string;
  /** The FHIR base URL, e.g. https://fhir.example.org/fhir */
  baseUrl: string;
  timeoutMs: number;
  credentials?: string;
  connections?: number;
}

/** Longest query sent by GET; longer searches go by POST _search. */
const MAX_GET_QUERY = 1800;
const FHIR_JSON = 'application/fhir+json';

function toQuery(params: SearchParams): Query {
  const query: Record<string, string[]> = {};
  for (const [name, value] of params) (query[name] ??= []).push(value);
  return query;
}

export class FhirClient {
  readonly repositoryId: string;
  private readonly http: NativeHttp;
  private readonly basePath: string;

  constructor(options: FhirClientOptions) {
    this.repositoryId = options.repositoryId;
    this.basePath = new URL(options.baseUrl).pathname.replace(/\/+$/, '');
    this.http = new NativeHttp({ ...options, connections: options.connections ?? 8 });
  }

  /** One search page of `type`. */
  async search(type: string, params: SearchParams): Promise<SearchPage> {
    const query = toQuery(params);
    const body = toSearchParams(query).toString().length > MAX_GET_QUERY
      ? await this.http.postForm(`/${type}/_search`, query)
      : await this.http.getJson(`/${type}`, query, FHIR_JSON);
    return parseSearchBundle(body, this.repositoryId, `${type} search`, type);
  }

  /** The page a `next` link (made relative by `relativeLink`) points to; its matches are of `type`. */
  async page(relative: string, type: string): Promise<SearchPage> {
    const [path, search = ''] = relative.split(/\?(.*)/s, 2);
    const query: Record<string, string[]> = {};
    for (const [name, value] of new URLSearchParams(search)) (query[name] ??= []).push(value);
    const body = await this.http.getJson(path, query, FHIR_JSON);
    return parseSearchBundle(body, this.repositoryId, `${type} search page`, type);
  }

  /** The server's CapabilityStatement, as far as search goes. */
  async capabilities(): Promise<ServerCapabilities> {
    return parseCapabilityStatement(await this.http.getJson('/metadata', {}, FHIR_JSON), this.repositoryId);
  }

  /** The number of `type` resources the search parameters match (`_summary=count`), with the self link. */
  async count(type: string, params: SearchParams): Promise<{ total: number; self: string | null }> {
    const query = toQuery([...params, ['_summary', 'count']]);
    const body = toSearchParams(query).toString().length > MAX_GET_QUERY
      ? await this.http.postForm(`/${type}/_search`, query)
      : await this.http.getJson(`/${type}`, query, FHIR_JSON);
    return parseCountBundle(body, this.repositoryId, `${type} count`);
  }

  /**
   * A `next` link as path and query relative to the base URL ("?_getpages=…" or "/Patient/__page?…"). The link's
   * origin is ignored; its path must lie under the base path. BAD_RESPONSE otherwise.
   */
  relativeLink(link: string): string {
    let url: URL;
    try {
      url = new URL(link, 'http://base.invalid');
    } catch {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId, 'malformed search response: a next link is not a URL');
    }
    const inside = url.pathname === this.basePath || url.pathname.startsWith(`${this.basePath}/`);
    if (!inside || url.hash !== '') {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId, 'malformed search response: a next link points outside the repository\'s FHIR base URL');
    }
    return `${url.pathname.slice(this.basePath.length)}${url.search}`;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
