/**
 * The synthetic cases as Beacon v2 individuals (default model `individuals/defaultSchema.json`) and the evaluation
 * of a request's filters over them (framework `requests/filteringTerms.json`: filters are ANDed; an ontology filter
 * matches the term or, with `includeDescendantTerms` (default true), any descendant; alphanumeric filters compare with
 * = < > ! >= <=).
 */
import type { Sex } from '../../schema/generated/graphql';
import type { SyntheticCase, SyntheticRepositoryData } from '../synthetic/model';
import { toUnifiedCases } from '../synthetic/unified';
import {
  bodyPartTermId, DISEASE_TERMS, diseaseTermOf, LEGACY_SEX_TERM, modalityTermId, SEX_TERM, withAncestors,
  type ListedTerm, type OntologyTermRecord,
} from './vocabulary';

export interface BeaconIndividual {
  id: string;
  dataset: string;
  sex: OntologyTermRecord;
  diseaseTerm: string;
  /** The disease term and its ancestors. */
  diseaseClosure: ReadonlySet<string>;
  ageYears: number;
  year: number;
  /** `DCM:` and `bodyPart:` term ids of the individual's series. */
  imagingTerms: ReadonlySet<string>;
  /** The record as `/individuals` returns it at record granularity. */
  record: Record<string, unknown>;
}

/** ISO 8601 duration of an age in years: whole years as "P58Y", fractions as years, months and days. */
export function isoAge(years: number): string {
  const whole = Math.floor(years);
  const months = Math.floor((years - whole) * 12);
  const days = Math.round(((years - whole) * 12 - months) * 30.44);
  return `P${whole}Y${months ? `${months}M` : ''}${days ? `${days}D` : ''}`;
}

/** Years in an ISO 8601 duration ("P70Y", "P32Y6M1D", "P2M4D", "P3W"); null when it is not one. */
export function durationYears(value: string): number | null {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$/.exec(value.trim());
  if (!match || match.slice(1).every((part) => part === undefined)) return null;
  const [, y, m, w, d] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return y + m / 12 + (w * 7 + d) / 365.25;
}

