/**
 * Europe-wide cohorts: each selected repository's cohort asked through the gateway (one inner operation per
 * repository, in parallel, so each is timed and its errors are its own), then summed.
 *
 * Privacy: each repository answers with the caller's context, so counts it withholds from this caller (small
 * cells, sdk/privacy/) arrive as null and are never seen here. The total adds up only what was shown: every total
 * is a sum of released numbers, so no subtraction of a total and its parts reveals a withheld one; the total is
 * then a lower bound, and says so (`suppressed`, `exact` false, `suppressedRepositories`). Counts a repository
 * shows with noise (`noiseScale`) are added as shown: the total carries the sum of their noise, is not exact, and
 * minus its shown parts still gives 0.
 */
import type { CaseFilter, FilterCriterion, RepositoryFilter } from '../../schema/generated/graphql';
import type { RequestContext } from '../sdk/context';
import { emptyFacets, FACET_NAMES, type FacetName } from '../sdk/facets';
import { compareBuckets, type DisclosedBucket } from '../sdk/privacy';
import type { CohortRecord } from '../sdk/records';
import type { NotApplied } from '../sdk/report';
import { dispatchOrder } from './dispatch-order';
import type { GatewayLink } from './gateway-link';
import { answeredStatus, ask, failedStatus, firstError, listRepositories, type RepositoryStatusRecord } from './status';
import { ErrorCode } from '../sdk/errors';

/**
 * A repository's cohort as this caller received it: buckets withheld from the caller are null, and what was
 * withheld is said (absent where a repository's answer predates it: then nothing was withheld).
 */
export type ReceivedCohort = Omit<CohortRecord, 'facets'> & {
  facets: Record<FacetName, DisclosedBucket[]>;
  suppressed?: boolean;
  minCellSize?: number | null;
  roundedTo?: number | null;
  noiseScale?: number | null;
};

/** A Europe-wide total, with what was withheld from it. */
export type TotalCohort = Omit<ReceivedCohort, 'suppressed' | 'minCellSize' | 'roundedTo' | 'noiseScale'> & {
  suppressed: boolean;
  minCellSize: number | null;
  roundedTo: number | null;
  noiseScale: number | null;
};

export interface RepositoryCohortRecord {
  repositoryId: string;
  repository: { __typename: string; id: string };
  cohort: ReceivedCohort | null;
  status: RepositoryStatusRecord;
  inTotal: boolean;
}

export interface CohortContributorsRecord {
  subjects: string[];
  studies: string[];
  series: string[];
  images: string[];
  facets: Array<{ facet: FacetName; repositories: string[] }>;
}

export interface FederatedCohortRecord {
  total: TotalCohort;
  contributors: CohortContributorsRecord;
  repositories: RepositoryCohortRecord[];
  complete: boolean;
  suppressedRepositories: string[];
}

const COUNTS = 'subjects exists studies series images exact coverage incompleteFacets filtersApplied filtersNotApplied { criterion reason } suppressed minCellSize roundedTo noiseScale';
const FACETS = `facets { ${FACET_NAMES.map((f) => `${f} { value subjects }`).join(' ')} }`;

function cohortOperation(facets: boolean): string {
  return `query EuropeCohort($id: ID!, $where: CaseFilter) { repository(id: $id) { cohort(where: $where) { ${COUNTS}${facets ? ` ${FACETS}` : ''} } } }`;
}

export interface CohortRequest {
  where: CaseFilter | null | undefined;
  repositories: RepositoryFilter | null | undefined;
  /** The criteria the filter sets. */
  criteria: readonly FilterCriterion[];
  /** Whether the client selects facets anywhere (adapters skip native facet calls otherwise). */
  facets: boolean;
}

export async function federatedCohort(
  link: GatewayLink, context: RequestContext, request: CohortRequest, typeNameOf: (id: string) => string,
): Promise<FederatedCohortRecord> {
  const selected = await listRepositories(link, context, request.repositories);
  const query = cohortOperation(request.facets);
  const parts = await dispatchOrder.askAll(selected, (r) => r.id, async ({ id }): Promise<RepositoryCohortRecord> => {
    const { answer, latencyMs } = await ask(link, context, { query, operationName: 'EuropeCohort', variables: { id, where: request.where } });
    const cohort = ((answer.data?.repository as { cohort?: ReceivedCohort | null } | null | undefined)?.cohort) ?? null;
    const error = firstError(answer);
    const repository = { __typename: typeNameOf(id), id };
    if (error || !cohort) {
      if (error?.extensions?.code === ErrorCode.TIMEOUT) dispatchOrder.record(id, latencyMs);
      return { repositoryId: id, repository, cohort: null, inTotal: false,
        status: failedStatus(error ?? { message: `repository "${id}": answered no cohort`, extensions: { code: ErrorCode.BAD_RESPONSE } }, latencyMs) };
    }
    if (!answer.fromCache) dispatchOrder.record(id, latencyMs);
    if (!request.facets) cohort.facets = emptyFacets();
    return { repositoryId: id, repository, cohort, inTotal: true, status: answeredStatus(latencyMs, cohort.filtersNotApplied, cohort.coverage) };
  });
  const { total, contributors, suppressedRepositories } = sumCohorts(parts, request.criteria, request.facets);
  return { total, contributors, repositories: parts, complete: parts.every((p) => p.status.state === 'OK'), suppressedRepositories };
}

