/**
 * COUNT adapter for a GA4GH Beacon v2 (native-apis README §2e, §7.5). A beacon answers "how many individuals match
 * these ANDed filters" (`requestedGranularity: count`), so this adapter:
 * - reads the terms the beacon evaluates from `/filtering_terms` (cached for `termsTtlSeconds`) and applies only
 *   criteria whose terms are listed, in whichever ontology the beacon uses; the others are reported with a reason,
 *   never sent (plan.ts planCohort);
 * - asks one POST per value combination, with inclusion–exclusion for several terms of one value and several values
 *   of one image criterion, and sums; each distinct request once, at most `parallelRequests` in flight;
 * - calls a count exact only when the beacon shows it applied every filter: each answer's echo of the request
 *   (`meta.receivedRequestSummary`) must hold every filter sent and the granularity asked, and no warning may name a
 *   filter (plan.ts unconfirmedFilters). A criterion the beacon did not confirm is reported not applied and the
 *   cohort is asked again without it, so the count is the one of the filter without that criterion;
 * - respects `meta.returnedGranularity`: a count (or a record answer with `numTotalResults`) is a number; a boolean
 *   answer has none, so `subjects` is null and `exact` false, except that "nobody exists" is an exact 0; a record
 *   answer without totals is counted by paging the records, robust to beacons reading `skip` as pages (the spec) or
 *   as records (issue #99): it detects which from the second page and remembers it;
 * - answers subjects only: a Beacon knows no studies, series or images;
 * - computes sex and cancer-site facets only when selected, by one request set per value (bounded by
 *   `maxFacetRequests`), empty lists otherwise.
 * It has no `cases` (COUNT granularity): the SDK refuses them with NOT_SUPPORTED.
 */
import type { CancerSite, FilterCriterion } from '../../schema/generated/graphql';
import type { AdapterEnvironment, CohortOptions, RepositoryAdapter } from '../sdk/adapter';
import { mapWithConcurrency } from '../sdk/concurrency';
import type { RequestContext } from '../sdk/context';
import type { RepositoryEntry } from '../sdk/entry';
import { ErrorCode, RepositoryError } from '../sdk/errors';
import { reportFields } from '../sdk/evaluate';
import { FacetCounter } from '../sdk/facets';
import { ALL_CRITERIA, type NormalizedFilter } from '../sdk/filter';
import { HarvestedIndex } from '../sdk/harvested-index';
import { NativeHttp } from '../sdk/native-http';
import type { CohortRecord, CollectionRecord } from '../sdk/records';
import { BeaconClient, isDotSegment } from './client';
import { collectionRecordsOf, DEFAULT_SITE_TERMS, TermCatalogue } from './mapping';
import { readOptions, type BeaconOptions, type SkipMeaning } from './options';
import type { BeaconDataset, BeaconGranularity, IndividualsAnswer } from './parse';
import {
  combine, facetQueries, facetValues, planCohort, queriesOf, queryKey, unconfirmedFilters,
  type Capabilities, type CohortPlan, type CountQuery, type FacetAttribute, type QueryAnswer, type SignedQuery, type UnconfirmedFilter,
} from './plan';

/** Criteria a beacon may evaluate, each when its terms are listed; manufacturers never (no term space). */
export const BEACON_CRITERIA: readonly FilterCriterion[] = ALL_CRITERIA.filter((c) => c !== 'MANUFACTURERS');

interface FacetJob {
  attribute: FacetAttribute;
  value: string;
  queries: SignedQuery[];
}

/** A count answer with the filters the beacon did not confirm applying. */
interface CheckedAnswer extends QueryAnswer {
  unconfirmed: UnconfirmedFilter[];
}

function unconfirmedReason(u: UnconfirmedFilter): string {
  return `the beacon did not confirm applying filter ${u.id}: ${u.reason}; the criterion is counted without it`;
}

