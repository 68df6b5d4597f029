/**
 * FHIR R4 search over the simulator's store (hl7.org/fhir/R4/search.html; parameter names, types and paths from
 * README §7.1 for ImagingStudy and from the R4 definitions for the other types).
 *
 * What it implements: token (`[system]|[code]`, `|code`, `system|`, `code`), reference (`Type/id`, `id`, absolute
 * URLs, the `:Type` modifier), date (prefixes eq, ne, gt, lt, ge, le, sa, eb over implicit ranges), uri and string
 * parameters; `,` as OR within a value and repeated parameters as AND; the escapes `\,` `\|` `\$` `\\`
 * (§3.1.1.x "Escaping Search Parameters"); the modifiers `:missing`, `:not` (token), `:exact` and `:contains`
 * (string); reverse chaining `_has:Type:reference:parameter` (nestable); `_include` / `_revinclude`, with `:iterate`.
 *
 * Choices where the specification leaves the server free, each what deployed servers do unless said otherwise:
 * - An unknown or unsupported parameter, modifier, chain or `_include` is ignored (R4 search.html, "Handling
 *   Errors": servers SHOULD ignore them) and left out of the self link, which carries the parameters the server
 *   used; under `Prefer: handling=strict` it is an error (HTTP 400 with an OperationOutcome). Which parameters a
 *   deployment does not support is a quirk of the server (server.ts `unsupported`: `_has`, `_revinclude`, ...).
 * - Token codes compare case-sensitively (DCM, SNOMED, LOINC and ICD codes are case-sensitive).
 * - A date without a time zone is read in UTC (the server's local time here); a dateTime with an offset is compared
 *   as the instant it names (`2016-01-01T00:30:00+02:00` is on 31 December 2015 for `onset-date`).
 * - A reference value in none of the reference forms (e.g. `ResearchStudy/a,b` after unescaping) names no resource
 *   and matches nothing, rather than failing the search.
 * - Forward chaining (`subject.gender`) is not supported (HTTP 400, not-supported).
 */
import type { FhirResource, FhirStore } from './resources';
import { RESOURCE_TYPES } from './resources';

export class SearchError extends Error {
  constructor(readonly status: number, readonly issueCode: string, message: string) {
    super(message);
  }
}

type ParamType = 'token' | 'reference' | 'date' | 'uri' | 'string';

interface Token { system?: string; code?: string }
interface DateRange { low: number; high: number }

interface ParamDefinition {
  type: ParamType;
  extract: (resource: FhirResource) => unknown[];
  /** Resource types a reference parameter points to. */
  targets?: readonly string[];
}

// --- reading stored JSON -------------------------------------------------------------------------------------

type Json = Record<string, unknown>;
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null ? [] : [value]);
const asObject = (value: unknown): Json | null => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : null);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function codings(concept: unknown): Token[] {
  const c = asObject(concept);
  if (!c) return [];
  if ('coding' in c) return asArray(c.coding).flatMap((x) => codingToken(x));
  return codingToken(c); // a bare Coding
}

function codingToken(value: unknown): Token[] {
  const c = asObject(value);
  if (!c) return [];
  const system = asString(c.system);
  const code = asString(c.code);
  return code === undefined ? [] : [{ system, code }];
}

function references(value: unknown): string[] {
  return asArray(value).flatMap((r) => {
    const reference = asString(asObject(r)?.reference);
    return reference ? [reference] : [];
  });
}

function dates(...values: unknown[]): DateRange[] {
  return values.flatMap((v) => {
    const period = asObject(v);
    if (period && ('start' in period || 'end' in period)) {
      const start = asString(period.start) ? parseFhirDate(period.start as string) : null;
      const end = asString(period.end) ? parseFhirDate(period.end as string) : null;
      if (!start && !end) return [];
      return [{ low: start?.low ?? -Infinity, high: end?.high ?? Infinity }];
    }
    const text = asString(v);
    const range = text ? parseFhirDate(text) : null;
    return range ? [range] : [];
  });
}

