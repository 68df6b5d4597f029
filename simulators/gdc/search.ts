/**
 * The search endpoints (`/cases`, `/files`, `/projects`) as gdc-docs Search_and_Retrieval describes them:
 * - parameters `filters`, `fields`, `expand`, `facets`, `size` (default 10), `from` (default 0, a 0-based offset),
 *   `sort` (`field:asc|desc`, comma list), `format`, `pretty`; by GET (filters as URL-encoded JSON) or by POST
 *   (a JSON body with the same keys, filters as an object);
 * - the envelope `{"data": {"hits": [...], "pagination": {count, total, size, from, sort, page, pages}}, "warnings": {}}`,
 *   with `aggregations` when `facets` is set; every hit carries `id`;
 * - `fields` selects dotted paths, `expand` whole field groups; without `fields` a hit has the top-level fields
 *   (and the expanded groups);
 * - a facet on a text field answers `{"buckets": [{"key", "doc_count"}]}` counting documents of the endpoint (a
 *   case with three CT series counts once under "CT" on /cases), with a `_missing` bucket for documents without a
 *   value; a facet disregards the filters on its own field (filters.ts filterForFacet).
 * Where the documentation is silent (choices of the simulator):
 * - a facet on a numeric field answers Elasticsearch statistics `{"stats": {count, min, max, avg, sum}}` over the
 *   values, as the GDC GraphQL `stats` aggregation does;
 * - buckets are ordered by doc_count, then key, with `_missing` last (as in the documented clinical.gender answer);
 *   every bucket is returned unless `facetBucketLimit` is set (an Elasticsearch terms size), which keeps the
 *   largest buckets and `_missing`;
 * - without `sort` hits come in index order (by internal id), not by submitter id;
 * - `page` is from/size + 1 and `pages` is ceil(total/size), and with size 0 both as if size were 1, as the
 *   documented examples show (`size: 0, total: 39, pages: 39`);
 * - unknown names in `fields`, `facets` or `expand` are left out and reported in `warnings` under the parameter's
 *   name, as GDC does (a recorded GDC answer: `"warnings": {"facets": "unrecognized values: [files.data_category]"}`
 *   with no `aggregations` at all); unknown filter fields likewise under `filters` (filters.ts); an unknown `sort`
 *   field and a `format` other than JSON are client errors (HTTP 400, JSON `{"message"}`; the real server also
 *   writes TSV and XML);
 * - facet keys of lower-cased fields (fields.ts) come back lower-cased.
 */
import type { Doc, GdcStore } from './documents';
import { ownField, type Endpoint, type FieldMapping } from './fields';
import { BadRequest, filterForFacet, matches, parseFilter, valuesAt, type Filter, type FilterContext } from './filters';

export interface SearchParams {
  filters: Filter | null;
  /** Parameter name -> the unknown names left out of it. */
  unrecognized: Map<string, string[]>;
  fields: string[];
  expand: string[];
  facets: string[];
  size: number;
  from: number;
  sort: string;
}

export interface SearchOptions {
  facetBucketLimit?: number;
  /** What an unknown filter field does: left out with a warning (default), or HTTP 400. */
  unknownFilterFields?: 'warn' | 'reject';
}

type Raw = Record<string, unknown>;

function list(value: unknown, name: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map((v) => String(v).trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  throw new BadRequest(`${name} must be a comma-separated list`);
}

function integer(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new BadRequest(`${name} must be a non-negative integer`);
  return n;
}

/** Reads GET query parameters or a POST JSON body into search parameters. */
export function readParams(raw: Raw, endpoint: Endpoint, mapping: FieldMapping, options: SearchOptions = {}): SearchParams {
  const format = raw.format;
  if (format !== undefined && String(format).toLowerCase() !== 'json') throw new BadRequest(`format=${String(format)}: the simulator writes JSON only`);
  const unrecognized = new Map<string, string[]>();
  let filters: Filter | null = null;
  if (raw.filters !== undefined && raw.filters !== null && raw.filters !== '') {
    let parsed = raw.filters;
    if (typeof parsed === 'string') {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        throw new BadRequest('filters is not valid JSON');
      }
    }
    const context: FilterContext = { endpoint, mapping, unknownFields: options.unknownFilterFields ?? 'warn', ignored: new Set() };
    filters = parseFilter(parsed, context);
    if (context.ignored.size > 0) unrecognized.set('filters', [...context.ignored]);
  }
  // Facets name fields as the documents do: GDC answers `files.data_category` on /files with "unrecognized values"
  // (the recorded answer in test/gdc/fixtures), while filters accept the endpoint's prefix.
  const known = (names: string[], parameter: string, set: ReadonlySet<string>, prefixed: boolean) => {
    const own = (name: string) => (prefixed ? ownField(endpoint, name) : name);
    const unknown = names.filter((name) => !set.has(own(name)));
    if (unknown.length > 0) unrecognized.set(parameter, unknown);
    return names.filter((name) => set.has(own(name))).map(own);
  };
  const sortFields = list(raw.sort, 'sort').map((s) => s.split(':')[0]);
  const badSort = sortFields.find((name) => !mapping.fields.has(ownField(endpoint, name)));
  if (badSort) throw new BadRequest(`Unrecognized sort field: ${badSort}`);
  return {
    filters,
    unrecognized,
    fields: known(list(raw.fields, 'fields'), 'fields', mapping.fields, true),
    expand: known(list(raw.expand, 'expand'), 'expand', mapping.groups, true),
    facets: known(list(raw.facets, 'facets'), 'facets', mapping.fields, false),
    size: integer(raw.size, 'size', 10),
    from: integer(raw.from, 'from', 0),
    sort: typeof raw.sort === 'string' ? raw.sort : list(raw.sort, 'sort').join(','),
  };
}

