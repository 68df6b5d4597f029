/**
 * Pure mapping of the node's raw facet values to the unified vocabulary, and the one rule that keeps its counts
 * honest: a dataset's counts are per raw value, so a unified value is counted exactly only when one raw value
 * of the dataset stands for it (a subject with "CHEST" and "Chest" series would be counted twice otherwise).
 * A raw value no code table maps ("SC", "AORTA") is shown in the facets under its own spelling, never folded into
 * OTHER or UNKNOWN where it would look like a value the node did not send (FacetCount.value: "the enum name or the
 * raw string"); "Unknown" is the node saying it does not know, and is UNKNOWN.
 */
import { bodyPartOf, normaliseBodyPart } from '../../schema/codes/body-part';
import { manufacturerVendor } from '../../schema/codes/manufacturer';
import { isUnknownModality, normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { CollectionMetadata } from '../sdk/entry';
import type { CollectionRecord } from '../sdk/records';
import type { FacetName, NativeDataset } from './parse';

/** The unified value a raw value matches in a filter (OTHER / UNKNOWN for values no table maps). */
export const UNIFIED_VALUE: Record<FacetName, (raw: string) => string> = {
  sex: (raw) => normaliseSex(raw),
  modality: (raw) => normaliseModality(raw) ?? 'UNKNOWN',
  bodyPart: (raw) => normaliseBodyPart(raw),
  manufacturer: (raw) => manufacturerVendor(raw)?.toLowerCase() ?? 'unknown',
};

/** The facet bucket of a raw value: the unified value, or the raw value itself when no table maps it. */
export const FACET_LABEL: Record<FacetName, (raw: string) => string> = {
  sex: (raw) => normaliseSex(raw),
  modality: (raw) => normaliseModality(raw) ?? (isUnknownModality(raw) ? 'UNKNOWN' : raw.trim()),
  bodyPart: (raw) => bodyPartOf(raw) ?? raw.trim(),
  // The node lists vendors; it writes "Unknown" for series without a manufacturer.
  manufacturer: (raw) => (UNIFIED_VALUE.manufacturer(raw) === 'unknown' ? 'UNKNOWN' : raw),
};

/**
 * Subjects of the dataset having any of `values` (unified), or null when that is not countable exactly: two raw
 * values of the dataset stand for requested values of a multi-valued attribute (sex is single-valued: a subject
 * has one, so its counts add up).
 */
export function subjectsWith(dataset: NativeDataset, facet: FacetName, values: ReadonlySet<string>): number | null {
  const matching = dataset.facets[facet].filter(([raw]) => values.has(UNIFIED_VALUE[facet](raw)));
  if (facet !== 'sex' && matching.length > 1) return null;
  return matching.reduce((sum, [, subjects]) => sum + subjects, 0);
}

/** A facet summed over datasets, by bucket; null when some dataset has two raw values for one bucket. */
export function facetOf(datasets: readonly NativeDataset[], facet: FacetName): Map<string, number> | null {
  const totals = new Map<string, number>();
  for (const dataset of datasets) {
    const seen = new Set<string>();
    for (const [raw, subjects] of dataset.facets[facet]) {
      const label = FACET_LABEL[facet](raw);
      const key = facet === 'manufacturer' ? UNIFIED_VALUE.manufacturer(raw) : label;
      if (seen.has(key) && facet !== 'sex') return null;
      seen.add(key);
      totals.set(label, (totals.get(label) ?? 0) + subjects);
    }
  }
  return totals;
}

export function collectionRecord(dataset: NativeDataset, metadata: CollectionMetadata | undefined): CollectionRecord {
  return {
    id: dataset.id,
    name: dataset.name,
    description: dataset.description,
    licence: dataset.licence ?? metadata?.licence ?? null,
    doi: dataset.doi ?? metadata?.doi ?? null,
    landingPage: metadata?.landingPage ?? null,
    subjects: dataset.subjectsCount,
    studies: dataset.studiesCount,
    cancerSites: metadata ? [metadata.cancerSite] : [],
    modalities: [...new Set(dataset.facets.modality.map(([raw]) => normaliseModality(raw)).filter((m) => m !== null))].sort(),
  };
}
