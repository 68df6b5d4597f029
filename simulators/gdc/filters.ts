/**
 * The GDC `filters` grammar (native-apis README §2c; gdc-docs Search_and_Retrieval "Filters"):
 * `{"op": "=|!=|<|<=|>|>=|is|not|in|exclude|excludeifany|and|or", "content": {"field", "value"}}`, with `and`/`or`
 * taking `content: [ … ]`. How the simulator evaluates it, where the documentation is silent, chosen to match an
 * Elasticsearch-backed server:
 * - a field is a dotted path through nested lists (`diagnoses.age_at_diagnosis`, `files.data_type`); a leaf
 *   condition holds when ANY value at the path satisfies it. Every leaf is evaluated on its own, so two conditions
 *   on `diagnoses.*` in one `and` may be satisfied by two different diagnoses of a case;
 * - `=` and `in` take a value or a list; string values match exactly and case-sensitively, except that `*` is a
 *   wildcard (any run of characters), as in GDC's query language, and that fields indexed lower-cased (fields.ts)
 *   match whatever the case; numbers compare as numbers; booleans match "true"/"false";
 * - `exclude` holds unless every value at the path matches, `excludeifany` unless any does (documented with the
 *   diagnoses of case 33165ed4-…: `exclude` keeps a case with one "metastasis" and one "primary" diagnosis,
 *   `excludeifany` drops it); `!=` is `excludeifany`; a field without any value satisfies all three;
 * - `<`, `<=`, `>`, `>=` take a number;
 * - `is` / `not` take "MISSING", element by element like the others (a nested query): `is` holds when some branch
 *   of the path has no value, `not` when some branch has one;
 * - an unknown operator, or a malformed operand, is a client error (HTTP 400);
 * - a field the mapping does not know is, by default, left out of the query (a leaf that holds), and named in the
 *   answer's `warnings.filters` ("unrecognized values: [...]", the wording GDC uses for unknown `fields` and
 *   `facets`); `unknownFilterFields: "reject"` answers HTTP 400 instead. Which of the two GDC does is not
 *   documented; a client must survive both.
 */
import type { Doc } from './documents';
import { ownField, type Endpoint, type FieldMapping } from './fields';

/** `ignored`: a leaf on a field the server does not know, left out of the query. */
export type Leaf = { op: LeafOp; field: string; value: unknown; ignored?: boolean };
export type Group = { op: 'and' | 'or'; content: Filter[] };
export type Filter = Leaf | Group;

type LeafOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'is' | 'not' | 'in' | 'exclude' | 'excludeifany';

const LEAF_OPS: readonly string[] = ['=', '!=', '<', '<=', '>', '>=', 'is', 'not', 'in', 'exclude', 'excludeifany'];

export class BadRequest extends Error {}

export interface FilterContext {
  endpoint: Endpoint;
  mapping: FieldMapping;
  unknownFields: 'warn' | 'reject';
  /** Filled with the unknown fields left out of the query. */
  ignored: Set<string>;
}

/** Parses and validates a filter for an endpoint; fields come back in the endpoint's own spelling. */
export function parseFilter(raw: unknown, context: FilterContext): Filter {
  const { endpoint, mapping } = context;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequest('filters must be an object with "op" and "content"');
  const { op, content } = raw as { op?: unknown; content?: unknown };
  if (typeof op !== 'string') throw new BadRequest('filter without "op"');
  const lower = op.toLowerCase();
  if (lower === 'and' || lower === 'or') {
    if (!Array.isArray(content)) throw new BadRequest(`"${op}" needs a list as content`);
    return { op: lower, content: content.map((child) => parseFilter(child, context)) };
  }
  if (!LEAF_OPS.includes(lower)) throw new BadRequest(`unknown filter operator "${op}"`);
  if (content === null || typeof content !== 'object' || Array.isArray(content)) throw new BadRequest(`"${op}" needs {"field", "value"} as content`);
  const { field, value } = content as { field?: unknown; value?: unknown };
  if (typeof field !== 'string') throw new BadRequest(`"${op}" without a field`);
  const own = ownField(endpoint, field);
  if (value === undefined) throw new BadRequest(`"${op}" on ${field} without a value`);
  if (!mapping.fields.has(own)) {
    if (context.unknownFields === 'reject') throw new BadRequest(`Unrecognized field: ${field}`);
    context.ignored.add(field);
    return { op: lower as LeafOp, field: own, value, ignored: true };
  }
  if (['<', '<=', '>', '>='].includes(lower) && toNumber(Array.isArray(value) && value.length === 1 ? value[0] : value) === null) {
    throw new BadRequest(`"${op}" on ${field} needs a number`);
  }
  if ((lower === 'is' || lower === 'not') && String(Array.isArray(value) ? value[0] : value).toUpperCase() !== 'MISSING') {
    throw new BadRequest(`"${op}" takes the value "MISSING"`);
  }
  return { op: lower as LeafOp, field: own, value };
}

