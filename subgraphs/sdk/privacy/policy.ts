/**
 * How a repository's counts are protected for callers without a record grant for it: the smallest count shown
 * (k, the minimum cell size of statistical disclosure control) and an optional rounding, as EUCAIM nodes obfuscate
 * their counts. Per repository; today from the entry's `privacy` settings when present, else the defaults.
 */
import type { RepositoryEntry } from '../entry';

/** Counts below this are withheld unless a repository says otherwise (the usual k of aggregate releases). */
export const DEFAULT_MIN_CELL_SIZE = 5;

/** A repository's settings, as the federation config will carry them (`privacy` beside `options`). */
export interface PrivacySettings {
  /** Counts below this are withheld from callers without a record grant. Default DEFAULT_MIN_CELL_SIZE. */
  minCellSize?: number;
  /** Counts shown to callers without a record grant are rounded to the nearest multiple of this. Default: off. */
  roundTo?: number;
}

export interface CountPrivacyPolicy {
  minCellSize: number;
  /** null: counts are shown as counted. */
  roundTo: number | null;
}

/** Problems with a repository's privacy settings, as "field: what is wrong" (for the config's validation). */
export function privacySettingsProblems(settings: PrivacySettings): string[] {
  const problems: string[] = [];
  const { minCellSize, roundTo } = settings;
  if (minCellSize !== undefined && (!Number.isInteger(minCellSize) || minCellSize < 1 || minCellSize > 1000)) {
    problems.push('minCellSize: must be an integer between 1 and 1000');
  }
  if (roundTo !== undefined && (!Number.isInteger(roundTo) || roundTo < 2 || roundTo > 1000)) {
    problems.push('roundTo: must be an integer between 2 and 1000');
  }
  return problems;
}

/** The policy of a repository: its `privacy` settings (checked), else the defaults. */
export function countPrivacyPolicy(entry: Pick<RepositoryEntry, 'id'> & { privacy?: PrivacySettings }): CountPrivacyPolicy {
  const settings = entry.privacy ?? {};
  const problems = privacySettingsProblems(settings);
  if (problems.length > 0) throw new Error(`repository "${entry.id}": privacy.${problems.join(`; privacy.`)}`);
  return { minCellSize: settings.minCellSize ?? DEFAULT_MIN_CELL_SIZE, roundTo: settings.roundTo ?? null };
}
