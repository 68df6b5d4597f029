/**
 * What a caller may see of a repository's counts (issue 9, "Privacy for counts"). Applied by the SDK to every
 * adapter's answer inside the repository subgraph, so a subgraph never sends a small cell (nor a count without its
 * noise) to a caller without a record grant, wherever it runs.
 */
import { mayReadSomeRecords, type RequestContext } from '../context';
import type { NormalizedFilter } from '../filter';
import type { CohortRecord } from '../records';
import { fullyDisclosed, type DisclosedCohort } from './disclosed';
import { addNoise } from './noise';
import type { CountPrivacyPolicy } from './policy';
import { roundCounts } from './rounding';
import { withholdSmallCells } from './small-cells';

export { compareBuckets, fullyDisclosed, type DisclosedBucket, type DisclosedCohort } from './disclosed';
export { canonicalFilter, type CountNoise } from './noise';
export {
  countPrivacyPolicy, DEFAULT_MIN_CELL_SIZE, privacySettingsProblems, type CountPrivacyPolicy, type NoiseSettings, type PrivacySettings,
} from './policy';

/**
 * The cohort as this caller may see it: every count with a record grant for the repository, else protected.
 * `filter` is the query the cohort answers (the noise is fixed per filter). Suppression decides on the true counts;
 * noise is added to what is shown; rounding comes last (noise, then rounding, as Samply.Laplace does).
 */
export function discloseCohort(
  cohort: CohortRecord, repositoryId: string, policy: CountPrivacyPolicy, context: RequestContext | undefined, filter: NormalizedFilter,
): DisclosedCohort {
  if (mayReadSomeRecords(context, repositoryId)) return fullyDisclosed(cohort);
  const withheld = withholdSmallCells(cohort, policy.minCellSize);
  const noisy = policy.noise === null ? withheld : addNoise(withheld, { repositoryId, filter }, policy.noise, policy.minCellSize);
  return policy.roundTo === null ? noisy : roundCounts(noisy, policy.roundTo);
}
