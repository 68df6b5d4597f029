/**
 * Which criteria a repository applied. Counting honestly means never dropping a criterion silently: an adapter
 * splits the filter into what it can evaluate and what it reports as not applied, with a reason.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import { ErrorCode, RepositoryError } from './errors';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from './filter';
import type { CohortRecord } from './records';

export interface NotApplied {
  criterion: FilterCriterion;
  reason: string;
}

export interface FilterReport {
  applied: FilterCriterion[];
  notApplied: NotApplied[];
  /** False when counts are approximate for another reason (noise, caps). */
  exact?: boolean;
}

/**
 * Splits a filter by what the repository supports. `reasonFor` explains each unsupported criterion.
 * Returns the filter to evaluate (without the unsupported criteria) and the report.
 */
export function splitFilter(
  filter: NormalizedFilter,
  supported: readonly FilterCriterion[],
  reasonFor: (criterion: FilterCriterion) => string,
): { evaluable: NormalizedFilter; report: FilterReport } {
  const requested = criteriaOf(filter);
  const unsupported = requested.filter((c) => !supported.includes(c));
  return {
    evaluable: withoutCriteria(filter, unsupported),
    report: {
      applied: requested.filter((c) => supported.includes(c)),
      notApplied: unsupported.map((criterion) => ({ criterion, reason: reasonFor(criterion) })),
    },
  };
}

/**
 * Case lists have no room to say "this criterion was ignored", so a list request with a criterion the repository
 * cannot evaluate is refused with an error naming it, rather than answered with too many cases.
 */
export function requireAllApplied(report: FilterReport, repositoryId: string): void {
  if (report.notApplied.length === 0) return;
  const list = report.notApplied.map((n) => `${n.criterion} (${n.reason})`).join('; ');
  throw new RepositoryError(ErrorCode.NOT_SUPPORTED, repositoryId, `cannot list cases for this filter: it cannot evaluate ${list}`, { argument: 'where' });
}

/**
 * A cohort counted on part of the repository (`coverage` says which; null for the whole): its counts are lower
 * bounds, so not exact, and no match in the part is not no match at all (`exists` unknown then).
 */
export function coveringPart(cohort: CohortRecord, coverage: string | null): CohortRecord {
  if (coverage === null) return cohort;
  const matched = cohort.exists === true || (cohort.subjects ?? 0) > 0;
  return { ...cohort, exact: false, coverage, exists: matched ? true : null };
}
