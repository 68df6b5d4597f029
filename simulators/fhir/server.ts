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
 * - Sorting: `_sort=_id` and `-_id` in locale order (`localeCompare`: "a-3" < "A-4" < "b-1"), as a server sorts that
 *   compares ids with its database collation (Medplum, PostgreSQL with an en_US collation); R4 does not define the
 *   order. `idOrder: 'code-point'` sorts by code units instead. Without `_sort` the server's natural order, which is
 *   not the id order. `_include`/`_revinclude` entries do not count towards `_count` or `total`.
 * - Unknown and unsupported parameters are ignored and left out of the self link, which lists the parameters the
 *   search used (R4 search.html, "Handling Errors"); `Prefer: handling=strict` turns them into HTTP 400 (unless
 *   `ignoresPreferHandling`). A deployment may leave parameters unimplemented (`unsupported`); its
 *   CapabilityStatement (`GET [base]/metadata`) then leaves them out too, unless `declaresUnsupported` (a statement
 *   that promises more than the server does).
 * - `_elements` returns the matches with only the listed top-level elements (and id, meta), tagged SUBSETTED.
 * - Errors: HTTP 400 with an OperationOutcome for invalid values and, under strict handling, unknown parameters;
 *   404 for unknown types and ids; 405 for other methods; 415 for a `_search` body that is not a form.
 *   Every body is `application/fhir+json`.
 */
import { randomUUID } from 'node:crypto';
import type { SimulatorRequest, SimulatorResponse } from '../http-server';
import type { FhirResource, FhirStore } from './resources';
import { RESOURCE_TYPES } from './resources';
import {
  criterion, includedResources, knownParameters, parameterType, parseInclude, referenceParameters, SearchError, type IncludeSpec,
  type SearchContext,
} from './search';

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
  /**
   * Parameters this deployment does not implement, ignored like unknown ones: a name for every type (`_has`,
   * `_revinclude`, `_include`, `modality`) or `Type:name` for one (`ImagingStudy:bodysite`).
   */
  unsupported?: readonly string[];
  /** The CapabilityStatement declares the unsupported parameters all the same. */
  declaresUnsupported?: boolean;
  /** `Prefer: handling=strict` is not honoured: unsupported parameters are ignored even then. */
  ignoresPreferHandling?: boolean;
  /** Order of `_sort=_id`: 'locale' (default) or 'code-point'. */
  idOrder?: 'locale' | 'code-point';
}

interface StoredSearch {
  type: string;
  ids: string[];
  includes: IncludeSpec[];
  /** `_elements`: the top-level elements the matches keep; null for whole resources. */
  elements: string[] | null;
  created: number;
}

