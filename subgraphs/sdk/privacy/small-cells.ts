/**
 * Small-cell suppression (statistical disclosure control, as in the threshold rules of aggregate health-data
 * releases and EUCAIM's count-only access): for a caller without a record grant, counts below k are withheld.
 *
 * - `subjects` below k (zero included: that somebody is in a cancer-imaging repository is itself health data, so
 *   "none" and "a few" must look alike) withholds every count, `exists` and all facets: they describe the same
 *   few people, and a facet bucket's name alone ("BREAST") would tell their diagnosis.
 * - Otherwise studies, series and images below k are withheld one by one.
 * - Facet buckets below k are withheld (primary suppression). When exactly one bucket of a facet is withheld, it
 *   could be recovered as the cohort's subjects minus the other buckets, so the smallest shown bucket is withheld
 *   too (complementary suppression). Withheld buckets are named only when `subjects` is shown (k or more); when the
 *   cohort's size is unknown they are left out and the facet is reported incomplete.
 * - `exists` is released only where a shown count implies it: a bare "yes" for a handful is not released.
 */
import { emptyFacets, FACET_NAMES, type FacetName } from '../facets';
import type { CohortRecord } from '../records';
import { compareBuckets, type DisclosedBucket, type DisclosedCohort } from './disclosed';

const COUNTS = ['subjects', 'studies', 'series', 'images'] as const;

export function withholdSmallCells(cohort: CohortRecord, minCellSize: number): DisclosedCohort {
  const small = (count: number | null | undefined): boolean => count !== null && count !== undefined && count < minCellSize;
  const disclosure = { suppressed: true, minCellSize, roundedTo: null, noiseScale: null };
  if (small(cohort.subjects)) {
    return {
      ...cohort, ...disclosure, subjects: null, studies: null, series: null, images: null, exists: null,
      facets: emptyFacets(),
    };
  }
  const counts = Object.fromEntries(COUNTS.map((count) => [count, small(cohort[count]) ? null : cohort[count]])) as Pick<CohortRecord, typeof COUNTS[number]>;
  const sizeShown = counts.subjects !== null;
  const incomplete = new Set<FacetName>(cohort.incompleteFacets ?? []);
  const facets = {} as DisclosedCohort['facets'];
  let bucketWithheld = false;
  for (const facet of FACET_NAMES) {
    const buckets = withholdBuckets(cohort.facets[facet] ?? [], minCellSize);
    const withheld = buckets.filter((b) => b.subjects === null);
    bucketWithheld ||= withheld.length > 0;
    if (withheld.length > 0 && !sizeShown) incomplete.add(facet);
    facets[facet] = (sizeShown ? buckets : buckets.filter((b) => b.subjects !== null)).sort(compareBuckets);
  }
  const shownPositive = COUNTS.some((count) => (counts[count] ?? 0) > 0);
  const countWithheld = COUNTS.some((count) => counts[count] === null && cohort[count] !== null && cohort[count] !== undefined);
  const existsWithheld = !shownPositive && cohort.exists !== undefined && cohort.exists !== null;
  return {
    ...cohort, ...counts, facets,
    exists: shownPositive ? true : null,
    incompleteFacets: FACET_NAMES.filter((f) => incomplete.has(f)),
    suppressed: countWithheld || bucketWithheld || existsWithheld,
    minCellSize, roundedTo: null, noiseScale: null,
  };
}

/** One facet's buckets with primary and complementary suppression applied. */
function withholdBuckets(buckets: readonly DisclosedBucket[], minCellSize: number): DisclosedBucket[] {
  const withheld = new Set(buckets.filter((b) => b.subjects === null || b.subjects < minCellSize));
  if (withheld.size === 1) {
    const smallestShown = buckets.filter((b) => !withheld.has(b))
      .sort((a, b) => (a.subjects ?? 0) - (b.subjects ?? 0) || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))[0];
    if (smallestShown) withheld.add(smallestShown);
  }
  return buckets.map((b) => ({ value: b.value, subjects: withheld.has(b) ? null : b.subjects }));
}