/** The implicit range of a FHIR date / dateTime / instant: [low, high) in epoch milliseconds; null when invalid. */
export function parseFhirDate(text: string): DateRange | null {
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, , zone] = m;
  const year = Number(y);
  const month = mo ? Number(mo) - 1 : 0;
  const day = d ? Number(d) : 1;
  if (month > 11 || day < 1 || day > 31) return null;
  let offset = 0;
  if (zone && zone !== 'Z') offset = (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  const low = Date.UTC(year, month, day, h ? Number(h) : 0, mi ? Number(mi) : 0, s ? Number(s) : 0) - offset;
  let high: number;
  if (!mo) high = Date.UTC(year + 1, 0, 1);
  else if (!d) high = Date.UTC(year, month + 1, 1);
  else if (!h) high = Date.UTC(year, month, day + 1);
  else if (!s) high = low + 60_000;
  else high = low + 1000;
  return { low, high };
}

// --- the parameters each resource type knows -----------------------------------------------------------------

const common: Record<string, ParamDefinition> = {
  _id: { type: 'token', extract: (r) => [{ code: r.id }] },
  _profile: { type: 'uri', extract: (r) => asArray(r.meta?.profile) },
};

const identifier = (r: FhirResource): Token[] => asArray(r.identifier).flatMap((i) => {
  const o = asObject(i);
  const value = asString(o?.value);
  return value === undefined ? [] : [{ system: asString(o?.system), code: value }];
});
const status = (r: FhirResource): Token[] => (asString(r.status) ? [{ code: r.status as string }] : []);
const patientOnly = (refs: string[]) => refs.filter((ref) => parseReference(ref)?.type === 'Patient');
const series = (r: FhirResource): Json[] => asArray(r.series).flatMap((s) => { const o = asObject(s); return o ? [o] : []; });

const PARAMETERS: Record<string, Record<string, ParamDefinition>> = {
  Patient: {
    identifier: { type: 'token', extract: identifier },
    gender: { type: 'token', extract: (r) => (asString(r.gender) ? [{ system: 'http://hl7.org/fhir/administrative-gender', code: r.gender }] : []) },
    birthdate: { type: 'date', extract: (r) => dates(r.birthDate) },
  },
  ResearchStudy: {
    identifier: { type: 'token', extract: identifier },
    status: { type: 'token', extract: status },
    title: { type: 'string', extract: (r) => asArray(r.title) },
  },
  ResearchSubject: {
    study: { type: 'reference', targets: ['ResearchStudy'], extract: (r) => references(r.study) },
    individual: { type: 'reference', targets: ['Patient'], extract: (r) => references(r.individual) },
    patient: { type: 'reference', targets: ['Patient'], extract: (r) => references(r.individual) },
    status: { type: 'token', extract: status },
  },
  Condition: {
    subject: { type: 'reference', targets: ['Patient', 'Group'], extract: (r) => references(r.subject) },
    patient: { type: 'reference', targets: ['Patient'], extract: (r) => patientOnly(references(r.subject)) },
    code: { type: 'token', extract: (r) => codings(r.code) },
    'body-site': { type: 'token', extract: (r) => asArray(r.bodySite).flatMap(codings) },
    'onset-date': { type: 'date', extract: (r) => dates(r.onsetDateTime, r.onsetPeriod) },
    'clinical-status': { type: 'token', extract: (r) => codings(r.clinicalStatus) },
  },
  Observation: {
    subject: { type: 'reference', targets: ['Patient', 'Group', 'Device', 'Location'], extract: (r) => references(r.subject) },
    patient: { type: 'reference', targets: ['Patient'], extract: (r) => patientOnly(references(r.subject)) },
    code: { type: 'token', extract: (r) => codings(r.code) },
    focus: { type: 'reference', targets: ['Condition'], extract: (r) => references(r.focus) },
    'has-member': { type: 'reference', targets: ['Observation'], extract: (r) => references(r.hasMember) },
    date: { type: 'date', extract: (r) => dates(r.effectiveDateTime, r.effectivePeriod) },
    status: { type: 'token', extract: status },
  },
  ImagingStudy: {
    subject: { type: 'reference', targets: ['Patient', 'Device', 'Group'], extract: (r) => references(r.subject) },
    patient: { type: 'reference', targets: ['Patient'], extract: (r) => patientOnly(references(r.subject)) },
    identifier: { type: 'token', extract: identifier },
    status: { type: 'token', extract: status },
    modality: { type: 'token', extract: (r) => series(r).flatMap((s) => codings(s.modality)) },
    bodysite: { type: 'token', extract: (r) => series(r).flatMap((s) => codings(s.bodySite)) },
    series: { type: 'token', extract: (r) => series(r).flatMap((s) => (asString(s.uid) ? [{ code: s.uid }] : [])) },
    started: { type: 'date', extract: (r) => dates(r.started) },
    endpoint: { type: 'reference', targets: ['Endpoint'], extract: (r) => [...references(r.endpoint), ...series(r).flatMap((s) => references(s.endpoint))] },
    performer: { type: 'reference', targets: ['Practitioner', 'PractitionerRole', 'Organization', 'Device', 'Patient', 'RelatedPerson'], extract: (r) => series(r).flatMap((s) => asArray(s.performer).flatMap((p) => references(asObject(p)?.actor))) },
  },
  Endpoint: {
    'connection-type': { type: 'token', extract: (r) => codings(r.connectionType) },
    status: { type: 'token', extract: status },
  },
};

