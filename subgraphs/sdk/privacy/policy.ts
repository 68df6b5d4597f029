/**
 * How a repository's counts are protected for callers without a record grant for it: the smallest count shown
 * (k, the minimum cell size of statistical disclosure control) and optional obfuscation as EUCAIM nodes apply to
 * their counts (Laplace noise, rounding). Per repository, from the entry's `privacy` settings, else the defaults.
 */
import type { RepositoryEntry } from '../entry';
import { noiseKey, type CountNoise } from './noise';
import { isJsonObject } from '../parse';

/** Counts below this are withheld unless a repository says otherwise (the usual k of aggregate releases). */
export const DEFAULT_MIN_CELL_SIZE = 5;
export const NOISE_MECHANISMS = ['laplace'] as const;
export const EPSILON_RANGE = { min: 0.01, max: 10 } as const;

/** A repository's settings, as the federation config carries them (`privacy` beside `options`). */
export interface PrivacySettings {
  /** Counts below this are withheld from callers without a record grant. Default DEFAULT_MIN_CELL_SIZE. */
  minCellSize?: number;
  /** Counts shown to callers without a record grant are rounded to the nearest multiple of this. Default: off. */
  roundTo?: number;
  /** Noise added to the counts shown to callers without a record grant (noise.ts). Default: off. */
  noise?: NoiseSettings;
}

export interface NoiseSettings {
  /** Laplace noise of scale 1/epsilon: a count of subjects changes by at most 1 with one subject (its sensitivity). */
  mechanism: typeof NOISE_MECHANISMS[number];
  /** The privacy loss of one count: smaller is noisier. */
  epsilon: number;
}

export interface CountPrivacyPolicy {
  minCellSize: number;
  /** null: counts are shown as counted. */
  roundTo: number | null;
  /** null: counts carry no noise. */
  noise: CountNoise | null;
}

const SETTINGS = ['minCellSize', 'roundTo', 'noise'];
const NOISE_SETTINGS = ['mechanism', 'epsilon'];
const integerIn = (v: unknown, min: number, max: number): boolean => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/**
 * Problems with a repository's `privacy` settings as written in the config, each as "privacy.field: what is wrong".
 * An unknown setting is a problem, not ignored: a misspelt protection must not silently be off.
 */
export function privacySettingsProblems(settings: unknown): string[] {
  if (settings === undefined) return [];
  if (!isJsonObject(settings)) return ['privacy: must be an object like { "minCellSize": 5 }'];
  const problems = Object.keys(settings).filter((key) => !SETTINGS.includes(key))
    .map((key) => `privacy.${key}: unknown setting; privacy has ${SETTINGS.join(', ')}`);
  const { minCellSize, roundTo, noise } = settings;
  if (minCellSize !== undefined && !integerIn(minCellSize, 1, 1000)) problems.push('privacy.minCellSize: must be an integer between 1 and 1000');
  if (roundTo !== undefined && !integerIn(roundTo, 2, 1000)) problems.push('privacy.roundTo: must be an integer between 2 and 1000');
  if (noise === undefined) return problems;
  if (!isJsonObject(noise)) return [...problems, 'privacy.noise: must be an object like { "mechanism": "laplace", "epsilon": 1 }'];
  for (const key of Object.keys(noise)) {
    if (!NOISE_SETTINGS.includes(key)) problems.push(`privacy.noise.${key}: unknown setting; noise has ${NOISE_SETTINGS.join(', ')}`);
  }
  if (noise.mechanism === undefined) problems.push(`privacy.noise.mechanism: missing; known: ${NOISE_MECHANISMS.join(', ')}`);
  else if (!NOISE_MECHANISMS.includes(noise.mechanism as NoiseSettings['mechanism'])) {
    problems.push(`privacy.noise.mechanism: unknown mechanism ${JSON.stringify(noise.mechanism)}; known: ${NOISE_MECHANISMS.join(', ')}`);
  }
  const { epsilon } = noise;
  const rule = `a number between ${EPSILON_RANGE.min} and ${EPSILON_RANGE.max} (the noise's scale is 1/epsilon: smaller is noisier)`;
  if (epsilon === undefined) problems.push(`privacy.noise.epsilon: missing; give ${rule}`);
  else if (typeof epsilon !== 'number' || !(epsilon >= EPSILON_RANGE.min && epsilon <= EPSILON_RANGE.max)) problems.push(`privacy.noise.epsilon: must be ${rule}`);
  return problems;
}

/**
 * The policy of a repository: its `privacy` settings (checked), else the defaults. With noise, the key comes from
 * the environment (noise.ts, `PRIVACY_NOISE_KEY`), so this throws where the environment cannot give one.
 */
export function countPrivacyPolicy(entry: Pick<RepositoryEntry, 'id' | 'privacy'>, env: NodeJS.ProcessEnv = process.env): CountPrivacyPolicy {
  const problems = privacySettingsProblems(entry.privacy);
  if (problems.length > 0) throw new Error(`repository "${entry.id}": ${problems.join('; ')}`);
  const settings = entry.privacy ?? {};
  return {
    minCellSize: settings.minCellSize ?? DEFAULT_MIN_CELL_SIZE,
    roundTo: settings.roundTo ?? null,
    noise: settings.noise ? { scale: 1 / settings.noise.epsilon, key: noiseKey(env, entry.id) } : null,
  };
}