/**
 * Sums the cohorts of the repositories that answered. Each count is the sum over those that gave it (null when
 * none did); facets add up bucket by bucket, over the buckets shown (a bucket withheld everywhere stays withheld).
 * `exact` holds only when every repository answered exactly and withheld nothing.
 */
export function sumCohorts(
  parts: ReadonlyArray<Pick<RepositoryCohortRecord, 'repositoryId' | 'cohort'>>, criteria: readonly FilterCriterion[], withFacets: boolean,
): { total: TotalCohort; contributors: CohortContributorsRecord; suppressedRepositories: string[] } {
  const answered = parts.filter((p): p is typeof p & { cohort: ReceivedCohort } => p.cohort !== null);
  const suppressedRepositories = answered.filter((p) => p.cohort.suppressed === true).map((p) => p.repositoryId);
  const contributors: CohortContributorsRecord = { subjects: [], studies: [], series: [], images: [], facets: [] };
  const sums: Record<'subjects' | 'studies' | 'series' | 'images', number | null> = { subjects: null, studies: null, series: null, images: null };
  for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
    for (const { repositoryId, cohort } of answered) {
      const value = cohort[count];
      if (value === null || value === undefined) continue;
      sums[count] = (sums[count] ?? 0) + value;
      contributors[count].push(repositoryId);
    }
  }

  const facets: TotalCohort['facets'] = emptyFacets();
  const incomplete = new Set<FacetName>();
  if (withFacets) {
    for (const facet of FACET_NAMES) {
      // null: the bucket is withheld by every repository that names it.
      const byValue = new Map<string, number | null>();
      const from: string[] = [];
      for (const { repositoryId, cohort } of answered) {
        const buckets = cohort.facets[facet] ?? [];
        if (cohort.incompleteFacets?.includes(facet)) incomplete.add(facet);
        if (buckets.length === 0) {
          // An empty list: nothing to count (no subjects), or the repository cannot count this attribute.
          if (cohort.subjects !== 0) incomplete.add(facet);
          if (cohort.subjects === 0) from.push(repositoryId);
          continue;
        }
        from.push(repositoryId);
        for (const { value, subjects } of buckets) {
          const sum = byValue.get(value) ?? null;
          if (subjects === null) {
            // Left out, not estimated: the total is then a lower bound, and the facet says it misses subjects.
            incomplete.add(facet);
            byValue.set(value, sum);
          } else {
            byValue.set(value, (sum ?? 0) + subjects);
          }
        }
      }
      facets[facet] = [...byValue].map(([value, subjects]) => ({ value, subjects })).sort(compareBuckets);
      contributors.facets.push({ facet, repositories: from });
    }
  }

  const reasons = new Map<FilterCriterion, string[]>();
  for (const { repositoryId, cohort } of answered) {
    for (const { criterion, reason } of cohort.filtersNotApplied) {
      reasons.set(criterion, [...(reasons.get(criterion) ?? []), `repository "${repositoryId}": ${reason}`]);
    }
  }
  const filtersNotApplied: NotApplied[] = criteria.filter((c) => reasons.has(c)).map((criterion) => ({ criterion, reason: reasons.get(criterion)!.join('; ') }));
  // A criterion reported by a repository but not requested would be an adapter defect; keep it visible anyway.
  for (const [criterion, list] of reasons) {
    if (!criteria.includes(criterion)) filtersNotApplied.push({ criterion, reason: list.join('; ') });
  }

  // Someone matches when any repository says so, even one that answers existence without a number.
  const anyExists = answered.some((p) => p.cohort.exists === true || (p.cohort.subjects ?? 0) > 0);
  const allKnownAbsent = answered.length > 0 && answered.every((p) => p.cohort.exists === false || (p.cohort.subjects === 0 && p.cohort.exists !== null));
  // Repositories that answered from part of their cases: the total is a lower bound, and says whose parts.
  const parted = answered.filter((p) => p.cohort.coverage);
  const largest = (values: ReadonlyArray<number | null | undefined>): number | null =>
    values.reduce<number | null>((max, v) => (v === null || v === undefined ? max : Math.max(max ?? v, v)), null);
  const total: TotalCohort = {
    ...sums,
    exists: anyExists ? true : allKnownAbsent && answered.length === parts.length ? false : null,
    exact: answered.length === parts.length && answered.every((p) => p.cohort.exact) && suppressedRepositories.length === 0,
    coverage: parted.length === 0 ? null : parted.map((p) => `repository "${p.repositoryId}": ${p.cohort.coverage}`).join('; '),
    suppressed: suppressedRepositories.length > 0,
    minCellSize: largest(answered.map((p) => p.cohort.minCellSize)),
    roundedTo: largest(answered.map((p) => p.cohort.roundedTo)),
    noiseScale: largest(answered.map((p) => p.cohort.noiseScale)),
    facets,
    incompleteFacets: FACET_NAMES.filter((f) => incomplete.has(f)),
    filtersApplied: criteria.filter((c) => !reasons.has(c)),
    filtersNotApplied,
  };
  return { total, contributors, suppressedRepositories };
}