export function parameterOf(type: string, name: string): ParamDefinition | undefined {
  return common[name] ?? PARAMETERS[type]?.[name];
}

export function knownParameters(type: string): string[] {
  return [...Object.keys(common), ...Object.keys(PARAMETERS[type] ?? {})];
}

/** The search type of a parameter ("token", "reference", ...), for the CapabilityStatement. */
export function parameterType(type: string, name: string): ParamType | undefined {
  return parameterOf(type, name)?.type;
}

/** Every reference parameter: its resource type, name and target types (what `_include`/`_revinclude` can follow). */
export function referenceParameters(): Array<{ source: string; name: string; targets: readonly string[] }> {
  return Object.entries(PARAMETERS).flatMap(([source, params]) => Object.entries(params)
    .filter(([, definition]) => definition.type === 'reference')
    .map(([name, definition]) => ({ source, name, targets: definition.targets ?? [] })));
}

// --- values: escaping, splitting --------------------------------------------------------------------------------

/** Splits on `separator` where it is not escaped by a backslash; escapes are kept (unescape each part after). */
export function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[i + 1];
      i++;
    } else if (ch === separator) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** Removes the search escapes `\,` `\|` `\$` `\\`; another backslash is kept as a character. */
export function unescapeValue(text: string): string {
  return text.replace(/\\([\\,|$])/g, '$1');
}

