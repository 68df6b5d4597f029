/**
 * The REST side of the simulated FHIR R4 server: search (GET [base]/Type?… and POST [base]/Type/_search), read
 * (GET [base]/Type/id), paging, counting, and errors as OperationOutcomes, with the quirks README §2f and §7.4
 * document. Choices where the documentation is silent, modelled on HAPI FHIR JPA (the most deployed R4 server):
 *
 * - Paging: a search is run once and its ordered list of matches is kept server-side under an opaque token; the
 *   `next` link is `[base]?_getpages=<token>&_getpagesoffset=<n>&_count=<c>&_bundletype=searchset` (HAPI's form).
 *   A token that expired (`expireSearches()`, or older than `searchTtlMs`) answers HTTP 410 Gone with an
 *   OperationOutcome, as HAPI does. `_count` defaults to 20 and is capped at `maxPageSize` (100) without a word.
 *   Links are built on `advertisedBase` when set (a server behind a proxy that knows its own host name).
 * - `Bundle.total` (0..1, §7.4) is sent on the first page only when the request asks `_total=accurate` (or
 *   `estimate`); never on the pages reached through `next`. `omitTotal` makes the server ignore `_total` altogether
 *   ("servers can ignore the _total parameter").
 * - `_summary=count`, and `_count=0` which "shall be treated the same", answer a Bundle with `total` and no entry
 *   and no link, and without `type`: the HAPI bug hapifhir/hapi-fhir#1763 (§7.4).
 * - Sorting: `_sort=_id` (ascending, code-unit order) and `-_id`; without `_sort` the server's natural order, which
 *   is not the id order. `_include`/`_revinclude` entries do not count towards `_count` or `total`.
 * - Errors: HTTP 400 with an OperationOutcome for unknown parameters (unless `Prefer: handling=lenient`) and invalid
 *   values; 404 for unknown types and ids; 405 for other methods; 415 for a `_search` body that is not a form.
 *   Every body is `application/fhir+json`.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorRequest, SimulatorResponse } from '../http-server';
import type { FhirResource, FhirStore } from './resources';
import { RESOURCE_TYPES } from './resources';
import { criterion, includedResources, parseInclude, SearchError, type IncludeSpec, type SearchContext } from './search';

export const FHIR_JSON = 'application/fhir+json;charset=utf-8';

export interface FhirQuirks {
  /** Never send Bundle.total on search pages, even when `_total=accurate` is asked. */
  omitTotal?: boolean;
  /** Largest page the server serves; a bigger `_count` is lowered to it (HAPI's maximum page size). */
  maxPageSize?: number;
  /** Base URL the server writes into fullUrl and links (e.g. its internal host name behind a proxy). */
  advertisedBase?: string;
  /** How long a search's pages stay available, in milliseconds (HAPI keeps them about an hour). */
  searchTtlMs?: number;
}

interface StoredSearch {
  type: string;
  ids: string[];
  includes: IncludeSpec[];
  created: number;
}

const DEFAULT_PAGE_SIZE = 20;
const CONTROL_PARAMETERS = new Set(['_count', '_summary', '_total', '_sort', '_include', '_revinclude', '_format', '_pretty']);
/** Searches kept at most; the oldest go first (HAPI expires them by age). */
const MAX_STORED_SEARCHES = 2000;

export class FhirServer {
  private readonly searches = new Map<string, StoredSearch>();

  constructor(private readonly store: FhirStore, private readonly basePath: string, private readonly quirks: FhirQuirks, private origin = '') {}

  setOrigin(origin: string): void {
    this.origin = origin;
  }

  /** Drops every kept search: later `next` links answer 410 Gone. */
  expireSearches(): void {
    this.searches.clear();
  }

  private get base(): string {
    return this.quirks.advertisedBase ?? `${this.origin}${this.basePath}`;
  }

  handle(request: SimulatorRequest): SimulatorResponse {
    try {
      return this.route(request);
    } catch (error) {
      if (error instanceof SearchError) return outcome(error.status, error.issueCode, error.message);
      throw error;
    }
  }

