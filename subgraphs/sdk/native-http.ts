/**
 * The one way adapters talk to native APIs: an undici Pool per repository (keep-alive), a per-request timeout,
 * credentials, and errors that name the repository and what went wrong without echoing native payloads or query
 * values (which can hold patient identifiers) into messages or logs.
 */
import { Pool, errors as undiciErrors } from 'undici';
import { currentSignal } from './cancellation';
import { ErrorCode, RepositoryError } from './errors';
import { inSpan } from './tracing';

export type QueryValue = string | number | readonly string[] | undefined | null;
export type Query = Record<string, QueryValue>;

export interface NativeHttpOptions {
  repositoryId: string;
  /** Base URL including any path prefix, e.g. http://127.0.0.1:8042/dicom-web */
  baseUrl: string;
  timeoutMs: number;
  /** "user:password" for basic auth, or a bearer token prefixed with "Bearer ". */
  credentials?: string;
  /** Maximum connections to this repository. */
  connections?: number;
  /**
   * Headers sent with every request (e.g. FHIR's `Prefer: handling=strict`), below the per-call ones (`accept`,
   * `content-type`, a call's own `headers`) and the credentials, which they never replace.
   */
  headers?: Record<string, string>;
}

/** Per-call settings of the `…Answer` methods. */
export interface CallOptions {
  accept?: string;
  /** Headers of this call only, over the instance's `headers` (e.g. `prefer: handling=lenient` for one retry). */
  headers?: Record<string, string>;
  /**
   * Error statuses answered with their parsed JSON body instead of REPOSITORY_HTTP_ERROR, for a protocol whose
   * error documents the adapter reads (FHIR's OperationOutcome naming a refused search parameter). A body that is
   * not JSON is still the HTTP error.
   */
  passStatuses?: readonly number[];
}

/** A JSON answer with its status (2xx, or one of the call's `passStatuses`). */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

export interface NativeResponse {
  status: number;
  contentType: string;
  text: string;
}

export class NativeHttp {
  readonly repositoryId: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  /** host:port, for traces. */
  private readonly host: string;
  private readonly authorization?: string;
  private readonly timeoutMs: number;
  private readonly headers: Record<string, string>;
  private answeredCount = 0;

  constructor(options: NativeHttpOptions) {
    const url = new URL(options.baseUrl);
    this.repositoryId = options.repositoryId;
    this.basePath = url.pathname.replace(/\/$/, '');
    this.host = url.host;
    this.timeoutMs = options.timeoutMs;
    this.headers = lowerCased(options.headers);
    this.pool = new Pool(url.origin, { connections: options.connections ?? 16, pipelining: 1 });
    if (options.credentials) {
      this.authorization = options.credentials.startsWith('Bearer ')
        ? options.credentials
        : `Basic ${Buffer.from(options.credentials).toString('base64')}`;
    }
  }

  /**
   * Native answers received so far (any status): whether the server is answering at all, e.g. while a harvest
   * runs (harvested-index.ts tells a harvest in progress from a server that does not answer).
   */
  get answered(): number {
    return this.answeredCount;
  }

  /** GET and parse JSON. An empty body is returned as null (some APIs answer "no result" that way). */
  async getJson(path: string, query: Query = {}, accept = 'application/json'): Promise<unknown> {
    const response = await this.send('GET', path, query, undefined, { accept });
    return this.parseJson(response, 'GET', path);
  }

  async postJson(path: string, body: unknown, query: Query = {}): Promise<unknown> {
    const response = await this.send('POST', path, query, JSON.stringify(body), {
      accept: 'application/json',
      'content-type': 'application/json',
    });
    return this.parseJson(response, 'POST', path);
  }

  /** POST application/x-www-form-urlencoded (NBIA's search and manifest calls). */
  async postForm(path: string, form: Query): Promise<unknown> {
    const response = await this.send('POST', path, {}, toSearchParams(form).toString(), {
      accept: 'application/json',
      'content-type': 'application/x-www-form-urlencoded',
    });
    return this.parseJson(response, 'POST', path);
  }

  /** GET and parse JSON, with per-call headers and error statuses answered rather than thrown (CallOptions). */
  async getJsonAnswer(path: string, query: Query, options: CallOptions = {}): Promise<JsonAnswer> {
    const headers = { ...lowerCased(options.headers), accept: options.accept ?? 'application/json' };
    return this.answer(await this.send('GET', path, query, undefined, headers, options.passStatuses), 'GET', path);
  }

