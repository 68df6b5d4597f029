/**
 * A cohort as a caller receives it: what the adapter counted, with what is withheld from this caller said.
 */
import type { Cohort, FacetCount } from '../../../schema/generated/graphql';
import type { FacetName } from '../facets';
import type { CohortRecord } from '../records';

export type DisclosedBucket = Omit<FacetCount, '__typename'>;

export type DisclosedCohort = Omit<CohortRecord, 'exists' | 'facets'> & Pick<Cohort, 'suppressed' | 'minCellSize' | 'roundedTo' | 'noiseScale'> & {
  exists: boolean | null;
  facets: Record<FacetName, DisclosedBucket[]>;
};

/** The cohort as counted, for a caller who may see every count (a record grant for the repository). */
export function fullyDisclosed(cohort: CohortRecord): DisclosedCohort {
  return {
    ...cohort,
    exists: cohort.exists ?? (cohort.subjects === null ? null : cohort.subjects > 0),
    suppressed: false, minCellSize: null, roundedTo: null, noiseScale: null,
  };
}

/** Order of a facet's buckets: shown ones by subjects (descending) then value; withheld ones (null) after, by value only. */
export function compareBuckets(a: DisclosedBucket, b: DisclosedBucket): number {
  if ((a.subjects === null) !== (b.subjects === null)) return a.subjects === null ? 1 : -1;
  const bySize = (b.subjects ?? 0) - (a.subjects ?? 0);
  return bySize || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}