/** The `warnings` object: one "unrecognized values: [...]" text per parameter that named unknown fields. */
export function warningsOf(params: Pick<SearchParams, 'unrecognized'>): Raw {
  return Object.fromEntries([...params.unrecognized].map(([parameter, names]) => [parameter, `unrecognized values: [${names.join(', ')}]`]));
}

interface Selection {
  all: boolean;
  children: Map<string, Selection>;
}

function selectionOf(fields: readonly string[], expand: readonly string[]): Selection {
  const root: Selection = { all: false, children: new Map() };
  const node = (path: string) => path.split('.').reduce((at, key) => {
    let child = at.children.get(key);
    if (!child) at.children.set(key, (child = { all: false, children: new Map() }));
    return child;
  }, root);
  for (const field of fields) node(field);
  for (const group of expand) node(group).all = true;
  return root;
}

const isScalar = (value: unknown) => value === null || typeof value !== 'object'
  || (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object'));

function project(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((item) => project(item, selection));
  if (value === null || typeof value !== 'object') return value;
  const doc = value as Doc;
  const out: Doc = {};
  if (selection.all) for (const [key, v] of Object.entries(doc)) if (isScalar(v)) out[key] = v;
  for (const [key, child] of selection.children) {
    if (!(key in doc)) continue;
    const v = doc[key];
    // A leaf selection copies the value; a branch keeps only what is selected below it.
    out[key] = child.children.size === 0 && !child.all ? v : project(v, child);
  }
  return out;
}

/** A hit: `id` first, then the selected fields (top-level fields when nothing is selected). */
export function hitOf(doc: Doc, params: Pick<SearchParams, 'fields' | 'expand'>): Doc {
  // Without `fields`, the top-level fields are the default and `expand` adds its groups to them (the documented
  // `/projects/TARGET-NBL?expand=summary` answers the project's fields and its summary).
  const selection = selectionOf(params.fields, params.expand);
  if (params.fields.length === 0) selection.all = true;
  return { id: doc.id, ...(project(doc, selection) as Doc) };
}

function compare(a: string | number | boolean | undefined, b: string | number | boolean | undefined): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sorted(docs: Doc[], sort: string): Doc[] {
  const keys = sort.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const [field, direction = 'asc'] = s.split(':');
    return { field, sign: direction.toLowerCase() === 'desc' ? -1 : 1 };
  });
  const byId = [...docs].sort((a, b) => compare(a.id as string, b.id as string));
  if (keys.length === 0) return byId;
  return byId.sort((a, b) => {
    for (const { field, sign } of keys) {
      // Missing values sort last in either direction, as Elasticsearch does.
      const x = valuesAt(a, field)[0];
      const y = valuesAt(b, field)[0];
      if (x === undefined || y === undefined) {
        const c = compare(x, y);
        if (c !== 0) return c;
        continue;
      }
      const c = sign * compare(x, y);
      if (c !== 0) return c;
    }
    return 0;
  });
}

function facet(docs: readonly Doc[], field: string, numeric: boolean, lowerCased: boolean, limit: number | undefined): Raw {
  if (numeric) {
    const values = docs.flatMap((d) => valuesAt(d, field)).filter((v): v is number => typeof v === 'number');
    const sum = values.reduce((s, v) => s + v, 0);
    return {
      stats: {
        count: values.length,
        min: values.length ? Math.min(...values) : null,
        max: values.length ? Math.max(...values) : null,
        avg: values.length ? sum / values.length : null,
        sum,
      },
    };
  }
  const counts = new Map<string, number>();
  let missing = 0;
  for (const doc of docs) {
    const values = new Set(valuesAt(doc, field).map((v) => (lowerCased ? String(v).toLowerCase() : String(v))));
    if (values.size === 0) missing++;
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  let buckets = [...counts].map(([key, doc_count]) => ({ key, doc_count }))
    .sort((a, b) => b.doc_count - a.doc_count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  if (limit !== undefined) buckets = buckets.slice(0, limit);
  if (missing > 0) buckets.push({ key: '_missing', doc_count: missing });
  return { buckets };
}

export function search(store: GdcStore, endpoint: Endpoint, params: SearchParams, mapping: FieldMapping, options: SearchOptions): Raw {
  const all = store[endpoint];
  const filters = params.filters;
  const matching = filters ? all.filter((d) => matches(d, filters, mapping)) : all;
  const ordered = sorted(matching, params.sort);
  const page = ordered.slice(params.from, params.from + params.size);
  const per = Math.max(params.size, 1);
  const data: Raw = {
    hits: page.map((doc) => hitOf(doc, params)),
    pagination: {
      count: page.length,
      total: matching.length,
      size: params.size,
      from: params.from,
      sort: params.sort,
      page: Math.floor(params.from / per) + 1,
      pages: Math.ceil(matching.length / per),
    },
  };
  if (params.facets.length > 0) {
    data.aggregations = Object.fromEntries(params.facets.map((field) => {
      const own = filterForFacet(filters, field);
      const population = own === filters ? matching : own ? all.filter((d) => matches(d, own, mapping)) : all;
      return [field, facet(population, field, mapping.numeric.has(field), mapping.lowerCased.has(field), options.facetBucketLimit)];
    }));
  }
  return { data, warnings: warningsOf(params) };
}