/** The values at a dotted path, flattened through lists; nulls are left out. */
export function valuesAt(doc: Doc, path: string): Array<string | number | boolean> {
  let current: unknown[] = [doc];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      if (item === null || typeof item !== 'object') continue;
      const value = (item as Doc)[key];
      if (Array.isArray(value)) next.push(...value);
      else next.push(value);
    }
    current = next;
  }
  return current.filter((v): v is string | number | boolean => v !== null && v !== undefined && typeof v !== 'object');
}

/** Whether some branch of a dotted path (through nested lists) ends without a value. */
function missingAt(doc: Doc, path: string): boolean {
  let current: unknown[] = [doc];
  for (const key of path.split('.')) {
    const next: unknown[] = [];
    for (const item of current) {
      const value = (item as Doc)[key];
      if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) return true;
      for (const v of Array.isArray(value) ? value : [value]) {
        if (v === null || v === undefined) return true;
        next.push(v);
      }
    }
    current = next;
  }
  return false;
}

function toNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return null;
}

/** `*` is a wildcard; every other character stands for itself. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

function equals(actual: string | number | boolean, wanted: unknown, lowerCased: boolean): boolean {
  if (typeof actual === 'number') {
    const n = toNumber(wanted);
    return n !== null && n === actual;
  }
  if (typeof wanted === 'number' || typeof wanted === 'boolean') return String(actual) === String(wanted);
  if (typeof wanted !== 'string') return false;
  const [value, pattern] = lowerCased ? [String(actual).toLowerCase(), wanted.toLowerCase()] : [String(actual), wanted];
  return pattern.includes('*') ? wildcard(pattern).test(value) : value === pattern;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

const isGroup = (filter: Filter): filter is Group => filter.op === 'and' || filter.op === 'or';

const isIgnored = (filter: Filter): boolean => (isGroup(filter) ? filter.content.every(isIgnored) : Boolean(filter.ignored));

export function matches(doc: Doc, filter: Filter, mapping: FieldMapping): boolean {
  if (isGroup(filter)) {
    // Leaves left out of the query do not take part, as if they had not been sent.
    const active = filter.content.filter((child) => !isIgnored(child));
    if (active.length === 0) return true;
    return filter.op === 'and' ? active.every((child) => matches(doc, child, mapping)) : active.some((child) => matches(doc, child, mapping));
  }
  if (filter.ignored) return true;
  const values = valuesAt(doc, filter.field);
  const wanted = listOf(filter.value);
  const lowerCased = mapping.lowerCased.has(filter.field);
  const matchesOne = (v: string | number | boolean) => wanted.some((w) => equals(v, w, lowerCased));
  switch (filter.op) {
    case '=':
    case 'in':
      return values.some(matchesOne);
    case 'exclude':
      return !(values.length > 0 && values.every(matchesOne));
    case '!=':
    case 'excludeifany':
      return !values.some(matchesOne);
    case 'is':
      return missingAt(doc, filter.field);
    case 'not':
      return values.length > 0;
    default: {
      const bound = toNumber(wanted[0]) as number;
      return values.some((v) => {
        const n = toNumber(v);
        if (n === null) return false;
        return filter.op === '<' ? n < bound : filter.op === '<=' ? n <= bound : filter.op === '>' ? n > bound : n >= bound;
      });
    }
  }
}

/** The fields a filter names. */
function fieldsOf(filter: Filter): string[] {
  return isGroup(filter) ? filter.content.flatMap(fieldsOf) : [filter.field];
}

/**
 * The filter a facet on `field` is computed with: GDC documents that "the information provided by facets for a
 * given field will disregard any filters applied to that same field". The conditions that name only that field
 * are dropped from the top-level `and` (or the whole filter, when it is one such condition); conditions inside a
 * deeper `or` that mixes fields cannot be dropped without changing its meaning, so they stay.
 */
export function filterForFacet(filter: Filter | null, field: string): Filter | null {
  if (!filter) return null;
  const onlyThisField = (f: Filter) => fieldsOf(f).every((name) => name === field);
  if (onlyThisField(filter)) return null;
  if (filter.op !== 'and') return filter;
  return { op: 'and', content: filter.content.filter((child) => !onlyThisField(child)) };
}
