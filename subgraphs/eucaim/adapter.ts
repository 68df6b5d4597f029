/**
 * COUNT adapter for a EUCAIM Tier-2 node mediator (native-apis README 1.1.2). The node answers subjects and studies
 * per collection for one value per criterion (Handbook 7.3: "the number of subjects and studies that fulfil a
 * specific filtering criteria"), so this adapter:
 * - pushes down what the mediator expresses, asks once per value combination of sex and cancer site and sums, and
 *   reports everything else as not applied with a reason (plan.ts planCohort);
 * - checks each answer's per-collection lists against the parameters sent (plan.ts refutedCriteria): a parameter the
 *   node did not apply is reported, and the cohort is asked again without it, so the counts are those of the filter
 *   without that criterion, never an exact-looking over-count;
 * - answers subjects and studies; series and images are null (the mediator does not count them);
 * - computes facets only when the query selects them, by one request per value (sex, cancer site, modality),
 *   bounded and in parallel; the other facets are empty lists (the mediator cannot count them).
 * It has no `cases`: the SDK answers them with NOT_SUPPORTED.
 */
import type { AdapterEnvironment, CohortOptions, RepositoryAdapter } from '../sdk/adapter';
import type { RequestContext } from '../sdk/context';
import type { RepositoryEntry } from '../sdk/entry';
import { reportFields } from '../sdk/evaluate';
import { mapWithConcurrency } from '../sdk/concurrency';
import { FacetCounter } from '../sdk/facets';
import type { NormalizedFilter } from '../sdk/filter';
import { NativeHttp } from '../sdk/native-http';
import type { CohortRecord, CollectionRecord } from '../sdk/records';
import type { FilterCriterion } from '../../schema/generated/graphql';
import { MediatorClient, type MediatorQuery } from './client';
import { addCounts, collectionRecordsOf, countsOf, type Counts } from './mapping';
import { readOptions, type EucaimMediatorOptions } from './options';
import type { MediatorAnswer } from './parse';
import {
  FACET_VALUES, facetQueries, planCohort, queriesOf, queryKey, refutedCriteria,
  type CohortPlan, type FacetAttribute,
} from './plan';

interface FacetJob {
  attribute: FacetAttribute;
  value: string;
  queries: MediatorQuery[];
}

export class EucaimMediatorAdapter implements RepositoryAdapter {
  private readonly client: MediatorClient;
  private readonly options: EucaimMediatorOptions;

  constructor(private readonly entry: RepositoryEntry, environment: AdapterEnvironment) {
    this.options = readOptions(entry.options);
    this.client = new MediatorClient(new NativeHttp({
      repositoryId: entry.id,
      baseUrl: entry.endpoint,
      timeoutMs: entry.timeoutMs,
      credentials: environment.credentials,
      connections: this.options.parallelRequests,
    }));
  }

  async cohort(filter: NormalizedFilter, _context: RequestContext, options: CohortOptions): Promise<CohortRecord> {
    // Criteria the node's answers showed it did not apply, with the reason; each round plans again without them.
    const skip = new Map<FilterCriterion, string>();
    const answers = new Map<string, MediatorAnswer>();
    for (;;) {
      const plan = planCohort(filter, { maxRequests: this.options.maxRequestsPerCohort }, skip);
      const countQueries = queriesOf(plan);
      const facetJobs = options.facets ? this.facetJobs(plan, new Set(countQueries.map(queryKey))) : [];
      await this.ask([...countQueries, ...facetJobs.flatMap((job) => job.queries)], answers);
      const answerOf = (query: MediatorQuery) => answers.get(queryKey(query)) as MediatorAnswer;

      let refuted = false;
      for (const query of countQueries) {
        for (const [criterion, reason] of refutedCriteria(query, answerOf(query), this.entry.collections)) {
          if (skip.has(criterion)) continue;
          skip.set(criterion, reason);
          refuted = true;
        }
      }
      if (refuted) continue;
      return this.cohortRecord(plan, countQueries, facetJobs, answerOf);
    }
  }

  /** Asks each distinct request not yet answered (facet requests often repeat a count request), bounded in parallel. */
  private async ask(queries: readonly MediatorQuery[], answers: Map<string, MediatorAnswer>): Promise<void> {
    const distinct = new Map<string, MediatorQuery>();
    for (const query of queries) if (!answers.has(queryKey(query))) distinct.set(queryKey(query), query);
    await mapWithConcurrency([...distinct], this.options.parallelRequests, async ([key, query]) => {
      answers.set(key, await this.client.search(query));
    });
  }

  private cohortRecord(plan: CohortPlan, countQueries: readonly MediatorQuery[], facetJobs: readonly FacetJob[], answerOf: (q: MediatorQuery) => MediatorAnswer): CohortRecord {
    const sum = (queries: readonly MediatorQuery[]): Counts => queries
      .map((query) => countsOf(answerOf(query), plan.collections))
      .reduce(addCounts, { subjects: 0, studies: 0 });
    const counts = sum(countQueries);
    const facets = new FacetCounter();
    // A facet value the node answered without applying its parameter cannot be counted: that facet is left empty.
    const unknown = new Set(facetJobs.filter((job) => job.queries.some((q) => refutedCriteria(q, answerOf(q), this.entry.collections).size > 0)).map((job) => job.attribute));
    for (const job of facetJobs) {
      if (unknown.has(job.attribute)) continue;
      const subjects = sum(job.queries).subjects;
      // cohortOf lists only values some subject has; so does this.
      if (subjects > 0) facets.addCount(job.attribute, job.value, subjects);
    }
    const result = facets.result();
    for (const attribute of unknown) result[attribute] = [];
    return {
      subjects: counts.subjects,
      studies: counts.studies,
      series: null,
      images: null,
      facets: result,
      // Cancer sites and modalities are counted only for the values the mediator's vocabulary names.
      incompleteFacets: INCOMPLETE_FACETS.filter((facet) => facetJobs.some((job) => job.attribute === facet) && !unknown.has(facet)),
      ...reportFields(plan.report),
    };
  }

  async collections(_context: RequestContext): Promise<CollectionRecord[]> {
    return collectionRecordsOf(await this.client.search({}), this.entry.collections);
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /**
   * The facet values worth asking: those the plan's criteria do not exclude. When they would cost more new requests
   * than `maxFacetRequests`, the facet costing most is left empty (the schema's "cannot count that attribute"),
   * until the rest fit.
   */
  private facetJobs(plan: CohortPlan, countKeys: ReadonlySet<string>): FacetJob[] {
    const byAttribute = new Map<FacetAttribute, FacetJob[]>();
    for (const attribute of Object.keys(FACET_VALUES) as FacetAttribute[]) {
      byAttribute.set(attribute, FACET_VALUES[attribute].flatMap(({ value, code }) => {
        const queries = facetQueries(plan, attribute, code);
        return queries ? [{ attribute, value, queries }] : [];
      }));
    }
    const newKeys = (attributes: Iterable<FacetAttribute>): Set<string> => new Set([...attributes]
      .flatMap((a) => (byAttribute.get(a) ?? []).flatMap((job) => job.queries.map(queryKey)))
      .filter((key) => !countKeys.has(key)));
    while (byAttribute.size > 0 && newKeys(byAttribute.keys()).size > this.options.maxFacetRequests) {
      const costliest = [...byAttribute.keys()].reduce((a, b) => (newKeys([b]).size > newKeys([a]).size ? b : a));
      byAttribute.delete(costliest);
    }
    return [...byAttribute.values()].flat();
  }
}

const INCOMPLETE_FACETS = ['cancerSite', 'modality'] as const;