export class BeaconAdapter implements RepositoryAdapter {
  private readonly client: BeaconClient;
  private readonly options: BeaconOptions;
  private readonly terms: HarvestedIndex<TermCatalogue>;
  private readonly datasets: HarvestedIndex<BeaconDataset[] | null>;
  private readonly siteTerms: Partial<Record<CancerSite, readonly string[]>>;
  /** How this beacon reads `skip`, once known (configured or detected). */
  private skipMeaning: SkipMeaning | null;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment = {}) {
    this.options = readOptions(entry.options);
    this.client = new BeaconClient(new NativeHttp({
      repositoryId: entry.id,
      baseUrl: entry.endpoint,
      timeoutMs: entry.timeoutMs,
      credentials: environment.credentials,
      connections: this.options.parallelRequests,
    }));
    const ttlMs = this.options.termsTtlSeconds * 1000;
    this.terms = new HarvestedIndex(async () => new TermCatalogue(await this.client.filteringTerms()), ttlMs);
    this.datasets = new HarvestedIndex(() => this.client.datasets(), ttlMs);
    this.siteTerms = { ...DEFAULT_SITE_TERMS, ...this.options.cancerSiteTerms };
    this.skipMeaning = this.options.skipMeaning === 'detect' ? null : this.options.skipMeaning;
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, options: CohortOptions): Promise<CohortRecord> {
    const [terms, datasets] = await Promise.all([this.terms.get(), filter.collections ? this.datasets.get() : Promise.resolve(null)]);
    const capabilities: Capabilities = {
      terms,
      datasets: datasets?.map((d) => d.id) ?? null,
      ageTerm: this.options.ageTerm,
      yearOfDiagnosisTerm: this.options.yearOfDiagnosisTerm,
      siteTerms: this.siteTerms,
    };
    // Criteria the beacon's answers did not confirm, with the reason; each round plans again without them.
    const skip = new Map<FilterCriterion, string>();
    const answers = new Map<string, CheckedAnswer>();
    for (;;) {
      const plan = planCohort(filter, capabilities, { maxRequests: this.options.maxRequestsPerCohort }, skip);
      const countQueries = queriesOf(plan);
      const facetJobs = options.facets ? this.facetJobs(plan, capabilities, new Set(countQueries.map((q) => queryKey(q.query)))) : [];
      await this.ask([...countQueries, ...facetJobs.flatMap((job) => job.queries)], answers);
      const answerOf = (query: CountQuery) => answers.get(queryKey(query)) as CheckedAnswer;

      const refuted = this.refutedCriteria(plan, countQueries, answerOf);
      if (refuted.size > 0) {
        for (const [criterion, reason] of refuted) skip.set(criterion, reason);
        continue;
      }
      return this.cohortRecord(plan, countQueries, facetJobs, answerOf);
    }
  }

  /** Asks each distinct request not yet answered, at most `parallelRequests` at a time. */
  private async ask(queries: readonly SignedQuery[], answers: Map<string, CheckedAnswer>): Promise<void> {
    const distinct = new Map<string, CountQuery>();
    for (const { query } of queries) if (!answers.has(queryKey(query))) distinct.set(queryKey(query), query);
    await mapWithConcurrency([...distinct], this.options.parallelRequests, async ([key, query]) => {
      answers.set(key, await this.count(query));
    });
  }

  /** The criteria whose filters some count answer did not confirm, each with the first reason found. */
  private refutedCriteria(plan: CohortPlan, queries: readonly SignedQuery[], answerOf: (q: CountQuery) => CheckedAnswer): Map<FilterCriterion, string> {
    const refuted = new Map<FilterCriterion, string>();
    for (const { query } of queries) {
      for (const u of answerOf(query).unconfirmed) {
        const criterion = plan.origin.get(u.id);
        if (criterion !== undefined && !refuted.has(criterion)) refuted.set(criterion, unconfirmedReason(u));
      }
    }
    return refuted;
  }

  private cohortRecord(plan: CohortPlan, countQueries: readonly SignedQuery[], facetJobs: readonly FacetJob[], answerOf: (q: CountQuery) => CheckedAnswer): CohortRecord {
    const subjects = this.checked(combine(countQueries, answerOf));
    const facets = new FacetCounter();
    const unknown = new Set<FacetAttribute>();
    for (const job of facetJobs) {
      // A facet value whose requests the beacon did not confirm, or answered only by a boolean, is not countable.
      const n = job.queries.some(({ query }) => answerOf(query).unconfirmed.length > 0) ? null : this.checked(combine(job.queries, answerOf));
      if (n === null) unknown.add(job.attribute);
      // cohortOf lists only values some subject has; so does this.
      else if (n > 0 && !unknown.has(job.attribute)) facets.addCount(job.attribute, job.value, n);
    }
    const result = facets.result();
    // A facet with a value the beacon could not count is left empty (the schema's "cannot count that attribute").
    for (const attribute of unknown) result[attribute] = [];
    return {
      subjects,
      // A boolean-only beacon still tells whether anyone matches.
      exists: subjects !== null ? subjects > 0 : countQueries.some((q) => q.sign > 0 && answerOf(q.query).exists),
      studies: null,
      series: null,
      images: null,
      facets: result,
      ...reportFields({ ...plan.report, exact: subjects === null ? false : undefined }),
    };
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    const datasets = await this.datasets.get();
    // A dataset named "." or ".." cannot be addressed in a path: its count stays unknown.
    const countable = (datasets ?? []).filter((d) => !isDotSegment(d.id));
    const counts = await mapWithConcurrency(countable, this.options.parallelRequests,
      async (d) => [d.id, (await this.count({ dataset: d.id, filters: [] })).count] as const);
    return collectionRecordsOf(datasets, new Map(counts), this.entry.collections);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A negative signed sum means the beacon's counts contradict each other. */
  private checked(n: number | null): number | null {
    if (n !== null && n < 0) {
      throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id, 'the beacon\'s counts are inconsistent (an AND of filters counted more individuals than one of them)');
    }
    return n;
  }

  /** Counts one request: a number from count or record answers, none from a boolean answer; with what it did not confirm. */
  private async count(query: CountQuery): Promise<CheckedAnswer> {
    // limit 1: a beacon that answers records although counts were asked sends one record, not a page.
    const answer = await this.client.individuals(query.dataset, query.filters, 'count', { skip: 0, limit: 1 });
    const unconfirmed = unconfirmedFilters(query, 'count', answer);
    const granularity = answer.granularity
      ?? (answer.numTotalResults !== null ? 'count' : answer.records !== null ? 'record' : 'boolean');
    if (granularity === 'boolean') return { exists: answer.exists, count: null, unconfirmed };
    if (answer.numTotalResults !== null) return { exists: answer.exists, count: answer.numTotalResults, unconfirmed };
    if (granularity === 'record') {
      const paged = await this.countByPaging(query);
      return { exists: answer.exists, count: paged.count, unconfirmed: [...unconfirmed, ...paged.unconfirmed] };
    }
    throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id,
      `malformed POST /individuals response: a ${granularity} answer without responseSummary.numTotalResults`);
  }

  /**
   * Counts the distinct records of a request by paging (for beacons whose record answers carry no totals; a result
   * set's `resultsCount` is not trusted: it may count the page). The first page is skip 0; the second asks skip 1,
   * which is the second page if the beacon reads skip as pages (§7.5) and starts at the second record if it reads it
   * as records (issue #99): how much it shares with the first page tells which. Then pages follow until one brings
   * no new id. Every page's echo is checked like a count answer's.
   */
  private async countByPaging(query: CountQuery): Promise<{ count: number; unconfirmed: UnconfirmedFilter[] }> {
    const { pageSize, maxRecordPages } = this.options;
    const unconfirmed: UnconfirmedFilter[] = [];
    const page = async (skip: number): Promise<string[]> => {
      const requested: BeaconGranularity = 'record';
      const answer: IndividualsAnswer = await this.client.individuals(query.dataset, query.filters, requested, { skip, limit: pageSize });
      unconfirmed.push(...unconfirmedFilters(query, requested, answer));
      if (answer.records === null) {
        throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id, 'malformed POST /individuals response: a record page without response.resultSets');
      }
      return answer.records.map((r) => r.id);
    };
    const first = await page(0);
    const seen = new Set(first);
    let pagesRead = 1;
    let pageIndex = 1;
    while (seen.size > 0) {
      if (pagesRead >= maxRecordPages) {
        throw new RepositoryError(ErrorCode.NOT_SUPPORTED, this.entry.id,
          `the beacon answers records without totals, and counting them needs more than ${maxRecordPages} pages of ${pageSize} (options.maxRecordPages)`);
      }
      const ids = await page(this.skipMeaning === 'records' ? seen.size : pageIndex);
      pagesRead++;
      const fresh = ids.filter((id) => !seen.has(id));
      if (this.skipMeaning === null && ids.length > 0 && first.length > 1) {
        // Records come grouped per dataset, so the order within a page says nothing; the overlap does. Read as
        // pages, skip 1 shares no record with the first page; read as records, it shares all but the last one.
        const shared = ids.length - fresh.length;
        if (shared === 0) this.skipMeaning = 'pages';
        else if (fresh.length <= 1 && shared === Math.min(ids.length, first.length - 1)) this.skipMeaning = 'records';
        else throw new RepositoryError(ErrorCode.BAD_RESPONSE, this.entry.id, 'the beacon\'s record pages overlap in a way neither reading of pagination.skip explains');
      }
      if (fresh.length === 0) break;
      for (const id of fresh) seen.add(id);
      pageIndex++;
    }
    return { count: seen.size, unconfirmed };
  }

  /**
   * The facet values worth asking: those the plan does not exclude. When they would cost more new requests than
   * `maxFacetRequests`, the facet costing most is left empty (the schema's "cannot count that attribute").
   */
  private facetJobs(plan: CohortPlan, capabilities: Capabilities, countKeys: ReadonlySet<string>): FacetJob[] {
    const byAttribute = new Map<FacetAttribute, FacetJob[]>();
    for (const attribute of ['sex', 'cancerSite'] as const) {
      byAttribute.set(attribute, facetValues(attribute, capabilities).flatMap((value) => {
        const queries = facetQueries(plan, attribute, value);
        return queries ? [{ attribute, value: value.value, queries }] : [];
      }));
    }
    const newKeys = (attributes: Iterable<FacetAttribute>): Set<string> => new Set([...attributes]
      .flatMap((a) => (byAttribute.get(a) ?? []).flatMap((job) => job.queries.map((q) => queryKey(q.query))))
      .filter((key) => !countKeys.has(key)));
    while (byAttribute.size > 0 && newKeys(byAttribute.keys()).size > this.options.maxFacetRequests) {
      const costliest = [...byAttribute.keys()].reduce((a, b) => (newKeys([b]).size > newKeys([a]).size ? b : a));
      byAttribute.delete(costliest);
    }
    return [...byAttribute.values()].flat();
  }
}
