/**
 * Ages from native data, checked once for every adapter. A human age outside 0-130 years is not a rare patient but
 * a broken record or a unit mix-up (days read as years, a typo such as 965), so it is refused as bad native data,
 * naming the repository and where the value came from, instead of being counted or bucketed.
 */
import { ErrorCode, RepositoryError } from './errors';

export const MAX_HUMAN_AGE_YEARS = 130;

/** The age in years when it is a plausible human age; otherwise a REPOSITORY_BAD_RESPONSE error. */
export function checkedAgeYears(years: number, repositoryId: string, where: string): number {
  if (Number.isFinite(years) && years >= 0 && years <= MAX_HUMAN_AGE_YEARS) return years;
  throw new RepositoryError(ErrorCode.BAD_RESPONSE, repositoryId,
    `bad native data: ${where} is an age of ${years} years, outside 0-${MAX_HUMAN_AGE_YEARS}`);
}