  private route(request: SimulatorRequest): SimulatorResponse {
    const path = request.url.pathname;
    if (path !== this.basePath && !path.startsWith(`${this.basePath}/`)) return outcome(404, 'not-found', `no FHIR endpoint at ${path}`);
    const segments = path.slice(this.basePath.length).split('/').filter((s) => s !== '');
    const lenient = /handling\s*=\s*lenient/i.test(String(request.headers.prefer ?? ''));
    if (segments.length === 0) {
      if (request.method !== 'GET') return outcome(405, 'not-supported', `${request.method} is not supported on the base URL`);
      if (request.url.searchParams.has('_getpages')) return this.page(request.url.searchParams);
      return outcome(400, 'not-supported', 'whole-system search is not supported; search a resource type');
    }
    const [type, second, ...more] = segments;
    if (type === 'metadata' && segments.length === 1) return request.method === 'GET' ? fhirJson(200, this.capabilityStatement()) : outcome(405, 'not-supported', 'metadata accepts GET only');
    if (!(RESOURCE_TYPES as readonly string[]).includes(type)) return outcome(404, 'not-supported', `Unknown resource type '${type}' - Server knows how to handle: [${RESOURCE_TYPES.join(', ')}]`);
    if (more.length > 0) return outcome(404, 'not-found', `no resource at ${path}`);
    if (second === '_search') {
      if (request.method !== 'POST') return outcome(405, 'not-supported', '_search accepts POST only');
      const contentType = String(request.headers['content-type'] ?? '');
      if (!contentType.startsWith('application/x-www-form-urlencoded')) return outcome(415, 'not-supported', '_search needs an application/x-www-form-urlencoded body');
      const params = [...request.url.searchParams, ...new URLSearchParams(request.body)];
      return this.search(type, params, lenient, `${this.base}/${type}?${new URLSearchParams(params).toString()}`);
    }
    if (request.method !== 'GET') return outcome(405, 'not-supported', `${request.method} is not supported here`);
    if (second !== undefined) {
      const resource = this.store.byId.get(`${type}/${second}`);
      return resource ? fhirJson(200, resource) : outcome(404, 'not-found', `Resource ${type}/${second} is not known`);
    }
    return this.search(type, [...request.url.searchParams], lenient, `${this.base}/${type}${request.url.search}`);
  }

