/**
 * One repository's answer to a Lens query, asked through the gateway itself as the europe subgraph asks it
 * (subgraphs/europe/gateway-link.ts): an inner GraphQL operation with the caller's context, so timeouts, retries,
 * circuit breakers, the answer cache, fair shares, access rules and small-cell suppression apply as to any client.
 *
 * The answer is a Lens result (`totals` and `stratifiers`, what Lens's result summary and charts read) plus what
 * Lens's result type has no room for and a user needs to trust a number: per count whether it is exact, an upper
 * bound, approximate or withheld, and why; the repository's state, as Query.cohort reports it.
 *
 * A union of filter groups (the query's OR of ANDs) is answered exactly where the repository lists cases and the
 * caller may read them all (the case lists' union is counted: subjects exact), and as the sum of the groups'
 * counts otherwise, reported as an upper bound (a case matching two groups is counted twice).
 */
import type { CaseFilter, FilterCriterion } from '../../../schema/generated/graphql';
import { mayReadRecords, type RequestContext } from '../../../subgraphs/sdk/context';
import { FACET_NAMES, type FacetName } from '../../../subgraphs/sdk/facets';
import type { GatewayLink } from '../../../subgraphs/europe/gateway-link';
import { answeredStatus, ask, failedStatus, firstError, type RepositoryStatusRecord } from '../../../subgraphs/europe/status';
import type { ReceivedCohort } from '../../../subgraphs/europe/cohort';
import type { NotApplied } from '../../../subgraphs/sdk/report';
import type { RecordReleaseSink } from '../../../subgraphs/sdk/subgraph';
import type { FilterGroup, TranslatedQuery } from './lens-ast';

/** What the catalogue says of a repository (asked through the gateway with the caller's context). */
export interface ExplorerRepository {
  id: string;
  name: string;
  country: string;
  institution: string;
  apiKind: string;
  granularity: 'COUNT' | 'RECORD';
  caseListing: boolean;
}

export const COUNT_NAMES = ['subjects', 'studies', 'series', 'images'] as const;
export type CountName = (typeof COUNT_NAMES)[number];

/**
 * How far a count can be taken at its word: `exact`; `upper` (an upper bound: criteria not applied, values asked
 * more broadly, or a union summed); `lower` (a lower bound: counted on part of the repository's cases, its index
 * still being harvested); `approximate` (noise or rounding, or bounds both ways); `withheld` (small cell, never
 * shown as 0); `unknown` (the repository cannot count it, e.g. series at a count-only node).
 */
export type CountKind = 'exact' | 'upper' | 'lower' | 'approximate' | 'withheld' | 'unknown';

export interface ShownCount {
  value: number | null;
  kind: CountKind;
}

/** What the explorer page shows of one repository beyond Lens's result. */
export interface RepositoryReport {
  repository: ExplorerRepository;
  status: RepositoryStatusRecord;
  counts: Record<CountName, ShownCount>;
  /** Why counts are not exact, one sentence each. */
  notes: string[];
  suppressed: boolean;
  minCellSize: number | null;
  /** Facet buckets withheld from this caller, per facet (their subjects are not in the chart). */
  withheldBuckets: Partial<Record<FacetName, number>>;
  /** How a union of filter groups was answered; absent for one group. */
  union?: { groups: number; method: 'case lists' | 'sum of groups' };
}

/** Lens's `LensResult` with the report beside it (Lens keeps the object as given and reads only its two fields). */
export interface ExplorerSiteResult {
  totals: Record<string, number>;
  stratifiers: Record<string, Record<string, number>>;
  eucaim: RepositoryReport;
}

const COUNTS = 'subjects exists studies series images exact coverage incompleteFacets filtersApplied filtersNotApplied { criterion reason } suppressed minCellSize roundedTo noiseScale';
const FACETS = `facets { ${FACET_NAMES.map((f) => `${f} { value subjects }`).join(' ')} }`;
const COHORT = `query ExplorerCohort($id: ID!, $where: CaseFilter) { repository(id: $id) { cohort(where: $where) { ${COUNTS} ${FACETS} } } }`;
const CASE_IDS = 'query ExplorerCaseIds($id: ID!, $where: CaseFilter, $after: String) { repository(id: $id) { cases(where: $where, first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { id } } } }';