  /** POST a form and parse JSON, with per-call headers and error statuses answered rather than thrown (CallOptions). */
  async postFormAnswer(path: string, form: Query, options: CallOptions = {}): Promise<JsonAnswer> {
    const headers = { ...lowerCased(options.headers), accept: options.accept ?? 'application/json', 'content-type': 'application/x-www-form-urlencoded' };
    return this.answer(await this.send('POST', path, {}, toSearchParams(form).toString(), headers, options.passStatuses), 'POST', path);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /** One native request, in a span of its own (tracing.ts): its method, repository and status, never its path. */
  private send(
    method: 'GET' | 'POST', path: string, query: Query, body: string | undefined, callHeaders: Record<string, string>, passStatuses: readonly number[] = [],
  ): Promise<NativeResponse> {
    return inSpan(`${method} ${this.repositoryId}`, { 'http.request.method': method, 'eucaim.repository.id': this.repositoryId, 'server.address': this.host },
      () => this.sendNow(method, path, query, body, callHeaders, passStatuses), (span, response) => span.setAttribute('http.response.status_code', response.status));
  }

  private async sendNow(
    method: 'GET' | 'POST', path: string, query: Query, body: string | undefined, callHeaders: Record<string, string>, passStatuses: readonly number[],
  ): Promise<NativeResponse> {
    const search = toQueryString(query);
    const target = `${this.basePath}${path}${search ? `?${search}` : ''}`;
    const headers: Record<string, string> = { ...this.headers, ...callHeaders };
    if (this.authorization) headers.authorization = this.authorization;
    // The call this request is for (cancellation.ts): nobody waits for it any more, so it is not sent, or aborted.
    const signal = currentSignal();
    if (signal?.aborted) throw this.cancelled(method, path);
    let status: number;
    let contentType: string;
    let text: string;
    try {
      const response = await this.pool.request({
        method, path: target, headers, body, signal,
        headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs,
      });
      status = response.statusCode;
      const type = response.headers['content-type'];
      contentType = (Array.isArray(type) ? type[0] : type) ?? '';
      text = await response.body.text();
      this.answeredCount++;
    } catch (error) {
      if (signal?.aborted) throw this.cancelled(method, path);
      throw this.transportError(error, method, path);
    }
    if (status >= 400 && !passStatuses.includes(status)) throw this.httpError(status, method, path);
    return { status, contentType, text };
  }

  private cancelled(method: string, path: string): RepositoryError {
    return new RepositoryError(ErrorCode.CANCELLED, this.repositoryId, `${method} ${this.basePath}${path} cancelled: nobody waits for this call any more`);
  }

  private httpError(status: number, method: string, path: string): RepositoryError {
    return new RepositoryError(ErrorCode.HTTP_ERROR, this.repositoryId,
        `native API answered HTTP ${status} to ${method} ${this.basePath}${path}`, { httpStatus: status });
  }

  /** The parsed body with its status; an error status whose body is no JSON document stays the HTTP error. */
  private answer(response: NativeResponse, method: string, path: string): JsonAnswer {
    if (response.status < 400) return { status: response.status, body: this.parseJson(response, method, path) };
    try {
      const body = this.parseJson(response, method, path);
      if (body !== null) return { status: response.status, body };
    } catch {
      // not JSON: below
    }
    throw this.httpError(response.status, method, path);
  }

  private transportError(error: unknown, method: string, path: string): RepositoryError {
    const where = `${method} ${this.basePath}${path}`;
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError
      || error instanceof undiciErrors.ConnectTimeoutError) {
      return new RepositoryError(ErrorCode.TIMEOUT, this.repositoryId, `native API did not answer ${where} within ${this.timeoutMs} ms`);
    }
    const code = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return new RepositoryError(ErrorCode.UNAVAILABLE, this.repositoryId,
      `native API could not be reached for ${where}${code ? ` (${code})` : ''}`);
  }

  private parseJson(response: NativeResponse, method: string, path: string): unknown {
    if (response.text.trim() === '') return null;
    const where = `${method} ${this.basePath}${path}`;
    if (/html/i.test(response.contentType) || /^\s*</.test(response.text)) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
        `native API answered an HTML page instead of JSON to ${where}`);
    }
    try {
      return JSON.parse(response.text);
    } catch {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.repositoryId,
        `native API answered malformed JSON to ${where} (${response.text.length} bytes, truncated or not JSON)`);
    }
  }
}

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * A URL query string: repeated keys for arrays, undefined and null left out, spaces as %20 (not the form
 * encoding's "+", which some servers keep literally), and commas left literal: in DICOMweb (PS3.18 8.3.4) and FHIR
 * search a comma separates OR values, and servers such as Orthanc do not decode "%2C" before splitting. Callers
 * escape user values by their protocol's rules before this point.
 */
export function toQueryString(query: Query): string {
  const parts: string[] = [];
  const encode = (value: string) => encodeURIComponent(value).replace(/%2C/gi, ',');
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [String(value)]) parts.push(`${encodeURIComponent(key)}=${encode(v)}`);
  }
  return parts.join('&');
}

/** Form encoding (application/x-www-form-urlencoded): repeated keys for arrays, undefined and null left out. */
export function toSearchParams(query: Query): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  return params;
}
