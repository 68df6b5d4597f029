/**
 * Rounding of the counts shown to callers without a record grant, one of the obfuscations EUCAIM nodes apply to
 * counts. Applied after small-cell suppression, which decides on the true counts, and after noise (noise.ts). A
 * shown count is k or more, and rounds to at least one multiple, so rounding never turns a shown count into 0.
 * Rounded counts are not exact.
 */
import { FACET_NAMES } from '../facets';
import { compareBuckets, type DisclosedCohort } from './disclosed';

export function roundToMultiple(count: number, multiple: number): number {
  return Math.max(multiple, Math.round(count / multiple) * multiple);
}

export function roundCounts(cohort: DisclosedCohort, multiple: number): DisclosedCohort {
  const round = (count: number | null): number | null => (count === null ? null : roundToMultiple(count, multiple));
  const facets = { ...cohort.facets };
  for (const facet of FACET_NAMES) {
    facets[facet] = (cohort.facets[facet] ?? []).map((b) => ({ ...b, subjects: round(b.subjects ?? null) })).sort(compareBuckets);
  }
  return {
    ...cohort, facets,
    subjects: round(cohort.subjects), studies: round(cohort.studies), series: round(cohort.series), images: round(cohort.images),
    exact: false, roundedTo: multiple,
  };
}