/** Pages of case ids read per group before a union falls back to summing (a bound on one query's cost). */
const MAX_CASE_PAGES = 10;

/** The groups that apply to a repository: those not limited to other countries. */
export function groupsFor(repository: Pick<ExplorerRepository, 'country'>, query: TranslatedQuery): FilterGroup[] {
  return query.groups.filter((g) => !g.countries || g.countries.includes(repository.country));
}

/** `reads`: where the case ids read to count a union go (the caller's audit of records read, not released). */
export async function answerRepository(
  link: GatewayLink, context: RequestContext, repository: ExplorerRepository, query: TranslatedQuery, reads?: RecordReleaseSink,
): Promise<{ report: RepositoryReport; result?: ExplorerSiteResult }> {
  const groups = groupsFor(repository, query);
  const started = performance.now();
  const cohorts = await Promise.all(groups.map((g) => ask(link, context, { query: COHORT, operationName: 'ExplorerCohort', variables: { id: repository.id, where: g.where } })));
  for (const { answer, latencyMs } of cohorts) {
    const error = firstError(answer);
    const cohort = (answer.data?.repository as { cohort?: ReceivedCohort | null } | null | undefined)?.cohort;
    if (error || !cohort) {
      const status = failedStatus(error ?? { message: `repository "${repository.id}": answered no cohort`, extensions: { code: 'REPOSITORY_BAD_RESPONSE' } }, latencyMs);
      return { report: failedReport(repository, status) };
    }
  }
  const received = cohorts.map(({ answer }) => (answer.data!.repository as { cohort: ReceivedCohort }).cohort);
  const notApplied = mergeNotApplied(received.flatMap((c) => c.filtersNotApplied));
  const notes = [...query.broadened];
  if (notApplied.length > 0) notes.push(...notApplied.map((n) => `${n.criterion} not applied: ${n.reason}`));

  let union: RepositoryReport['union'];
  let unionSubjects: number | null = null;
  if (groups.length > 1) {
    unionSubjects = await countUnion(link, context, repository, groups.map((g) => g.where), notApplied.length > 0, reads);
    union = { groups: groups.length, method: unionSubjects === null ? 'sum of groups' : 'case lists' };
    notes.push(unionSubjects === null
      ? `the query is an OR of ${groups.length} groups and this repository ${repository.caseListing ? 'lists no cases to you' : 'only counts'}: each count is the sum of the groups' counts, so a case matching several groups is counted once per group`
      : `the query is an OR of ${groups.length} groups: subjects counted exactly from the union of the groups' case lists; studies, series, images and the charts add the groups up, so a case matching several groups is counted once per group`);
  }
  const latencyMs = Math.round(performance.now() - started);
  const coverage = received.find((c) => c.coverage)?.coverage ?? null;
  if (coverage) notes.push(`counted on part of its cases (${coverage}): a lower bound; ask again in a moment for the whole`);
  const status = answeredStatus(latencyMs, notApplied, coverage);

  const suppressed = received.some((c) => c.suppressed === true);
  const minCellSize = received.reduce<number | null>((max, c) => (c.minCellSize == null ? max : Math.max(max ?? 0, c.minCellSize)), null);
  const obfuscated = received.some((c) => c.noiseScale != null || c.roundedTo != null);
  if (obfuscated) notes.push('counts carry the repository\'s noise or rounding (privacy)');
  if (suppressed) notes.push(`counts below ${minCellSize ?? 'the threshold'} are withheld from you (no record grant for this repository): they are not in the totals`);
  const upper = notApplied.length > 0 || query.broadened.length > 0;
  const counts = {} as Record<CountName, ShownCount>;
  for (const name of COUNT_NAMES) {
    const values = received.map((c) => c[name]);
    const value = name === 'subjects' && unionSubjects !== null ? unionSubjects
      : values.some((v) => v === null || v === undefined) ? null : values.reduce<number>((sum, v) => sum + (v as number), 0);
    let kind: CountKind;
    if (value === null) kind = suppressed && received.some((c) => c.suppressed && c[name] == null) ? 'withheld' : 'unknown';
    else if ((upper || (groups.length > 1 && !(name === 'subjects' && unionSubjects !== null))) && coverage) kind = 'approximate';
    else if (upper || (groups.length > 1 && !(name === 'subjects' && unionSubjects !== null))) kind = 'upper';
    else if (coverage) kind = 'lower';
    else if (obfuscated || received.some((c) => !c.exact)) kind = 'approximate';
    else kind = 'exact';
    counts[name] = { value, kind };
  }

  const stratifiers: Record<string, Record<string, number>> = {};
  const withheldBuckets: RepositoryReport['withheldBuckets'] = {};
  for (const facet of FACET_NAMES) {
    const buckets: Record<string, number> = {};
    for (const cohort of received) {
      for (const { value, subjects } of cohort.facets[facet] ?? []) {
        if (subjects === null) {
          withheldBuckets[facet] = (withheldBuckets[facet] ?? 0) + 1;
          continue;
        }
        buckets[value] = (buckets[value] ?? 0) + subjects;
      }
    }
    stratifiers[facet] = buckets;
  }
  // One stratum per repository: Lens adds strata up across sites, so the chart shows subjects per country.
  stratifiers.country = counts.subjects.value === null ? {} : { [repository.country]: counts.subjects.value };

  const totals: Record<string, number> = {};
  for (const name of COUNT_NAMES) if (counts[name].value !== null) totals[name] = counts[name].value!;
  const report: RepositoryReport = { repository, status, counts, notes, suppressed, minCellSize, withheldBuckets, ...(union ? { union } : {}) };
  return { report, result: { totals, stratifiers, eucaim: report } };
}

