/**
 * What a caller may see of a repository's counts (issue 9, "Privacy for counts"). Applied by the SDK to every
 * adapter's answer inside the repository subgraph, so a subgraph never sends a small cell to a caller without a
 * record grant, wherever it runs.
 */
import { mayReadSomeRecords, type RequestContext } from '../context';
import type { CohortRecord } from '../records';
import { fullyDisclosed, type DisclosedCohort } from './disclosed';
import type { CountPrivacyPolicy } from './policy';
import { roundCounts } from './rounding';
import { withholdSmallCells } from './small-cells';

export { compareBuckets, fullyDisclosed, type DisclosedBucket, type DisclosedCohort } from './disclosed';
export { countPrivacyPolicy, DEFAULT_MIN_CELL_SIZE, privacySettingsProblems, type CountPrivacyPolicy, type PrivacySettings } from './policy';

/** The cohort as this caller may see it: every count with a record grant for the repository, else protected. */
export function discloseCohort(cohort: CohortRecord, repositoryId: string, policy: CountPrivacyPolicy, context: RequestContext | undefined): DisclosedCohort {
  if (mayReadSomeRecords(context, repositoryId)) return fullyDisclosed(cohort);
  const withheld = withholdSmallCells(cohort, policy.minCellSize);
  return policy.roundTo === null ? withheld : roundCounts(withheld, policy.roundTo);
}
