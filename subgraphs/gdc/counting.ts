/**
 * Cohort counts from GDC's native counting: `pagination.total` of a `size: 0` search and facet buckets, with the
 * unified semantics (schema/cancer-case.graphql; the SDK's cohortOf is the reference):
 * - subjects: /cases total, with the slide condition `files.data_type in ["Slide Image"]` when the modality
 *   criterion asks for SM (one condition on one file: GDC's per-leaf matching is exact for it);
 * - series: slide image files on /files; studies: their distinct biospecimen samples (`cases.samples.sample_id`
 *   buckets, plus one study per slide without a sample); images: null (an SVS file is not a DICOM series, GDC does
 *   not say how many images it holds);
 * - sex and cancer site facets: /cases buckets mapped with the code tables and added up; age bands: one count per
 *   band that can be populated (the `stats` of `diagnoses.age_at_diagnosis` say which); modality: SM for the cases
 *   with a slide; body part and manufacturer facets are empty (GDC cannot count them, plan.ts).
 *
 * Primary diagnoses: GDC holds a condition on `diagnoses.*` when any diagnosis meets it, and its facets count a
 * case under every diagnosis' value, while a unified case is its primary diagnosis. The cases GDC's matching reads
 * right (one diagnosis flagged primary, none flagged not: query.ts primaryOnly) are counted natively; the others
 * that could match are fetched (at most `maxScan`) and their primary diagnosis evaluated here, and the ones that
 * match join the native queries by case id. Beyond `maxScan` such a cohort is refused, and facets needing it left
 * empty, rather than guessed.
 *
 * GDC's "facets for a given field disregard any filters applied to that same field" is handled by restricting each
 * facet's buckets to the term condition the query put on that field (Query.terms), comparing keys
 * case-insensitively (GDC answers some keys lower-cased). A facet whose kept buckets add up to less than the total
 * was truncated (a terms size): its values are then read from the hits, paging, up to `maxScan` documents.
 *
 * Every search's `warnings` go to a WarningLog: a filter field the server says it ignored makes the criteria it
 * evaluates "not applied" (adapter.ts), never an exact count.
 */
import type { CancerSite, Sex } from '../../schema/generated/graphql';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseSex } from '../../schema/codes/sex';
import { mapWithConcurrency } from '../sdk/concurrency';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { clinicalMatches } from '../sdk/evaluate';
import { ageBand, FacetCounter, type FacetName } from '../sdk/facets';
import type { Range } from '../sdk/filter';
import type { CaseRecord, CohortRecord } from '../sdk/records';
import type { GdcClient } from './client';
import { CASE_FIELDS, caseRecord, checkedAge, firstDayOfAge, lastDayOfAge } from './mapping';
import type { Aggregation, GdcEndpoint, GdcFilter, SearchRequest, SearchResult } from './native-types';
import { parseCaseHit, valuesAt } from './parse';
import { hasDiagnosisConditions, WarningLog, type FilterPlan, type Vocabulary } from './plan';
import { CASE, FILE, fold, notPrimaryOnly, primaryOnly, Query, SLIDES, VIA_CASES, VIA_FILES } from './query';

export const MISSING = '_missing';

export interface CountingLimits {
  /** Most extra searches for the facets of one cohort. */
  maxFacetRequests: number;
  /** Searches in flight at once for one cohort. */
  parallelRequests: number;
  /** Most documents read when a facet is truncated, or cases read to evaluate their primary diagnosis. */
  maxScan: number;
}

export interface FacetAnswer {
  total: number;
  /** Per term facet: value (or `_missing`) -> documents, restricted to the query's condition on the field. */
  buckets: Map<string, Map<string, number>>;
  stats: Map<string, Extract<Aggregation, { kind: 'stats' }>>;
  /** Requested facets the server reported it does not know. */
  unknown: Set<string>;
}

export type Counts = Pick<CohortRecord, 'subjects' | 'studies' | 'series' | 'images' | 'facets'>;

/**
 * How a cohort treats primary diagnoses: natively for every case (`none`: no case has another diagnosis, or the
 * query does not depend on diagnoses), or natively for the cases GDC reads right plus `local`, the other matching
 * cases read one by one.
 */
export type PrimarySplit = { kind: 'none' } | { kind: 'split'; local: Array<{ caseId: string; record: CaseRecord }> };

/** Keys other than `_missing`. */
export function keysOf(buckets: ReadonlyMap<string, number> | undefined): string[] {
  return [...(buckets?.keys() ?? [])].filter((k) => k !== MISSING);
}

