/**
 * Laplace noise on the counts shown to callers without a record grant, as federated-search nodes obfuscate their
 * counts (Samply Focus with Samply.Laplace, github.com/samply/laplace-rs: noise, then rounding). Added after
 * small-cell suppression, which decides on the true counts, and before rounding.
 *
 * Fixed, not drawn: the noise of a count is computed from an HMAC-SHA256, keyed by a secret, over the repository,
 * the filter as the repository applied it (in a canonical form), the count's name and its true value. Asking again
 * gives the same answer, so repeats cannot be averaged away; the same filter written differently ([MR, CT] or
 * [CT, MR], "Siemens" or "siemens ", a criterion the repository could not apply left in or out) is the same query.
 * The true value is in the key so that a count that changes is drawn afresh: with the noise of a query fixed for
 * good, watching its answer over time would show each change exactly. Keyed on the value alone (as Samply's cache
 * is), two filters with the same count would always answer alike, and "Q" and "Q without this person" answering
 * alike would tell that the person is not in Q (Samply's cache is also lost at each restart).
 *
 * What it does not stop: filters that select the same people but that the canonical form cannot tell are the same
 * (a manufacturer nobody has, an age range wider than the data) get noise of their own, and averaging many of them
 * approaches the true count, as with any noise without a privacy budget. k-suppression never depends on the noise.
 *
 * A shown count is the true count plus the noise rounded to a whole number (a whole number also keeps the gaps of
 * floating-point samples, Mironov 2012, out of the answer), and never below k: every shown count is k or more
 * before noise, and a shown count under k would read as one that small-cell suppression let through.
 */
import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { FilterCriterion } from '../../../schema/generated/graphql';
import { FACET_NAMES } from '../facets';
import { withoutCriteria, type NormalizedFilter } from '../filter';
import { compareBuckets, type DisclosedCohort } from './disclosed';

export interface CountNoise {
  /** The Laplace scale b = sensitivity / epsilon, with a sensitivity of 1 (one subject moves a count by one). */
  scale: number;
  /** The HMAC key; a KeyObject so that it is never printed with the policy. */
  key: KeyObject;
}

/** The query a cohort answers, as far as its noise depends on it. */
export interface NoisedQuery {
  repositoryId: string;
  /** As the subgraph validated it (normaliseFilter). */
  filter: NormalizedFilter;
}

/** Bump to draw every noise afresh (a change of the canonical form must not silently change some answers only). */
const VERSION = 'eucaim-count-noise/v1';
export const MIN_KEY_LENGTH = 32;
let processKey: KeyObject | undefined;

/**
 * The secret of the noise: PRIVACY_NOISE_KEY, the same on every replica and standalone subgraph of a repository so
 * that they all give the same answer. Without it a random key per process start, so a restart draws all noise
 * afresh (and replicas disagree): refused when NODE_ENV=production.
 */
export function noiseKey(env: NodeJS.ProcessEnv, repositoryId: string): KeyObject {
  const configured = env.PRIVACY_NOISE_KEY;
  if (configured !== undefined && configured !== '') {
    if (configured.length < MIN_KEY_LENGTH) {
      throw new Error(`PRIVACY_NOISE_KEY must be at least ${MIN_KEY_LENGTH} characters (e.g. the output of \`openssl rand -base64 32\`)`);
    }
    return createSecretKey(Buffer.from(configured, 'utf8'));
  }
  if (env.NODE_ENV === 'production') {
    throw new Error(`repository "${repositoryId}": privacy.noise needs PRIVACY_NOISE_KEY when NODE_ENV=production (one secret shared by every replica and kept across restarts, e.g. \`openssl rand -base64 32\`); without it each start and each replica would draw other noise, which averages away`);
  }
  if (!processKey) {
    processKey = createSecretKey(randomBytes(32));
    console.warn('PRIVACY_NOISE_KEY is not set: the noise on counts is drawn with a key of this process, afresh at every start (set it, the same on every replica, in a deployment)');
  }
  return processKey;
}

/**
 * A draw of Laplace(0, 1) fixed by the key and the material: an HMAC-SHA256 gives a sign (1 bit) and a uniform u in
 * (0, 1] (52 bits); −ln u is then Exponential(1), and a signed exponential is Laplace (inverse transform sampling).
 */
export function laplaceDraw(key: KeyObject, material: readonly unknown[]): number {
  const bits = createHmac('sha256', key).update(JSON.stringify([VERSION, ...material])).digest().readBigUInt64BE(0);
  const sign = bits >> 63n === 1n ? -1 : 1;
  const u = (Number((bits >> 11n) & ((1n << 52n) - 1n)) + 1) / 2 ** 52;
  return -sign * Math.log(u);
}

/**
 * The filter as text that is the same for every writing of the same question: the criteria the repository applied
 * (those it reports not applied do not change its answer), in name order, each list sorted, each range with both
 * bounds. Lists are already de-duplicated and manufacturers case-folded (normaliseFilter).
 */
export function canonicalFilter(filter: NormalizedFilter, notApplied: readonly FilterCriterion[] = []): string {
  const applied = withoutCriteria(filter, notApplied);
  return JSON.stringify(Object.keys(applied).sort().map((name) => {
    const value = applied[name as keyof NormalizedFilter]!;
    return [name, Array.isArray(value) ? [...value].sort() : [value.min ?? null, value.max ?? null]];
  }));
}

/** The cohort with noise on every count and facet bucket shown (withheld ones stay null), never below minCellSize. */
export function addNoise(cohort: DisclosedCohort, query: NoisedQuery, noise: CountNoise, minCellSize: number): DisclosedCohort {
  const filter = canonicalFilter(query.filter, cohort.filtersNotApplied.map((n) => n.criterion));
  const noisy = (cell: readonly string[], count: number | null | undefined): number | null => {
    if (count === null || count === undefined) return null;
    const offset = Math.round(noise.scale * laplaceDraw(noise.key, [query.repositoryId, filter, cell, count]));
    return Math.max(minCellSize, count + offset);
  };
  const facets = { ...cohort.facets };
  for (const facet of FACET_NAMES) {
    // Re-sorted by the shown counts: an order by the true ones would tell what the noise hides.
    facets[facet] = (cohort.facets[facet] ?? []).map((b) => ({ ...b, subjects: noisy(['facet', facet, b.value], b.subjects) })).sort(compareBuckets);
  }
  return {
    ...cohort, facets,
    subjects: noisy(['subjects'], cohort.subjects), studies: noisy(['studies'], cohort.studies),
    series: noisy(['series'], cohort.series), images: noisy(['images'], cohort.images),
    exact: false, noiseScale: noise.scale,
  };
}
