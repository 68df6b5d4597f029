/**
 * Facet counting in subjects, shared by adapters that count locally and those that read native facets.
 */
import type { CohortFacets, FacetCount } from '../../schema/generated/graphql';

export type FacetName = Exclude<keyof CohortFacets, '__typename'>;

export const FACET_NAMES: readonly FacetName[] = ['modality', 'sex', 'cancerSite', 'bodyPart', 'ageBand', 'manufacturer'];

/** A bucket as an adapter counts it: always with its number (withholding small ones from a caller is privacy/'s job). */
export type FacetBucketRecord = Omit<FacetCount, '__typename' | 'subjects'> & { subjects: number };

export type FacetsRecord = Record<FacetName, FacetBucketRecord[]>;

export function emptyFacets(): FacetsRecord {
  return { modality: [], sex: [], cancerSite: [], bodyPart: [], ageBand: [], manufacturer: [] };
}

/** Ten-year band of an age: "0-9" ... "80-89", "90+"; "UNKNOWN" when absent. */
export function ageBand(age: number | null | undefined): string {
  if (age === null || age === undefined || Number.isNaN(age)) return 'UNKNOWN';
  if (age >= 90) return '90+';
  const low = Math.floor(age / 10) * 10;
  return `${low}-${low + 9}`;
}

/** Counts subjects per value, per facet. Each subject counts once per distinct value. */
export class FacetCounter {
  private readonly counts = new Map<FacetName, Map<string, number>>();

  /** Adds one subject's values for a facet. */
  add(facet: FacetName, values: Iterable<string>): void {
    this.addDistinct(facet, [...new Set(values)]);
  }

  /** Adds one subject's value for a facet that has one value per subject. */
  addOne(facet: FacetName, value: string): void {
    const byValue = this.byValue(facet);
    byValue.set(value, (byValue.get(value) ?? 0) + 1);
  }

  /** Adds one subject's values, already without repeats (the evaluation loops collect them so, without a Set per subject). */
  addDistinct(facet: FacetName, values: readonly string[]): void {
    const byValue = this.byValue(facet);
    for (const value of values) byValue.set(value, (byValue.get(value) ?? 0) + 1);
  }

  private byValue(facet: FacetName): Map<string, number> {
    let byValue = this.counts.get(facet);
    if (!byValue) this.counts.set(facet, (byValue = new Map()));
    return byValue;
  }

  /** Adds a precomputed count (from a native facet endpoint). */
  addCount(facet: FacetName, value: string, subjects: number): void {
    let byValue = this.counts.get(facet);
    if (!byValue) this.counts.set(facet, (byValue = new Map()));
    byValue.set(value, (byValue.get(value) ?? 0) + subjects);
  }

  /** Facets sorted by subjects (descending), then value. */
  result(): FacetsRecord {
    const facets = emptyFacets();
    for (const [facet, byValue] of this.counts) {
      facets[facet] = [...byValue].map(([value, subjects]) => ({ value, subjects }))
        .sort((a, b) => b.subjects - a.subjects || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    }
    return facets;
  }
}