const DEFAULT_PAGE_SIZE = 20;
const CONTROL_PARAMETERS = new Set(['_count', '_summary', '_total', '_sort', '_include', '_revinclude', '_elements', '_format', '_pretty']);
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
    const strict = /handling\s*=\s*strict/i.test(String(request.headers.prefer ?? '')) && !this.quirks.ignoresPreferHandling;
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
      return this.search(type, params, strict);
    }
    if (request.method !== 'GET') return outcome(405, 'not-supported', `${request.method} is not supported here`);
    if (second !== undefined) {
      const resource = this.store.byId.get(`${type}/${second}`);
      return resource ? fhirJson(200, resource) : outcome(404, 'not-found', `Resource ${type}/${second} is not known`);
    }
    return this.search(type, [...request.url.searchParams], strict);
  }

  /** Whether this deployment leaves a parameter of a type unimplemented (quirk `unsupported`). */
  private unsupported(type: string, name: string): boolean {
    const list = this.quirks.unsupported ?? [];
    return list.includes(name) || list.includes(`${type}:${name}`);
  }

  private search(type: string, params: Array<[string, string]>, strict: boolean): SimulatorResponse {
    const context: SearchContext = { store: this.store, strict, unsupported: (t, n) => this.unsupported(t, n), ignored: [] };
    // The parameters the search used, in the order sent: the self link.
    const used: Array<[string, string]> = [];
    let elements: string[] | null = null;
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
            if (!spec) continue;
            includes.push(spec);
            break;
          }
          case '_elements':
            elements = value.split(',').map((e) => e.trim()).filter((e) => e !== '');
            break;
          default: // _format, _pretty: JSON is all this server speaks
            break;
        }
        used.push([name, value]);
        continue;
      }
      const predicate = criterion(type, name, value, context);
      if (predicate) {
        predicates.push(predicate);
        used.push([name, value]);
      }
    }
    const self = `${this.base}/${type}${used.length > 0 ? `?${new URLSearchParams(used).toString()}` : ''}`;
    let matches = (this.store.byType.get(type) ?? []).filter((r) => predicates.every((p) => p(r)));
    if (summaryCount || count === 0) {
      // §7.4: total, no entries, no links; and, as HAPI answered (#1763), no `type`.
      return fhirJson(200, { resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: new Date().toISOString() }, total: matches.length, link: [{ relation: 'self', url: self }] });
    }
    if (sort !== null) matches = sorted(matches, sort, this.quirks.idOrder ?? 'locale');
    const pageSize = Math.min(count ?? DEFAULT_PAGE_SIZE, this.quirks.maxPageSize ?? 100);
    const token = this.keep({ type, ids: matches.map((r) => r.id), includes, elements, created: Date.now() });
    const withTotal = (total === 'accurate' || total === 'estimate') && !this.quirks.omitTotal;
    return fhirJson(200, this.bundle(token, 0, pageSize, withTotal ? matches.length : null, self));
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
    return fhirJson(200, this.bundle(token, Number(offset), Math.min(Number(count), this.quirks.maxPageSize ?? 100), null, self));
  }

  private keep(search: StoredSearch): string {
    if (this.searches.size >= MAX_STORED_SEARCHES) this.searches.delete(this.searches.keys().next().value as string);
    const token = randomUUID();
    this.searches.set(token, search);
    return token;
  }

  private bundle(token: string, offset: number, size: number, total: number | null, self: string): object {
    const search = this.searches.get(token)!;
    const matches = search.ids.slice(offset, offset + size).map((id) => this.store.byId.get(`${search.type}/${id}`)).filter((r): r is FhirResource => r !== undefined);
    const included = includedResources(matches, search.includes, this.store);
    const shown = search.elements ? matches.map((r) => subsetted(r, search.elements!)) : matches;
    const link = [{ relation: 'self', url: self }];
    const pageLink = (o: number) => `${this.base}?_getpages=${token}&_getpagesoffset=${o}&_count=${size}&_bundletype=searchset`;
    if (offset + size < search.ids.length) link.push({ relation: 'next', url: pageLink(offset + size) });
    if (offset > 0) link.push({ relation: 'previous', url: pageLink(Math.max(0, offset - size)) });
    const entry = [
      ...shown.map((resource) => ({ fullUrl: `${this.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'match' } })),
      ...included.map((resource) => ({ fullUrl: `${this.base}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'include' } })),
    ];
    return {
      resourceType: 'Bundle', id: randomUUID(), meta: { lastUpdated: new Date().toISOString() }, type: 'searchset',
      ...(total !== null ? { total } : {}),
      link,
      ...(entry.length > 0 ? { entry } : {}),
    };
  }

  /**
   * The CapabilityStatement (R4 capabilitystatement.html), HAPI-like: per type its search parameters with their
   * types, the `_include` values its reference parameters allow and the `_revinclude` values that point at it; at the
   * rest level `_has` and the result parameters. Unsupported parameters are left out unless `declaresUnsupported`.
   */
  private capabilityStatement(): object {
    const declared = (type: string, name: string) => this.quirks.declaresUnsupported || !this.unsupported(type, name);
    const references = referenceParameters();
    const common = [['_has', 'special'], ['_count', 'number'], ['_sort', 'string'], ['_total', 'token'], ['_summary', 'token'], ['_elements', 'string']]
      .filter(([name]) => declared('*', name))
      .map(([name, type]) => ({ name, type, definition: `http://hl7.org/fhir/R4/search.html#${name}` }));
    return {
      resourceType: 'CapabilityStatement', status: 'active', date: '2025-06-30', kind: 'instance', fhirVersion: '4.0.1',
      format: ['application/fhir+json'],
      software: { name: 'FHIR R4 simulator (HAPI-like)' },
      rest: [{
        mode: 'server',
        searchParam: common,
        resource: RESOURCE_TYPES.map((type) => ({
          type,
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: knownParameters(type).filter((name) => declared(type, name)).map((name) => ({ name, type: parameterType(type, name) })),
          searchInclude: declared(type, '_include') ? references.filter((r) => r.source === type).map((r) => `${r.source}:${r.name}`) : [],
          searchRevInclude: declared(type, '_revinclude') ? references.filter((r) => r.targets.includes(type)).map((r) => `${r.source}:${r.name}`) : [],
        })),
      }],
    };
  }
}

/** A resource with only the listed top-level elements (and resourceType, id, meta), marked SUBSETTED (R4 §3.1.1.5.10). */
function subsetted(resource: FhirResource, elements: readonly string[]): FhirResource {
  const kept: FhirResource = { resourceType: resource.resourceType, id: resource.id };
  for (const name of elements) if (name in resource) kept[name] = resource[name];
  kept.meta = { ...resource.meta, tag: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' }] } as FhirResource['meta'];
  return kept;
}

function sorted(resources: FhirResource[], sort: string, order: 'locale' | 'code-point'): FhirResource[] {
  const keys = sort.split(',');
  for (const key of keys) {
    if (!['_id', '-_id', '_lastUpdated', '-_lastUpdated'].includes(key)) throw new SearchError(400, 'not-supported', `_sort=${key} is not supported by this server (_id, _lastUpdated are)`);
  }
  const idKey = keys.find((k) => k.endsWith('_id'));
  if (!idKey) return resources; // every resource has the same lastUpdated: the natural order stays
  const direction = idKey.startsWith('-') ? -1 : 1;
  const compare = order === 'locale' ? (a: string, b: string) => a.localeCompare(b) : (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...resources].sort((a, b) => direction * compare(a.id, b.id));
}

export function fhirJson(status: number, body: unknown): SimulatorResponse {
  return { status, headers: { 'Content-Type': FHIR_JSON }, body: JSON.stringify(body) };
}

export function outcome(status: number, code: string, diagnostics: string): SimulatorResponse {
  return fhirJson(status, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics }] });
}
