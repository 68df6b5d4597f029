/**
 * Cohort counts from GDC's native counting: `pagination.total` of a `size: 0` search and facet buckets, with the
 * unified semantics (schema/cancer-case.graphql; the SDK's cohortOf is the reference):
 * - subjects: /cases total. When the image criteria cannot be put on /cases exactly (plan.ts imageFitsCases), the
 *   matching series are found on /files, where all image conditions hold on the same document, and their distinct
 *   `cases.case_id` buckets become the case set (`case_id in [...]`);
 * - series, studies, images: one /files search restricted to imaging files: total, distinct
 *   `imaging.study_instance_uid` buckets, and the `sum` statistic of `imaging.instance_count`;
 * - sex and cancer site facets: /cases buckets (`demographic.sex_at_birth`, `diagnoses.icd_10_code`) mapped with the
 *   code tables and added up; age bands: one count per band that can be populated (the `stats` of
 *   `diagnoses.age_at_diagnosis` say which);
 * - modality, body part and manufacturer facets count subjects per value of the *matched* series: one count per
 *   value present (on /cases when one condition suffices, else distinct cases on /files), bounded by
 *   `maxFacetRequests`; a facet that does not fit is left empty ("cannot count that attribute").
 *
 * GDC's "facets for a given field disregard any filters applied to that same field" is handled by restricting each
 * facet's buckets to the term condition the query put on that field (Query.terms). A facet whose kept buckets add
 * up to less than the total was truncated (a terms size): its values are then read from the hits, paging, up to
 * `maxScan` documents.
 */
import type { CohortRecord } from '../sdk/records';
import type { CancerSite, Sex } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { manufacturerVendor } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import { mapWithConcurrency } from '../sdk/concurrency';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { ageBand, FacetCounter, type FacetName } from '../sdk/facets';
import type { Range } from '../sdk/filter';
import type { GdcClient } from './client';
import { firstDayOfAge, lastDayOfAge, ageInYears } from './mapping';
import type { Aggregation, GdcEndpoint } from './native-types';
import { valuesAt } from './parse';
import { imageFitsCases, type FilterPlan } from './plan';
import { CASE, FILE, IMAGING, Query, VIA_CASES, VIA_FILES, wildcardSafe, type TermCondition } from './query';

export const MISSING = '_missing';

export interface CountingLimits {
  /** Most extra searches for the facets of one cohort. */
  maxFacetRequests: number;
  /** Searches in flight at once for one cohort. */
  parallelRequests: number;
  /** Most documents read when a facet is truncated. */
  maxScan: number;
}

export interface FacetAnswer {
  total: number;
  /** Per term facet: value (or `_missing`) -> documents, restricted to the query's condition on the field. */
  buckets: Map<string, Map<string, number>>;
  stats: Map<string, Extract<Aggregation, { kind: 'stats' }>>;
}

type Counts = Pick<CohortRecord, 'subjects' | 'studies' | 'series' | 'images' | 'facets'>;

/** Keys other than `_missing`. */
export function keysOf(buckets: ReadonlyMap<string, number> | undefined): string[] {
  return [...(buckets?.keys() ?? [])].filter((k) => k !== MISSING);
}

export class Counting {
  constructor(private readonly client: GdcClient, private readonly limits: CountingLimits) {}

  /** Documents matching a query. */
  async count(endpoint: GdcEndpoint, query: Query): Promise<number> {
    return (await this.client.search(endpoint, { filters: query.filter(), size: 0 })).pagination.total;
  }

