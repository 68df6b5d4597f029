/**
 * Lens's query AST (nested AND / OR groups over EQUALS / IN / BETWEEN leaves, as `getAst()` of `@samply/lens`
 * gives it and EUCAIM's explorer sends it) to CaseFilters.
 *
 * A query that one CaseFilter can state becomes one filter group. Otherwise it becomes a union of groups: the
 * query in disjunctive normal form, each conjunction one CaseFilter (with the countries it is limited to). What
 * cannot be stated (NOT, XOR, "MR AND CT" of one case, an unknown key or value) is refused with an error naming
 * the part of the query, never dropped: a criterion dropped silently would make every count wrong without saying so.
 */
import type { CaseFilter, IntRange } from '../../../schema/generated/graphql';
import { criterionOfKey, RANGE_CRITERIA, SERIES_CRITERIA, valueOf, type CriterionName } from './catalogue-keys';

/** Lens's `AstBottomLayerValue` / `AstTopLayer` (node_modules/@samply/lens/dist/lens.d.ts), as received: unchecked. */
export interface LensAstLeaf {
  key: string;
  type: string;
  system?: string;
  value: unknown;
}
export interface LensAstGroup {
  key?: string;
  operand: string;
  children: unknown[];
}

/** One CaseFilter, asked of the repositories in `countries` (all when absent). */
export interface FilterGroup {
  where: CaseFilter;
  countries?: string[];
}

export interface TranslatedQuery {
  /** The query is the union of these; one group is a plain CaseFilter. Never empty. */
  groups: FilterGroup[];
  /** Values asked more broadly than the query says (counts are then upper bounds), each with why. */
  broadened: string[];
}

/** A part of the query that cannot be translated; `part` names it (a path into the AST and what it holds). */
export class LensQueryError extends Error {
  constructor(readonly part: string, readonly reason: string) {
    super(`cannot translate ${part}: ${reason}`);
    this.name = 'LensQueryError';
  }
}

/** More alternatives than this and the query is refused: each is one question per repository. */
export const MAX_FILTER_GROUPS = 16;

/** A leaf, translated: a set of values (OR) or a range, for one criterion. */
interface Condition {
  criterion: CriterionName;
  values?: string[];
  range?: IntRange;
  part: string;
}

type Conjunction = Condition[];

export function translateLensAst(ast: unknown): TranslatedQuery {
  const broadened = new Set<string>();
  const alternatives = dnf(ast, 'ast', broadened);
  const groups: FilterGroup[] = [];
  const seen = new Set<string>();
  for (const conjunction of alternatives) {
    const group = groupOf(conjunction);
    const key = JSON.stringify(group);
    if (seen.has(key)) continue;
    seen.add(key);
    groups.push(group);
  }
  // An empty search (Lens sends an OR without children when the search bar is empty) asks for every case.
  if (groups.length === 0) groups.push({ where: {} });
  return { groups, broadened: [...broadened] };
}

