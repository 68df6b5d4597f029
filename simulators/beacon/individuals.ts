/**
 * The synthetic cases as Beacon v2 individuals (default model `individuals/defaultSchema.json`), coded by this
 * beacon's own ETL (vocabulary.ts) from the raw values, and the evaluation of a request's filters over them
 * (framework `requests/filteringTerms.json`: filters are ANDed; an ontology filter matches the term or, with
 * `includeDescendantTerms` (default true), any descendant; alphanumeric filters compare with = < > ! >= <=).
 */
import type { SyntheticCase, SyntheticRepositoryData } from '../synthetic/model';
import {
  DISEASE_TERMS, diseaseTermOf, imagingTermsOf, rawSex, sexTermOf, sexTermsOf, spelled, withAncestors,
  type ImagingVocabulary, type ListedTerm, type OntologyTermRecord, type SexCoding, type TermSpelling,
} from './vocabulary';

export interface BeaconIndividual {
  id: string;
  dataset: string;
  sex: OntologyTermRecord;
  /** Every sex term of the beacon standing for this individual's sex (for a beacon that expands synonyms). */
  sexSynonyms: ReadonlySet<string>;
  diseaseTerm: string;
  /** The disease term and its ancestors. */
  diseaseClosure: ReadonlySet<string>;
  ageYears: number;
  year: number;
  /** Imaging term ids of the individual's series. */
  imagingTerms: ReadonlySet<string>;
  /** The record as `/individuals` returns it at record granularity. */
  record: Record<string, unknown>;
}

export interface IndividualCoding {
  sexCoding: SexCoding;
  imaging: ImagingVocabulary;
  spelling: TermSpelling;
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

export function buildIndividuals(data: SyntheticRepositoryData, coding: IndividualCoding): BeaconIndividual[] {
  const sorted = [...data.cases].sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
  return sorted.map((c, index) => {
    const sexValue = rawSex(c.sex);
    const coded = sexTermOf(sexValue, coding.sexCoding, index);
    const sex = { id: spelled(coded.id, coding.spelling), label: coded.label };
    const sexSynonyms = new Set(sexTermsOf(coding.sexCoding).filter((t) => t.sex === sexValue).map((t) => spelled(t.id, coding.spelling)));
    const diseaseTerm = diseaseTermOf(c.diagnosis.icdO3Topography, c.diagnosis.icdO3Morphology);
    return {
      id: c.subjectId,
      dataset: c.collectionId,
      sex,
      sexSynonyms,
      diseaseTerm: spelled(diseaseTerm, coding.spelling),
      diseaseClosure: new Set(withAncestors(diseaseTerm).map((id) => spelled(id, coding.spelling))),
      ageYears: c.ageAtDiagnosis,
      year: c.diagnosis.year,
      imagingTerms: new Set([...imagingTermsOf(c, coding.imaging)].map((id) => spelled(id, coding.spelling))),
      record: individualRecord(c, sex, diseaseTerm, coding.spelling),
    };
  });
}

function individualRecord(c: SyntheticCase, sex: OntologyTermRecord, diseaseTerm: string, spelling: TermSpelling): Record<string, unknown> {
  const disease: Record<string, unknown> = {
    diseaseCode: { id: spelled(diseaseTerm, spelling), label: DISEASE_TERMS[diseaseTerm]?.label ?? diseaseTerm },
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
  /** The filter as received, for the echo. */
  received: unknown;
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
  /** Listed terms it cannot evaluate: it ignores them as it ignores unknown filters. */
  brokenTerms: ReadonlySet<string>;
  unknownFilters: 'ignore' | 'reject';
  /** A sex filter matches every individual of that sex, whichever of the beacon's codings it was given. */
  sexSynonyms: boolean;
}

export interface Evaluation {
  predicate: (individual: BeaconIndividual) => boolean;
  /** The filters applied, in order. */
  applied: RequestFilter[];
  /** The filters it ignored (unknown or unsupported). */
  ignored: RequestFilter[];
}

/**
 * A predicate for a list of filters (ANDed). Unknown and unsupported filters are dropped when the beacon ignores them
 * (answered like the request without them; the server says so in its warnings), or rejected with a FilterError.
 */
export function evaluate(filters: readonly RequestFilter[], context: EvaluationContext): Evaluation {
  const tests: Array<(i: BeaconIndividual) => boolean> = [];
  const applied: RequestFilter[] = [];
  const ignored: RequestFilter[] = [];
  for (const filter of filters) {
    const term = context.terms.get(filter.id);
    if (!term || context.brokenTerms.has(filter.id)) {
      if (context.unknownFilters === 'reject') throw new FilterError(`unknown filter ${filter.id}`);
      ignored.push(filter);
      continue;
    }
    applied.push(filter);
    if (term.kind === 'alphanumeric') {
      const operator = filter.operator ?? '=';
      if (!OPERATORS.includes(operator)) throw new FilterError(`unknown operator ${operator}`);
      if (filter.value === undefined) throw new FilterError(`filter ${filter.id} needs a value`);
      if (term.matches === 'age') {
        const years = durationYears(filter.value);
        if (years === null) throw new FilterError(`filter ${filter.id} value is not an ISO 8601 duration`);
        tests.push((i) => compare(i.ageYears, operator, years));
      } else {
        const year = Number(filter.value);
        if (!Number.isFinite(year)) throw new FilterError(`filter ${filter.id} value is not a number`);
        tests.push((i) => compare(i.year, operator, year));
      }
      continue;
    }
    const id = filter.id;
    if (term.matches === 'disease') {
      tests.push(filter.includeDescendantTerms ? (i) => i.diseaseClosure.has(id) : (i) => i.diseaseTerm === id);
    } else if (term.matches === 'imaging') {
      tests.push((i) => i.imagingTerms.has(id));
    } else {
      tests.push(context.sexSynonyms ? (i) => i.sexSynonyms.has(id) : (i) => i.sex.id === id);
    }
  }
  return { predicate: (individual) => tests.every((test) => test(individual)), applied, ignored };
}

/** Reads `query.filters` of a POST body: ontology/custom filters `{id}`, alphanumeric `{id, operator, value}`, or bare ids. */
export function readFilters(value: unknown): RequestFilter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new FilterError('query.filters is not an array');
  return value.map((item, index) => {
    if (typeof item === 'string') return { id: item, includeDescendantTerms: true, received: item };
    if (!item || typeof item !== 'object' || typeof (item as { id?: unknown }).id !== 'string') {
      throw new FilterError(`query.filters[${index}] has no id`);
    }
    const f = item as { id: string; operator?: unknown; value?: unknown; includeDescendantTerms?: unknown };
    return {
      id: f.id,
      operator: typeof f.operator === 'string' ? f.operator : undefined,
      value: typeof f.value === 'string' || typeof f.value === 'number' ? String(f.value) : undefined,
      includeDescendantTerms: f.includeDescendantTerms !== false,
      received: item,
    };
  });
}