/** Parses `Type/id`, `id`, `[base]/Type/id[/_history/v]`. */
export function parseReference(reference: string): { type?: string; id: string } | null {
  const absolute = /^(?:https?:\/\/[^?#]*\/)?([A-Z][A-Za-z]+)\/([^/?#]+)(?:\/_history\/[^/?#]+)?$/.exec(reference);
  if (absolute) return { type: absolute[1], id: absolute[2] };
  if (reference !== '' && !reference.includes('/') && !reference.startsWith('#')) return { id: reference };
  return null;
}

// --- criteria ---------------------------------------------------------------------------------------------------

type Predicate = (resource: FhirResource) => boolean;

export interface SearchContext {
  store: FhirStore;
  /** Whether unknown or unsupported parameters are refused (Prefer: handling=strict) rather than ignored. */
  strict: boolean;
  /** Whether this deployment leaves a parameter of a type unimplemented (`_has`, `modality`, `_revinclude`...). */
  unsupported: (type: string, name: string) => boolean;
  /** What the search ignored, for messages. */
  ignored: string[];
}

const unknown = (context: SearchContext, message: string): null => {
  if (context.strict) throw new SearchError(400, 'processing', message);
  context.ignored.push(message);
  return null;
};

/**
 * The predicate of one search parameter (`name=value`) on resources of `type`; null when a lenient search ignores it.
 * Names are as sent: `code`, `code:not`, `_has:Condition:subject:onset-date`, `subject:Patient`.
 */
export function criterion(type: string, name: string, value: string, context: SearchContext): Predicate | null {
  if (name.startsWith('_has:')) {
    if (context.unsupported(type, '_has')) return unknown(context, `reverse chaining (_has) is not supported by this server`);
    return reverseChain(type, name, value, context);
  }
  if (name.includes('.')) return unknown(context, `chained search parameter "${name}" is not supported by this server`);
  const [paramName, modifier, ...rest] = name.split(':');
  if (rest.length > 0) return unknown(context, `invalid search parameter "${name}"`);
  const definition = context.unsupported(type, paramName) ? undefined : parameterOf(type, paramName);
  if (!definition) {
    return unknown(context, `Unknown search parameter "${paramName}" for resource type "${type}". Valid search parameters for this search are: [${knownParameters(type).sort().join(', ')}]`);
  }
  if (modifier === 'missing') {
    if (value !== 'true' && value !== 'false') throw new SearchError(400, 'invalid', `:missing takes true or false, not "${value}"`);
    const missing = value === 'true';
    return (r) => (definition.extract(r).length === 0) === missing;
  }
  const alternatives = splitUnescaped(value, ',');
  switch (definition.type) {
    case 'token': {
      if (modifier !== undefined && modifier !== 'not') return unknown(context, `modifier ":${modifier}" is not supported for token parameter "${paramName}"`);
      const tokens = alternatives.map(parseToken);
      const matches: Predicate = (r) => definition.extract(r).some((t) => tokens.some((s) => tokenMatches(t as Token, s)));
      return modifier === 'not' ? (r) => !matches(r) : matches;
    }
    case 'reference': {
      let targetType: string | undefined;
      if (modifier !== undefined) {
        if (!(definition.targets ?? []).includes(modifier)) return unknown(context, `modifier ":${modifier}" is not supported for reference parameter "${paramName}"`);
        targetType = modifier;
      }
      // A value that is no reference form (`Type/id`, `id`, URL) names no resource: it matches nothing.
      const wanted = alternatives.flatMap((a) => {
        const parsed = parseReference(unescapeValue(a));
        return parsed ? [{ type: parsed.type ?? targetType, id: parsed.id }] : [];
      });
      return (r) => definition.extract(r).some((ref) => {
        const target = parseReference(ref as string);
        return target !== null && wanted.some((w) => w.id === target.id && (w.type === undefined || w.type === target.type));
      });
    }
    case 'date': {
      if (modifier !== undefined) return unknown(context, `modifier ":${modifier}" is not supported for date parameter "${paramName}"`);
      const searches = alternatives.map((a) => parseDateSearch(paramName, a));
      return (r) => definition.extract(r).some((t) => searches.some((s) => dateMatches(t as DateRange, s)));
    }
    case 'uri': {
      if (modifier !== undefined) return unknown(context, `modifier ":${modifier}" is not supported for uri parameter "${paramName}"`);
      const uris = alternatives.map(unescapeValue);
      // A canonical without a version matches every version of it (`url|3.0.0`).
      return (r) => definition.extract(r).some((t) => typeof t === 'string' && uris.some((u) => t === u || t.startsWith(`${u}|`)));
    }
    case 'string': {
      if (modifier !== undefined && modifier !== 'exact' && modifier !== 'contains') return unknown(context, `modifier ":${modifier}" is not supported for string parameter "${paramName}"`);
      const wanted = alternatives.map(unescapeValue);
      const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
      return (r) => definition.extract(r).some((t) => typeof t === 'string' && wanted.some((w) => (
        modifier === 'exact' ? t === w : modifier === 'contains' ? fold(t).includes(fold(w)) : fold(t).startsWith(fold(w)))));
    }
  }
}

function parseToken(text: string): Token {
  const parts = splitUnescaped(text, '|');
  if (parts.length > 2) throw new SearchError(400, 'invalid', 'a token value has at most one unescaped "|"');
  if (parts.length === 1) return { code: unescapeValue(parts[0]) };
  const [system, code] = parts.map(unescapeValue);
  // `|code`: no system; `system|`: any code of the system.
  return { system, code: code === '' ? undefined : code };
}

function tokenMatches(target: Token, search: Token): boolean {
  if (search.system !== undefined) {
    if (search.system === '' ? target.system !== undefined : target.system !== search.system) return false;
  }
  return search.code === undefined || target.code === search.code;
}

interface DateSearch { prefix: string; range: DateRange }

function parseDateSearch(name: string, text: string): DateSearch {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb)?(.*)$/.exec(text);
  const range = m ? parseFhirDate(m[2]) : null;
  if (!m || !range) throw new SearchError(400, 'invalid', `invalid date "${text}" for parameter "${name}"`);
  return { prefix: m[1] ?? 'eq', range };
}

/** R4 §3.1.1.4.3 date prefixes over implicit ranges. */
function dateMatches(target: DateRange, search: DateSearch): boolean {
  const { low: sl, high: sh } = search.range;
  const { low: tl, high: th } = target;
  const contained = sl <= tl && th <= sh;
  switch (search.prefix) {
    case 'eq': return contained;
    case 'ne': return !contained;
    case 'gt': return th > sh;
    case 'lt': return tl < sl;
    case 'ge': return th > sh || contained;
    case 'le': return tl < sl || contained;
    case 'sa': return tl >= sh;
    case 'eb': return th <= sl;
    default: return false;
  }
}

function reverseChain(type: string, name: string, value: string, context: SearchContext): Predicate | null {
  const parts = name.split(':');
  const [, sourceType, referenceParam] = parts;
  const inner = parts.slice(3).join(':');
  if (!sourceType || !referenceParam || !inner) throw new SearchError(400, 'invalid', `invalid _has parameter "${name}": expected _has:Type:reference:parameter`);
  if (!(RESOURCE_TYPES as readonly string[]).includes(sourceType)) return unknown(context, `_has names unknown resource type "${sourceType}"`);
  const reference = parameterOf(sourceType, referenceParam);
  if (!reference || reference.type !== 'reference') return unknown(context, `_has: "${referenceParam}" is not a reference parameter of ${sourceType}`);
  const predicate = criterion(sourceType, inner, value, context);
  if (!predicate) return null;
  const referenced = new Set<string>();
  for (const source of context.store.byType.get(sourceType) ?? []) {
    if (!predicate(source)) continue;
    for (const ref of reference.extract(source)) {
      const target = parseReference(ref as string);
      if (target?.type) referenced.add(`${target.type}/${target.id}`);
    }
  }
  return (r) => r.resourceType === type && referenced.has(`${type}/${r.id}`);
}

// --- includes ---------------------------------------------------------------------------------------------------

export interface IncludeSpec {
  reverse: boolean;
  iterate: boolean;
  sourceType: string;
  param: string;
  targetType?: string;
}

export function parseInclude(name: string, value: string, searchType: string, context: SearchContext): IncludeSpec | null {
  const [base, modifier] = name.split(':');
  if (context.unsupported(searchType, base)) return unknown(context, `${base} is not supported by this server`);
  if (modifier !== undefined && modifier !== 'iterate' && modifier !== 'recurse') return unknown(context, `modifier ":${modifier}" is not supported for ${base}`);
  const [sourceType, param, targetType] = value.split(':');
  const reverse = base === '_revinclude';
  if (!sourceType || !param) return unknown(context, `invalid ${base} value "${value}": expected Type:parameter`);
  const definition = parameterOf(sourceType, param);
  if (!definition || definition.type !== 'reference') return unknown(context, `${base}: "${param}" is not a reference parameter of ${sourceType}`);
  if (!reverse && modifier === undefined && sourceType !== searchType) return unknown(context, `_include=${value} does not apply to ${searchType} (use _include:iterate)`);
  return { reverse, iterate: modifier !== undefined, sourceType, param, targetType };
}

/**
 * The resources of `sourceType` that reference each target (`Type/id`) through `param`: built once per store and
 * parameter, as a real server keeps its references indexed (HAPI's resource-link table) instead of scanning every
 * resource of the type for each page's `_revinclude`. The store never changes once built.
 */
const referenceIndexes = new WeakMap<FhirStore, Map<string, Map<string, FhirResource[]>>>();

function referenceIndex(store: FhirStore, sourceType: string, param: string): Map<string, FhirResource[]> {
  let perStore = referenceIndexes.get(store);
  if (!perStore) referenceIndexes.set(store, (perStore = new Map()));
  const name = `${sourceType}:${param}`;
  let index = perStore.get(name);
  if (!index) {
    index = new Map();
    const definition = parameterOf(sourceType, param)!;
    for (const source of store.byType.get(sourceType) ?? []) {
      for (const ref of definition.extract(source)) {
        const target = parseReference(ref as string);
        if (!target?.type) continue;
        const key = `${target.type}/${target.id}`;
        const list = index.get(key);
        if (!list) index.set(key, [source]);
        else if (list[list.length - 1] !== source) list.push(source);
      }
    }
    perStore.set(name, index);
  }
  return index;
}

/** The resources the include specs add to a page of matches (iterating specs also run over what was added). */
export function includedResources(matches: readonly FhirResource[], specs: readonly IncludeSpec[], store: FhirStore): FhirResource[] {
  const key = (r: FhirResource) => `${r.resourceType}/${r.id}`;
  const seen = new Set(matches.map(key));
  const included: FhirResource[] = [];
  const apply = (from: readonly FhirResource[], spec: IncludeSpec): FhirResource[] => {
    const added: FhirResource[] = [];
    const add = (r: FhirResource | undefined) => {
      if (r && !seen.has(key(r))) {
        seen.add(key(r));
        added.push(r);
      }
    };
    const definition = parameterOf(spec.sourceType, spec.param)!;
    if (!spec.reverse) {
      for (const source of from) {
        if (source.resourceType !== spec.sourceType) continue;
        for (const ref of definition.extract(source)) {
          const target = parseReference(ref as string);
          if (target?.type && (!spec.targetType || spec.targetType === target.type)) add(store.byId.get(`${target.type}/${target.id}`));
        }
      }
    } else {
      const index = referenceIndex(store, spec.sourceType, spec.param);
      for (const target of from) for (const source of index.get(key(target)) ?? []) add(source);
    }
    return added;
  };
  let frontier: FhirResource[] = [];
  for (const spec of specs) frontier.push(...apply(matches, spec));
  included.push(...frontier);
  // `:iterate` specs also run over what the includes added, until nothing new comes (bounded: the data is finite).
  const iterating = specs.filter((s) => s.iterate);
  while (frontier.length > 0 && iterating.length > 0) {
    const next: FhirResource[] = [];
    for (const spec of iterating) next.push(...apply(frontier, spec));
    included.push(...next);
    frontier = next;
  }
  return included;
}