function describe(node: unknown): string {
  const text = JSON.stringify(node);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function isGroup(node: unknown): node is LensAstGroup {
  return typeof node === 'object' && node !== null && 'operand' in node;
}

/** The query as a list of alternatives (OR), each a list of conditions (AND). */
function dnf(node: unknown, path: string, broadened: Set<string>): Conjunction[] {
  if (!isGroup(node)) return [[condition(node, path, broadened)]];
  if (!Array.isArray(node.children)) throw new LensQueryError(`${path} (${describe(node)})`, 'a group needs a "children" list');
  const children = node.children;
  switch (node.operand) {
    case 'AND': {
      // AND of alternatives: every combination of one alternative per child.
      let product: Conjunction[] = [[]];
      children.forEach((child, i) => {
        const alternatives = dnf(child, `${path}.children[${i}]`, broadened);
        const next: Conjunction[] = [];
        for (const left of product) for (const right of alternatives) next.push([...left, ...right]);
        if (next.length > MAX_FILTER_GROUPS) throw tooMany(path);
        product = next;
      });
      return product;
    }
    case 'OR': {
      if (children.length === 0) return [];
      // Values of one criterion ORed together are one CaseFilter list: no union needed.
      const merged = mergeValueAlternatives(children, path, broadened);
      if (merged) return [[merged]];
      const union = children.flatMap((child, i) => dnf(child, `${path}.children[${i}]`, broadened));
      if (union.length > MAX_FILTER_GROUPS) throw tooMany(path);
      return union;
    }
    default:
      throw new LensQueryError(`${path} (operand ${JSON.stringify(node.operand)})`,
        node.operand === 'NOT' || node.operand === 'XOR'
          ? `CaseFilter has no ${node.operand}: criteria can only be combined with AND and OR`
          : 'the operand must be AND or OR');
  }
}

function tooMany(path: string): LensQueryError {
  return new LensQueryError(path, `the query expands into more than ${MAX_FILTER_GROUPS} alternatives (OR of ANDs); ask fewer combinations at once`);
}

/** An OR whose children are all leaves of one value criterion, as one condition with every value; else null. */
function mergeValueAlternatives(children: unknown[], path: string, broadened: Set<string>): Condition | null {
  if (children.some(isGroup)) return null;
  const conditions = children.map((child, i) => condition(child, `${path}.children[${i}]`, broadened));
  const criterion = conditions[0].criterion;
  if (conditions.some((c) => c.criterion !== criterion || !c.values)) return null;
  return { criterion, values: [...new Set(conditions.flatMap((c) => c.values!))], part: path };
}

function condition(node: unknown, path: string, broadened: Set<string>): Condition {
  if (typeof node !== 'object' || node === null || typeof (node as LensAstLeaf).key !== 'string' || typeof (node as LensAstLeaf).type !== 'string') {
    throw new LensQueryError(`${path} (${describe(node)})`, 'a condition needs a "key", a "type" and a "value"');
  }
  const leaf = node as LensAstLeaf;
  const part = `${path} (key ${JSON.stringify(leaf.key)}, ${leaf.type} ${describe(leaf.value)})`;
  const lookup = criterionOfKey(leaf.key);
  if ('refused' in lookup) throw new LensQueryError(part, lookup.refused);
  const { criterion } = lookup;
  if (RANGE_CRITERIA.includes(criterion)) return { criterion, range: rangeOf(leaf, part), part };
  let raws: unknown[];
  if (leaf.type === 'EQUALS') raws = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  else if (leaf.type === 'IN') raws = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
  else throw new LensQueryError(part, `${criterion} takes EQUALS or IN, not ${leaf.type}`);
  if (raws.length === 0) throw new LensQueryError(part, 'no value given');
  const values = raws.map((raw) => {
    if (typeof raw !== 'string') throw new LensQueryError(part, `${criterion} values are strings, got ${describe(raw)}`);
    const found = valueOf(criterion as Exclude<CriterionName, 'ageAtDiagnosis' | 'yearOfDiagnosis'>, raw);
    if ('refused' in found) throw new LensQueryError(`${part}, value ${JSON.stringify(raw)}`, found.refused);
    if (found.broadened) broadened.add(found.broadened);
    return found.value;
  });
  return { criterion, values: [...new Set(values)], part };
}

function rangeOf(leaf: LensAstLeaf, part: string): IntRange {
  const bound = (value: unknown, name: string): number | undefined => {
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) throw new LensQueryError(part, `${name} must be a whole number of years, got ${describe(value)}`);
    return number;
  };
  if (leaf.type === 'EQUALS') {
    const year = bound(leaf.value, 'the value');
    if (year === undefined) throw new LensQueryError(part, 'no value given');
    return { min: year, max: year };
  }
  if (leaf.type !== 'BETWEEN') throw new LensQueryError(part, `a range criterion takes BETWEEN or EQUALS, not ${leaf.type}`);
  if (typeof leaf.value !== 'object' || leaf.value === null) throw new LensQueryError(part, 'BETWEEN needs {"min", "max"}');
  const { min, max } = leaf.value as { min?: unknown; max?: unknown };
  const range: IntRange = {};
  const low = bound(min, 'min');
  const high = bound(max, 'max');
  if (low !== undefined) range.min = low;
  if (high !== undefined) range.max = high;
  if (low !== undefined && high !== undefined && low > high) throw new LensQueryError(part, `min ${low} is above max ${high}: no case can match`);
  return range;
}

/** One conjunction as a filter group: conditions on one criterion are intersected where the criterion allows. */
function groupOf(conjunction: Conjunction): FilterGroup {
  const where: CaseFilter = {};
  let countries: string[] | undefined;
  const byCriterion = new Map<CriterionName, Condition[]>();
  for (const c of conjunction) byCriterion.set(c.criterion, [...(byCriterion.get(c.criterion) ?? []), c]);
  for (const [criterion, conditions] of byCriterion) {
    if (RANGE_CRITERIA.includes(criterion)) {
      const range = conditions.reduce<IntRange>((acc, c) => ({
        min: Math.max(acc.min ?? -Infinity, c.range!.min ?? -Infinity),
        max: Math.min(acc.max ?? Infinity, c.range!.max ?? Infinity),
      }), {});
      const finite: { min?: number; max?: number } = {};
      if (Number.isFinite(range.min)) finite.min = range.min!;
      if (Number.isFinite(range.max)) finite.max = range.max!;
      if (finite.min !== undefined && finite.max !== undefined && finite.min > finite.max) {
        throw new LensQueryError(conditions.map((c) => c.part).join(' AND '), `${criterion} ranges do not overlap: no case can match`);
      }
      (where as Record<string, unknown>)[criterion] = finite;
      continue;
    }
    if (conditions.length > 1 && SERIES_CRITERIA.includes(criterion)) {
      throw new LensQueryError(conditions.map((c) => c.part).join(' AND '),
        `${criterion} is evaluated on one series, so two ${criterion} conditions joined by AND (a case with both) cannot be one CaseFilter; put the values in one condition (OR) or ask them one after the other`);
    }
    const values = conditions.slice(1).reduce((acc, c) => acc.filter((v) => c.values!.includes(v)), conditions[0].values!);
    if (values.length === 0) {
      throw new LensQueryError(conditions.map((c) => c.part).join(' AND '), `a case has one ${criterion === 'country' ? 'country' : criterion}: these conditions share no value, so no case can match`);
    }
    if (criterion === 'country') countries = [...values].sort();
    else (where as Record<string, unknown>)[criterion] = [...values].sort();
  }
  return countries ? { where, countries } : { where };
}