export class Counting {
  constructor(private readonly client: GdcClient, private readonly limits: CountingLimits) {}

  async search(endpoint: GdcEndpoint, request: SearchRequest, log: WarningLog): Promise<SearchResult> {
    const result = await this.client.search(endpoint, request);
    log.record(result.warnings);
    return result;
  }

  /** Every hit of a search, 1000 at a time, at most `maxScan`; null when there are more. */
  async scan(endpoint: GdcEndpoint, request: Omit<SearchRequest, 'size' | 'from'>, log: WarningLog): Promise<SearchResult['hits'] | null> {
    const hits: SearchResult['hits'] = [];
    for (let from = 0; ; from += 1000) {
      const page = await this.search(endpoint, { ...request, size: 1000, from }, log);
      if (page.pagination.total > this.limits.maxScan) return null;
      hits.push(...page.hits);
      if (page.hits.length === 0 || from + 1000 >= page.pagination.total) return hits;
    }
  }

  /** Documents matching a query. */
  async count(endpoint: GdcEndpoint, query: Query, log: WarningLog): Promise<number> {
    return (await this.search(endpoint, { filters: query.filter(), size: 0 }, log)).pagination.total;
  }

  /**
   * One `size: 0` search with facets; truncated term facets are completed from the hits. One that cannot be (more
   * than `maxScan` documents) is refused, or, when `optional`, left unknown.
   */
  async facets(endpoint: GdcEndpoint, query: Query, terms: readonly string[], stats: readonly string[], log: WarningLog, optional = false): Promise<FacetAnswer> {
    const filters = query.filter();
    const result = await this.search(endpoint, { filters, size: 0, facets: [...terms, ...stats] }, log);
    const total = result.pagination.total;
    const answer: FacetAnswer = { total, buckets: new Map(), stats: new Map(), unknown: new Set() };
    const truncated: string[] = [];
    for (const field of terms) {
      const agg = result.aggregations.get(field);
      if (!agg) {
        answer.unknown.add(field);
        continue;
      }
      if (agg.kind !== 'buckets') throw this.badFacet(endpoint, field, 'buckets');
      const condition = query.terms.get(field);
      const allowed = condition && new Set(condition.values.map(fold));
      const kept = new Map<string, number>();
      for (const { key, doc_count } of agg.buckets) {
        // The facet disregarded the query's condition on its own field: keep what the condition allows.
        if (allowed && !(key === MISSING ? condition.missing : allowed.has(fold(key)))) continue;
        if (doc_count > 0) kept.set(key, (kept.get(key) ?? 0) + doc_count);
      }
      // Every document has a value or is `_missing`, so complete buckets add up to at least the total.
      if ([...kept.values()].reduce((s, n) => s + n, 0) < total) truncated.push(field);
      else answer.buckets.set(field, kept);
    }
    for (const field of stats) {
      const agg = result.aggregations.get(field);
      if (!agg) answer.unknown.add(field);
      else if (agg.kind !== 'stats') throw this.badFacet(endpoint, field, 'stats');
      else answer.stats.set(field, agg);
    }
    if (truncated.length > 0) {
      const hits = await this.scan(endpoint, { filters, fields: truncated }, log);
      if (!hits && optional) {
        for (const field of truncated) answer.unknown.add(field);
        return answer;
      }
      if (!hits) {
        throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.client.repositoryId,
          `cannot count exactly: the repository truncates the facets ${truncated.join(', ')} and the cohort has more than ${this.limits.maxScan} documents to read instead`);
      }
      for (const field of truncated) {
        const counts = new Map<string, number>();
        for (const hit of hits) {
          const values = new Set(valuesAt(hit, field, this.client.repositoryId, `/${endpoint} search`));
          if (values.size === 0) values.add(MISSING);
          for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
        }
        answer.buckets.set(field, counts);
      }
    }
    return answer;
  }

  /**
   * The primary-diagnosis split a query needs: none when no case has a diagnosis GDC's matching misreads, or when
   * neither the conditions nor the facets depend on diagnoses; else the cases GDC may misread that the conditions
   * could select, each evaluated on its primary diagnosis. Null when they are more than `maxScan`.
   */
  async split(plan: FilterPlan, vocabulary: Vocabulary, diagnosisFacets: boolean, log: WarningLog): Promise<PrimarySplit | null> {
    if (!vocabulary.primaryFlag || !vocabulary.ambiguousDiagnoses || !(hasDiagnosisConditions(plan) || diagnosisFacets)) return { kind: 'none' };
    // Any-diagnosis matching selects every case whose primary diagnosis matches, and maybe more: a superset to read.
    const candidates = casesQuery(plan).raw(notPrimaryOnly());
    const hits = await this.scan('cases', { filters: candidates.filter(), fields: CASE_FIELDS, sort: `${CASE.submitterId}:asc` }, log);
    if (!hits) return null;
    const local = hits.map((hit, i) => {
      const parsed = parseCaseHit(hit, this.client.repositoryId, i);
      return { caseId: parsed.case_id, record: caseRecord(parsed, this.client.repositoryId) };
    });
    return { kind: 'split', local: local.filter(({ record }) => clinicalMatches(record, plan.diagnosisFilter)) };
  }

  async cohort(plan: FilterPlan, vocabulary: Vocabulary, withFacets: boolean, log: WarningLog): Promise<Counts> {
    // Cancer site and age facets count diagnoses: only where primary diagnoses can be told apart.
    const diagnosisFacets = withFacets && vocabulary.primaryFlag;
    const split = await this.split(plan, vocabulary, diagnosisFacets, log);
    if (!split && hasDiagnosisConditions(plan)) {
      throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.client.repositoryId,
        `cannot count exactly: more than ${this.limits.maxScan} cases of this cohort have diagnoses besides their primary one, which GDC's filters do not tell apart`);
    }
    const primary = split ?? { kind: 'none' } as PrimarySplit;
    const cases = withSplit(casesQuery(plan), primary, '');
    const files = withSplit(filesQuery(plan), primary, VIA_FILES);
    const sexField = vocabulary.sexField;
    // Facets on diagnoses: natively over the cases GDC reads right, plus the local ones.
    const readRight = primary.kind === 'split' ? casesQuery(plan).raw(primaryOnly()) : cases;
    const diagnosisTerms = diagnosisFacets && split ? [CASE.icd10] : [];
    const diagnosisStats = diagnosisFacets && split ? [CASE.age] : [];
    const together = primary.kind === 'none';
    const [slides, subjects, diagnoses] = await Promise.all([
      // The number of studies is optional: a count is null when the repository cannot produce it.
      this.facets('files', files, [FILE.sample], [], log, true),
      this.facets('cases', cases, [...(withFacets && sexField ? [sexField] : []), ...(together ? diagnosisTerms : [])], together ? diagnosisStats : [], log),
      together ? null : this.facets('cases', readRight, diagnosisTerms, diagnosisStats, log),
    ]);
    const samples = slides.buckets.get(FILE.sample);
    const counts: Counts = {
      subjects: subjects.total,
      series: slides.total,
      studies: slides.unknown.has(FILE.sample) ? null : keysOf(samples).length + (samples?.get(MISSING) ?? 0),
      images: null,
      facets: new FacetCounter().result(),
    };
    if (!withFacets || subjects.total === 0) return counts;

    const facets = new FacetCounter();
    const local = primary.kind === 'split' ? primary.local.map((l) => l.record) : [];
    if (sexField) {
      for (const [key, n] of subjects.buckets.get(sexField) ?? []) facets.addCount('sex', normaliseSex(key === MISSING ? null : key) satisfies Sex, n);
    }
    const jobs: Array<{ facet: FacetName; value: string; run: () => Promise<number> }> = [];
    const onDiagnoses = diagnoses ?? subjects;
    if (diagnosisFacets && split) {
      for (const [key, n] of onDiagnoses.buckets.get(CASE.icd10) ?? []) {
        facets.addCount('cancerSite', cancerSiteFromCode(key === MISSING ? null : key) satisfies CancerSite, n);
      }
      for (const record of local) facets.addCount('cancerSite', record.diagnosis?.cancerSite ?? 'UNKNOWN', 1);
      const readRightTotal = onDiagnoses.total;
      const bands = this.ageBandJobs(readRight, plan.ageYears, onDiagnoses, readRightTotal, log);
      if (bands.length <= this.limits.maxFacetRequests) {
        for (const band of bands) jobs.push({ facet: 'ageBand', ...band });
        for (const record of local) facets.addCount('ageBand', ageBand(record.ageAtDiagnosis), 1);
      }
    }
    if (slides.total > 0) {
      jobs.push({ facet: 'modality', value: 'SM', run: async () => (plan.slides ? subjects.total : this.count('cases', cases.term(SLIDES, VIA_CASES), log)) });
    }
    const results = await mapWithConcurrency(jobs, this.limits.parallelRequests, (job) => job.run());
    jobs.forEach((job, i) => {
      if (results[i] > 0) facets.addCount(job.facet, job.value, results[i]);
    });
    return { ...counts, facets: facets.result() };
  }

  /** The query of a case list: the cases matching the plan, primary diagnoses read right. */
  async casesToList(plan: FilterPlan, vocabulary: Vocabulary, log: WarningLog): Promise<Query> {
    const split = await this.split(plan, vocabulary, false, log);
    if (!split) {
      throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.client.repositoryId,
        `cannot list cases for this filter: more than ${this.limits.maxScan} candidate cases have diagnoses besides their primary one, which GDC's filters do not tell apart`, { argument: 'where' });
    }
    return withSplit(casesQuery(plan), split, '');
  }

  /**
   * Counts per ten-year band of the cases of `cases`. Only bands within the filter's age range and within the
   * ages present (the facet statistics, which disregard the age filter, so they bound the cohort) are counted; a
   * single such band needs no search.
   */
  private ageBandJobs(cases: Query, filterYears: Range | undefined, answer: FacetAnswer, total: number, log: WarningLog): Array<{ value: string; run: () => Promise<number> }> {
    const stats = answer.stats.get(CASE.age);
    const jobs: Array<{ value: string; run: () => Promise<number> }> = [];
    // Without an age filter, cases without an age are counted apart ("UNKNOWN"); with one, there are none.
    if (!filterYears && (stats?.count ?? 0) < total) {
      jobs.push({ value: ageBand(null), run: () => this.count('cases', cases.missing(CASE.age), log) });
    }
    const repositoryId = this.client.repositoryId;
    const low = checkedAge(stats?.min, repositoryId, 'the smallest diagnoses.age_at_diagnosis');
    const high = checkedAge(stats?.max, repositoryId, 'the largest diagnoses.age_at_diagnosis');
    if (low === null || high === null || total === 0) return jobs;
    const overlaps = (min: number, max: number | undefined, range: { min?: number; max?: number }) =>
      (range.max === undefined || min <= range.max) && (max === undefined || range.min === undefined || max >= range.min);
    const bands = AGE_BANDS.filter(([min, max]) => overlaps(min, max, { min: low, max: high }) && (!filterYears || overlaps(min, max, filterYears)));
    if (bands.length === 1 && jobs.length === 0) {
      return [{ value: ageBand(bands[0][0]), run: async () => total }];
    }
    for (const [min, max] of bands) {
      const query = cases.range({ field: CASE.age, min: firstDayOfAge(min), max: max === undefined ? undefined : lastDayOfAge(max) });
      jobs.push({ value: ageBand(min), run: () => this.count('cases', query, log) });
    }
    return jobs;
  }

  private badFacet(endpoint: GdcEndpoint, field: string, expected: string): RepositoryError {
    return new RepositoryError(ErrorCode.BAD_RESPONSE, this.client.repositoryId,
      `malformed /${endpoint} search response: the facet ${field} has no ${expected}`);
  }
}