  /** One `size: 0` search with facets; truncated term facets are completed from the hits. */
  async facets(endpoint: GdcEndpoint, query: Query, terms: readonly string[], stats: readonly string[] = []): Promise<FacetAnswer> {
    const filters = query.filter();
    const result = await this.client.search(endpoint, { filters, size: 0, facets: [...terms, ...stats] });
    const total = result.pagination.total;
    const answer: FacetAnswer = { total, buckets: new Map(), stats: new Map() };
    const truncated: string[] = [];
    for (const field of terms) {
      const agg = result.aggregations.get(field);
      if (agg?.kind !== 'buckets') throw this.badFacet(endpoint, field, 'buckets');
      const condition = query.terms.get(field);
      const kept = new Map<string, number>();
      for (const { key, doc_count } of agg.buckets) {
        // The facet disregarded the query's condition on its own field: keep what the condition allows.
        if (condition && !(condition.values.includes(key) || (key === MISSING && condition.missing))) continue;
        if (doc_count > 0) kept.set(key, (kept.get(key) ?? 0) + doc_count);
      }
      // Every document has a value or is `_missing`, so complete buckets add up to at least the total.
      if ([...kept.values()].reduce((s, n) => s + n, 0) < total) truncated.push(field);
      else answer.buckets.set(field, kept);
    }
    for (const field of stats) {
      const agg = result.aggregations.get(field);
      if (agg?.kind !== 'stats') throw this.badFacet(endpoint, field, 'stats');
      answer.stats.set(field, agg);
    }
    if (truncated.length > 0) {
      const { hits, complete } = await this.client.searchAll(endpoint, { filters, fields: truncated }, 1000, this.limits.maxScan);
      if (!complete) {
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

  /** Cases with one series meeting every image condition, and the clinical conditions of the plan. */
  async casesWithSeries(image: readonly TermCondition[], plan: FilterPlan): Promise<number> {
    if (imageFitsCases(image)) return this.count('cases', clinicalOnCases(plan).term(image[0], VIA_CASES));
    const answer = await this.facets('files', seriesQuery(plan, image), [FILE.caseId]);
    return keysOf(answer.buckets.get(FILE.caseId)).length;
  }

  async cohort(plan: FilterPlan, withFacets: boolean): Promise<Counts> {
    const viaFiles = plan.image.length > 0 && !imageFitsCases(plan.image);
    const seriesFacets = withFacets ? SERIES_FACETS.map((f) => f.field) : [];
    const series = this.facets('files', seriesQuery(plan, plan.image), [FILE.study, ...(viaFiles ? [FILE.caseId] : []), ...seriesFacets], [FILE.instances]);
    let cases: Query;
    if (viaFiles) {
      const ids = keysOf((await series).buckets.get(FILE.caseId));
      if (ids.length === 0) return zeroCounts();
      cases = Query.all().term({ field: CASE.caseId, values: ids, missing: false });
    } else {
      cases = clinicalOnCases(plan);
      if (plan.image.length > 0) cases = cases.term(plan.image[0], VIA_CASES);
    }
    const [files, subjects] = await Promise.all([
      series,
      this.facets('cases', cases, withFacets ? [CASE.sex, CASE.icd10] : [], withFacets ? [CASE.age] : []),
    ]);
    const counts: Counts = {
      subjects: subjects.total,
      series: files.total,
      studies: keysOf(files.buckets.get(FILE.study)).length,
      images: files.stats.get(FILE.instances)?.sum ?? 0,
      facets: new FacetCounter().result(),
    };
    if (!withFacets || subjects.total === 0) return counts;

    const facets = new FacetCounter();
    const addMapped = (name: FacetName, buckets: ReadonlyMap<string, number> | undefined, map: (raw: string | null) => string) => {
      for (const [key, n] of buckets ?? []) facets.addCount(name, map(key === MISSING ? null : key), n);
    };
    addMapped('sex', subjects.buckets.get(CASE.sex), (raw): Sex => normaliseSex(raw));
    addMapped('cancerSite', subjects.buckets.get(CASE.icd10), (raw): CancerSite => cancerSiteFromCode(raw));

    // Age bands and series facets: one count each, within the budget.
    const jobs: Array<{ facet: FacetName; value: string; run: () => Promise<number> }> = [];
    const bands = this.ageBandJobs(cases, plan.ageYears, subjects);
    if (bands.length <= this.limits.maxFacetRequests) for (const band of bands) jobs.push({ facet: 'ageBand', ...band });
    let budget = this.limits.maxFacetRequests - jobs.length;
    for (const { name, field, normalise } of SERIES_FACETS) {
      const groups = groupBuckets(files.buckets.get(field), normalise);
      // A raw value with "*" must not pull in the raw values of another group.
      const held = keysOf(files.buckets.get(field));
      if (!groups.every((g) => wildcardSafe(g.values, held))) continue;
      if (plan.image.length > 0 && groups.length === 1) {
        // Every matched case has a matched series, and all of them have this one value.
        facets.addCount(name, groups[0].value, subjects.total);
        continue;
      }
      if (groups.length > budget) continue;
      budget -= groups.length;
      for (const group of groups) {
        const image = [...plan.image.filter((c) => c.field !== field), { field, values: group.values, missing: group.missing }];
        jobs.push({ facet: name, value: group.value, run: () => this.casesWithSeries(image, plan) });
      }
    }
    const results = await mapWithConcurrency(jobs, this.limits.parallelRequests, (job) => job.run());
    jobs.forEach((job, i) => {
      if (results[i] > 0) facets.addCount(job.facet, job.value, results[i]);
    });
    return { ...counts, facets: facets.result() };
  }

  /**
   * Counts per ten-year band of the cases of `cases`. Only bands within the filter's age range and within the
   * ages present (the facet statistics, which disregard the age filter, so they bound the cohort) are counted; a
   * single such band needs no search.
   */
  private ageBandJobs(cases: Query, filterYears: Range | undefined, subjects: FacetAnswer): Array<{ value: string; run: () => Promise<number> }> {
    const stats = subjects.stats.get(CASE.age);
    const jobs: Array<{ value: string; run: () => Promise<number> }> = [];
    // Without an age filter, cases without an age are counted apart ("UNKNOWN"); with one, there are none.
    if (!filterYears && (stats?.count ?? 0) < subjects.total) {
      jobs.push({ value: ageBand(null), run: () => this.count('cases', cases.missing(CASE.age)) });
    }
    const low = ageInYears(stats?.min);
    const high = ageInYears(stats?.max);
    if (low === null || high === null) return jobs;
    const overlaps = (min: number, max: number | undefined, range: { min?: number; max?: number }) =>
      (range.max === undefined || min <= range.max) && (max === undefined || range.min === undefined || max >= range.min);
    const bands = AGE_BANDS.filter(([min, max]) => overlaps(min, max, { min: low, max: high }) && (!filterYears || overlaps(min, max, filterYears)));
    if (bands.length === 1 && jobs.length === 0) {
      return [{ value: ageBand(bands[0][0]), run: async () => subjects.total }];
    }
    for (const [min, max] of bands) {
      const query = cases.range({ field: CASE.age, min: firstDayOfAge(min), max: max === undefined ? undefined : lastDayOfAge(max) });
      jobs.push({ value: ageBand(min), run: () => this.count('cases', query) });
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

const SERIES_FACETS: ReadonlyArray<{ name: FacetName; field: string; normalise: (raw: string | null) => string }> = [
  { name: 'modality', field: FILE.modality, normalise: (raw) => normaliseModality(raw) ?? 'UNKNOWN' },
  { name: 'bodyPart', field: FILE.bodyPart, normalise: (raw) => normaliseBodyPart(raw) },
  { name: 'manufacturer', field: FILE.manufacturer, normalise: (raw) => manufacturerVendor(raw) ?? 'UNKNOWN' },
];

/** The raw values of a facet grouped by the unified value they normalise to. */
function groupBuckets(buckets: ReadonlyMap<string, number> | undefined, normalise: (raw: string | null) => string) {
  const groups = new Map<string, { value: string; values: string[]; missing: boolean }>();
  for (const key of buckets?.keys() ?? []) {
    const value = normalise(key === MISSING ? null : key);
    let group = groups.get(value);
    if (!group) groups.set(value, (group = { value, values: [], missing: false }));
    if (key === MISSING) group.missing = true;
    else group.values.push(key);
  }
  return [...groups.values()];
}

/** The clinical conditions on /cases. */
export function clinicalOnCases(plan: FilterPlan): Query {
  return Query.all().termsOf(plan.clinical).rangesOf(plan.ranges);
}

/** Imaging series meeting `image` together, of cases meeting the plan's clinical conditions, on /files. */
export function seriesQuery(plan: FilterPlan, image: readonly TermCondition[]): Query {
  return Query.all().term(IMAGING).termsOf(image).termsOf(plan.clinical, VIA_FILES).rangesOf(plan.ranges, VIA_FILES);
}

export function zeroCounts(): Counts {
  return { subjects: 0, studies: 0, series: 0, images: 0, facets: new FacetCounter().result() };
}
