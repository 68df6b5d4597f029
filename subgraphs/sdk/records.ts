/**
 * The unified records adapters produce, typed from the schema (npm run codegen).
 */
import type { Case, Cohort, Collection, ImagingSeries, ImagingStudy } from '../../schema/generated/graphql';
import type { FacetsRecord } from './facets';

export type SeriesRecord = Omit<ImagingSeries, '__typename'>;
export type StudyRecord = Omit<ImagingStudy, '__typename' | 'series'> & { series: SeriesRecord[] };
/** A case; `studies` may be left out and loaded in a batch when a query selects them. */
export type CaseRecord = Omit<Case, '__typename' | 'studies'> & { studies?: StudyRecord[] };
export type FullCaseRecord = CaseRecord & { studies: StudyRecord[] };
/**
 * What collection statistics read of a case: its collection and diagnosis, its studies' modalities and their series'
 * modalities. A FullCaseRecord is one; the compact index gives these without building whole records (case-index.ts).
 */
export type CaseOutline = Readonly<Pick<CaseRecord, 'subjectId' | 'collection' | 'diagnosis'>> & {
  readonly studies: ReadonlyArray<{ readonly modalities: readonly StudyRecord['modalities'][number][]; readonly series: ReadonlyArray<Pick<SeriesRecord, 'modality' | 'modalityRaw'>> }>;
};
/** `unmappedModalities` may be left out where the repository lists only values that map. */
export type CollectionRecord = Omit<Collection, '__typename' | 'unmappedModalities'> & { unmappedModalities?: string[] };
/** `incompleteFacets` may be left out: most adapters count every value of the facets they give. */
/** `exists` may be left out where it follows from `subjects`. */
/** What is withheld from a caller (`suppressed`, `minCellSize`, `roundedTo`, `noiseScale`) is the SDK's to say (privacy/), not the adapter's. */
/** `coverage` may be left out: most answers cover the whole repository. */
export type CohortRecord = Omit<Cohort, '__typename' | 'incompleteFacets' | 'exists' | 'coverage' | 'facets' | 'suppressed' | 'minCellSize' | 'roundedTo' | 'noiseScale'> & {
  incompleteFacets?: Array<Exclude<keyof Cohort['facets'], '__typename'>>;
  exists?: boolean | null;
  coverage?: string | null;
  facets: FacetsRecord;
};