function failedReport(repository: ExplorerRepository, status: RepositoryStatusRecord): RepositoryReport {
  const unknown = { value: null, kind: 'unknown' as const };
  return {
    repository, status, notes: [status.message ?? status.state], suppressed: false, minCellSize: null, withheldBuckets: {},
    counts: { subjects: unknown, studies: unknown, series: unknown, images: unknown },
  };
}

function mergeNotApplied(list: readonly NotApplied[]): NotApplied[] {
  const byCriterion = new Map<FilterCriterion, string[]>();
  for (const { criterion, reason } of list) byCriterion.set(criterion, [...new Set([...(byCriterion.get(criterion) ?? []), reason])]);
  return [...byCriterion].map(([criterion, reasons]) => ({ criterion, reason: reasons.join('; ') }));
}

/**
 * Subjects in the union of the groups, from the repository's case lists (one case is one subject in this model),
 * or null when the lists cannot give it exactly: the repository only counts, the caller may not read all of its
 * records, a criterion was not applied (its list would be refused), a list failed, or it is longer than the bound.
 */
async function countUnion(
  link: GatewayLink, context: RequestContext, repository: ExplorerRepository, filters: readonly CaseFilter[], notApplied: boolean,
  reads?: RecordReleaseSink,
): Promise<number | null> {
  if (!repository.caseListing || notApplied || !mayReadRecords(context, repository.id)) return null;
  const ids = new Set<string>();
  for (const where of filters) {
    let after: string | null = null;
    for (let page = 0; ; page++) {
      if (page === MAX_CASE_PAGES) return null;
      const { answer } = await ask(link, context, { query: CASE_IDS, operationName: 'ExplorerCaseIds', variables: { id: repository.id, where, after } });
      type Page = { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ id: string }> };
      const cases = (answer.data?.repository as { cases?: Page | null } | null | undefined)?.cases;
      if (firstError(answer) || !cases) return null;
      for (const node of cases.nodes) ids.add(node.id);
      // Read, whether or not the union is counted in the end (a long one falls back to summing).
      reads?.cases(repository.id, cases.nodes.map((node) => ({ id: node.id })));
      if (!cases.pageInfo.hasNextPage) break;
      after = cases.pageInfo.endCursor;
    }
  }
  return ids.size;
}