/** [first year, last year] of the ten-year bands; the last is open. */
const AGE_BANDS: ReadonlyArray<readonly [number, number | undefined]> = [
  [0, 9], [10, 19], [20, 29], [30, 39], [40, 49], [50, 59], [60, 69], [70, 79], [80, 89], [90, undefined],
];

/** The cases the plan's conditions select on /cases (any-diagnosis matching), with a slide when it asks for one. */
export function casesQuery(plan: FilterPlan): Query {
  const query = Query.all().termsOf(plan.clinical).termsOf(plan.diagnosis).rangesOf(plan.ranges);
  return plan.slides ? query.term(SLIDES, VIA_CASES) : query;
}

/** The slide images of the cases the plan's conditions select, on /files. */
export function filesQuery(plan: FilterPlan): Query {
  return Query.all().term(SLIDES).termsOf(plan.clinical, VIA_FILES).termsOf(plan.diagnosis, VIA_FILES).rangesOf(plan.ranges, VIA_FILES);
}

/** Restricts a query to the cases GDC reads right and the local ones (by case id); `prefix` from /files. */
export function withSplit(query: Query, split: PrimarySplit, prefix: string): Query {
  if (split.kind === 'none') return query;
  if (split.local.length === 0) return query.raw(primaryOnly(prefix));
  const ids: GdcFilter = { op: 'in', content: { field: `${prefix}${CASE.caseId}`, value: split.local.map((c) => c.caseId) } };
  return query.raw({ op: 'or', content: [primaryOnly(prefix), ids] });
}

export function zeroCounts(): Counts {
  return { subjects: 0, studies: 0, series: 0, images: null, facets: new FacetCounter().result() };
}