export function buildIndividuals(data: SyntheticRepositoryData, legacySexTerms: boolean): BeaconIndividual[] {
  const unified = new Map(toUnifiedCases(data).map((c) => [c.subjectId, c]));
  return data.cases.map((c) => {
    const u = unified.get(c.subjectId);
    const sexValue: Sex = u?.sex ?? 'UNKNOWN';
    const sex = (legacySexTerms ? LEGACY_SEX_TERM[sexValue] : undefined) ?? SEX_TERM[sexValue];
    const diseaseTerm = diseaseTermOf(c.diagnosis.icdO3Topography, c.diagnosis.icdO3Morphology);
    const imagingTerms = new Set<string>();
    for (const study of u?.studies ?? []) {
      for (const series of study.series) {
        if (series.modality) imagingTerms.add(modalityTermId(series.modality));
        if (series.bodyPart !== 'OTHER' && series.bodyPart !== 'UNKNOWN') imagingTerms.add(bodyPartTermId(series.bodyPart));
      }
    }
    return {
      id: c.subjectId,
      dataset: c.collectionId,
      sex,
      diseaseTerm,
      diseaseClosure: new Set(withAncestors(diseaseTerm)),
      ageYears: c.ageAtDiagnosis,
      year: c.diagnosis.year,
      imagingTerms,
      record: individualRecord(c, sex, diseaseTerm),
    };
  }).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function individualRecord(c: SyntheticCase, sex: OntologyTermRecord, diseaseTerm: string): Record<string, unknown> {
  const disease: Record<string, unknown> = {
    diseaseCode: { id: diseaseTerm, label: DISEASE_TERMS[diseaseTerm]?.label ?? diseaseTerm },
    ageOfOnset: { age: { iso8601duration: isoAge(c.ageAtDiagnosis) } },
  };
  if (c.diagnosis.stage) disease.stage = { id: `AJCC:${c.diagnosis.stage.group}`, label: `Stage ${c.diagnosis.stage.group}` };
  return {
    id: c.subjectId,
    sex: { id: sex.id, label: sex.label },
    diseases: [disease],
    // Beacon v2 has no year of diagnosis; implementations keep such extras under `info`.
    info: { yearOfDiagnosis: c.diagnosis.year, icdO3: { topography: c.diagnosis.icdO3Topography, morphology: c.diagnosis.icdO3Morphology } },
  };
}

/** A request filter as read from the body (objects) or a GET `filters` list (ids). */
export interface RequestFilter {
  id: string;
  operator?: string;
  value?: string;
  includeDescendantTerms: boolean;
}

export class FilterError extends Error {}

const OPERATORS = ['=', '<', '>', '!', '>=', '<='];

function compare(actual: number, operator: string, expected: number): boolean {
  switch (operator) {
    case '=': return actual === expected;
    case '!': return actual !== expected;
    case '<': return actual < expected;
    case '>': return actual > expected;
    case '<=': return actual <= expected;
    case '>=': return actual >= expected;
    default: return false;
  }
}

export interface EvaluationContext {
  /** Listed terms by id. */
  terms: ReadonlyMap<string, ListedTerm>;
  ageTerm: string | null;
  yearOfDiagnosisTerm: string | null;
  unknownFilters: 'ignore' | 'reject';
}

/**
 * A predicate for a list of filters (ANDed). Unknown filters are dropped when the beacon ignores them (the quirk:
 * an over-count with HTTP 200), or rejected with a FilterError.
 */
export function predicateOf(filters: readonly RequestFilter[], context: EvaluationContext): (individual: BeaconIndividual) => boolean {
  const tests: Array<(i: BeaconIndividual) => boolean> = [];
  for (const filter of filters) {
    const term = context.terms.get(filter.id);
    if (!term) {
      if (context.unknownFilters === 'reject') throw new FilterError(`unknown filter ${filter.id}`);
      continue;
    }
    if (term.kind === 'alphanumeric') {
      const operator = filter.operator ?? '=';
      if (!OPERATORS.includes(operator)) throw new FilterError(`unknown operator ${operator}`);
      if (filter.value === undefined) throw new FilterError(`filter ${filter.id} needs a value`);
      if (filter.id === context.ageTerm) {
        const years = durationYears(filter.value);
        if (years === null) throw new FilterError(`filter ${filter.id} value is not an ISO 8601 duration`);
        tests.push((i) => compare(i.ageYears, operator, years));
      } else if (filter.id === context.yearOfDiagnosisTerm) {
        const year = Number(filter.value);
        if (!Number.isFinite(year)) throw new FilterError(`filter ${filter.id} value is not a number`);
        tests.push((i) => compare(i.year, operator, year));
      }
      continue;
    }
    const id = filter.id;
    if (DISEASE_TERMS[id]) {
      tests.push(filter.includeDescendantTerms ? (i) => i.diseaseClosure.has(id) : (i) => i.diseaseTerm === id);
    } else if (id.startsWith('DCM:') || id.startsWith('bodyPart:')) {
      tests.push((i) => i.imagingTerms.has(id));
    } else {
      tests.push((i) => i.sex.id === id);
    }
  }
  return (individual) => tests.every((test) => test(individual));
}

/** Reads `query.filters` of a POST body: ontology/custom filters `{id}`, alphanumeric `{id, operator, value}`, or bare ids. */
export function readFilters(value: unknown): RequestFilter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FilterError('query.filters is not an array');
  return value.map((item, index) => {
    if (typeof item === 'string') return { id: item, includeDescendantTerms: true };
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw new FilterError(`query.filters[${index}] has no id`);
    }
    const f = item as { id: string; operator?: unknown; value?: unknown; includeDescendantTerms?: unknown };
    return {
      id: f.id,
      operator: typeof f.operator === 'string' ? f.operator : undefined,
      value: typeof f.value === 'string' || typeof f.value === 'number' ? String(f.value) : undefined,
      includeDescendantTerms: f.includeDescendantTerms !== false,
    };
  });
}