  private search(type: string, params: Array<[string, string]>, lenient: boolean, self: string): SimulatorResponse {
    const context: SearchContext = { store: this.store, lenient, warnings: [] };
    const predicates: Array<(r: FhirResource) => boolean> = [];
    const includes: IncludeSpec[] = [];
    let count: number | null = null;
    let summaryCount = false;
    let total: string | null = null;
    let sort: string | null = null;
    for (const [name, value] of params) {
      const base = name.split(':')[0];
      if (CONTROL_PARAMETERS.has(base)) {
        switch (base) {
          case '_count':
            if (!/^\d+$/.test(value)) throw new SearchError(400, 'invalid', `_count must be a non-negative integer, not "${value}"`);
            count = Number(value);
            break;
          case '_summary':
            if (value === 'count') summaryCount = true;
            else if (value !== 'false') throw new SearchError(400, 'not-supported', `_summary=${value} is not supported by this server (count and false are)`);
            break;
          case '_total':
            if (!['none', 'estimate', 'accurate'].includes(value)) throw new SearchError(400, 'invalid', `_total must be none, estimate or accurate, not "${value}"`);
            total = value;
            break;
          case '_sort':
            sort = value;
            break;
          case '_include':
          case '_revinclude': {
            const spec = parseInclude(name, value, type, context);
            if (spec) includes.push(spec);
            break;
          }
          default: // _format, _pretty: JSON is all this server speaks
            break;
        }
        continue;
      }
      const predicate = criterion(type, name, value, context);
      if (predicate) predicates.push(predicate);
    }
    let matches = (this.store.byType.get(type) ?? []).filter((r) => predicates.every((p) => p(r)));
    if (summaryCount || count === 0) {
      // §7.4: total, no entries, no links; and, as HAPI answered (#1763), no `type`.
      return fhirJson(200, { resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: new Date().toISOString() }, total: matches.length });
    }
    if (sort !== null) matches = sorted(matches, sort);
    const pageSize = Math.min(count ?? DEFAULT_PAGE_SIZE, this.quirks.maxPageSize ?? 100);
    const token = this.keep({ type, ids: matches.map((r) => r.id), includes, created: Date.now() });
    const withTotal = (total === 'accurate' || total === 'estimate') && !this.quirks.omitTotal;
    return fhirJson(200, this.bundle(token, 0, pageSize, withTotal ? matches.length : null, self, context.warnings));
  }

  private page(params: URLSearchParams): SimulatorResponse {
    const token = params.get('_getpages') ?? '';
    const search = this.searches.get(token);
    const ttl = this.quirks.searchTtlMs;
    if (!search || (ttl !== undefined && Date.now() - search.created > ttl)) {
      this.searches.delete(token);
      return outcome(410, 'not-found', `Search ID "${token}" does not exist and may have expired`);
    }
    const offset = params.get('_getpagesoffset') ?? '0';
    const count = params.get('_count') ?? String(DEFAULT_PAGE_SIZE);
    if (!/^\d+$/.test(offset) || !/^\d+$/.test(count) || Number(count) === 0) return outcome(400, 'invalid', 'invalid paging parameters');
    const self = `${this.base}?${params.toString()}`;
    return fhirJson(200, this.bundle(token, Number(offset), Math.min(Number(count), this.quirks.maxPageSize ?? 100), null, self, []));
  }

  private keep(search: StoredSearch): string {
    if (this.searches.size >= MAX_STORED_SEARCHES) this.searches.delete(this.searches.keys().next().value as string);
    const token = randomUUID();
    this.searches.set(token, search);
    return token;
  }

  private bundle(token: string, offset: number, size: number, total: number | null, self: string, warnings: string[]): object {
    const search = this.searches.get(token)!;
    const matches = search.ids.slice(offset, offset + size).map((id) => this.store.byId.get(`${search.type}/${id}`)).filter((r): r is FhirResource => r !== undefined);
    const included = includedResources(matches, search.includes, this.store);
    const link = [{ relation: 'self', url: self }];
    const pageLink = (o: number) => `${this.base}?_getpages=${token}&_getpagesoffset=${o}&_count=${size}&_bundletype=searchset`;
    if (offset + size < search.ids.length) link.push({ relation: 'next', url: pageLink(offset + size) });
    if (offset > 0) link.push({ relation: 'previous', url: pageLink(Math.max(0, offset - size)) });
    const entry = [
      ...matches.map((resource) => ({ fullUrl: `${this.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
      ...included.map((resource) => ({ fullUrl: `${this.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'include' } })),
      ...(warnings.length > 0 ? [{
        resource: { resourceType: 'OperationOutcome', issue: warnings.map((diagnostics) => ({ severity: 'warning', code: 'not-supported', diagnostics })) },
        search: { mode: 'outcome' },
      }] : []),
    ];
    return {
      resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: new Date().toISOString() }, type: 'searchset',
      ...(total !== null ? { total } : {}),
      link,
      ...(entry.length > 0 ? { entry } : {}),
    };
  }

  private capabilityStatement(): object {
    return {
      resourceType: 'CapabilityStatement', status: 'active', date: '2025-06-30', kind: 'instance', fhirVersion: '4.0.1',
      format: ['application/fhir+json'],
      software: { name: 'FHIR R4 simulator (HAPI-like)' },
      rest: [{
        mode: 'server',
        resource: RESOURCE_TYPES.map((type) => ({ type, interaction: [{ code: 'read' }, { code: 'search-type' }] })),
      }],
    };
  }
}

function sorted(resources: FhirResource[], sort: string): FhirResource[] {
  const keys = sort.split(',');
  for (const key of keys) {
    if (!['_id', '-_id', '_lastUpdated', '-_lastUpdated'].includes(key)) throw new SearchError(400, 'not-supported', `_sort=${key} is not supported by this server (_id, _lastUpdated are)`);
  }
  const idKey = keys.find((k) => k.endsWith('_id'));
  if (!idKey) return resources; // every resource has the same lastUpdated: the natural order stays
  const direction = idKey.startsWith('-') ? -1 : 1;
  return [...resources].sort((a, b) => direction * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export function fhirJson(status: number, body: unknown): SimulatorResponse {
  return { status, headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) };
}

export function outcome(status: number, code: string, diagnostics: string): SimulatorResponse {
  return fhirJson(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
}
