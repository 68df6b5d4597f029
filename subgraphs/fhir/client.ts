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
 * Every request says `Prefer: handling=strict` (R4 search.html, "Handling Errors"): a server that honours it answers
 * a parameter it does not support with HTTP 400 and an OperationOutcome, thrown as `SearchRefused` with the
 * outcome's texts for the caller to read (native-reads.ts), instead of ignoring the parameter. A server may ignore
 * the header (Medplum does), so what the server applied is still checked on every answer (its self link:
 * applied.ts). `handling: 'lenient'` asks one search without strictness.
 */
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { NativeHttp, toSearchParams, type CallOptions, type JsonAnswer, type Query } from '../sdk/native-http';
import type { SearchPage, ServerCapabilities } from './native-types';
import { parseCapabilityStatement, parseCountBundle, parseOutcomeTexts, parseSearchBundle } from './parse';
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

/** How a search asks the server to treat parameters it does not support (R4 search.html, "Handling Errors"). */
export type Handling = 'strict' | 'lenient';

/**
 * HTTP 400 with an OperationOutcome to a search: under strict handling, how a server refuses a parameter. Still the
 * REPOSITORY_HTTP_ERROR it is if nobody reads it; `texts` (which can echo values) never reach a message.
 */
export class SearchRefused extends RepositoryError {
  constructor(repositoryId: string, where: string, readonly texts: readonly string[]) {
    super(ErrorCode.HTTP_ERROR, repositoryId, `native API answered HTTP 400 to ${where}`, { httpStatus: 400 });
  }
}

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
    this.http = new NativeHttp({ ...options, connections: options.connections ?? 8, headers: { prefer: 'handling=strict' } });
  }

  /** One search page of `type`; SearchRefused when a strict server refuses a parameter. */
  async search(type: string, params: SearchParams, handling: Handling = 'strict'): Promise<SearchPage> {
    const body = await this.searchBody(type, toQuery(params), handling);
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
  async count(type: string, params: SearchParams, handling: Handling = 'strict'): Promise<{ total: number; self: string | null }> {
    const body = await this.searchBody(type, toQuery([...params, ['_summary', 'count']]), handling);
    return parseCountBundle(body, this.repositoryId, `${type} count`);
  }

  /** GET, or POST _search when the query is long; a 400 with an OperationOutcome is SearchRefused. */
  private async searchBody(type: string, query: Query, handling: Handling): Promise<unknown> {
    const options: CallOptions = { passStatuses: [400], headers: handling === 'lenient' ? { prefer: 'handling=lenient' } : {} };
    const post = toSearchParams(query).toString().length > MAX_GET_QUERY;
    const answer: JsonAnswer = post
      ? await this.http.postFormAnswer(`/${type}/_search`, query, options)
      : await this.http.getJsonAnswer(`/${type}`, query, { ...options, accept: FHIR_JSON });
    if (answer.status === 400) {
      const where = post ? `POST ${this.basePath}/${type}/_search` : `GET ${this.basePath}/${type}`;
      const texts = parseOutcomeTexts(answer.body);
      if (texts === null) throw new RepositoryError(ErrorCode.HTTP_ERROR, this.repositoryId, `native API answered HTTP 400 to ${where}`, { httpStatus: 400 });
      throw new SearchRefused(this.repositoryId, where, texts);
    }
    return answer.body;
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
