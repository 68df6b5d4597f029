/**
 * Collection records counted over harvested cases plus the config's catalogue metadata, for adapters whose native
 * API describes its collections little or not at all (DICOMweb, NBIA, XNAT). The config's metadata wins over the
 * native description (it is what the repository registered); a collection only the data holds is still listed.
 */
import { ALL_CANCER_SITES } from '../../schema/codes/cancer-site';
import { ALL_MODALITIES } from '../../schema/codes/modality';
import type { CancerSite, Modality } from '../../schema/generated/graphql';
import type { CollectionMetadata } from './entry';
import type { CaseOutline, CollectionRecord } from './records';

export interface NativeCollection {
  id: string;
  name?: string | null;
  description?: string | null;
}

export function collectionsFromCases(
  records: readonly CaseOutline[], metadata: readonly CollectionMetadata[],
  options: { native?: readonly NativeCollection[]; only?: readonly string[] | null } = {},
): CollectionRecord[] {
  const stats = new Map<string, { subjects: number; studies: number; modalities: Set<Modality>; sites: Set<CancerSite> }>();
  for (const record of records) {
    const id = record.collection ?? '';
    let entry = stats.get(id);
    if (!entry) stats.set(id, (entry = { subjects: 0, studies: 0, modalities: new Set(), sites: new Set() }));
    entry.subjects++;
    entry.studies += record.studies.length;
    for (const study of record.studies) for (const m of study.modalities) entry.modalities.add(m);
    if (record.diagnosis) entry.sites.add(record.diagnosis.cancerSite);
  }
  const described = new Map(metadata.map((m) => [m.id, m]));
  const native = new Map((options.native ?? []).map((c) => [c.id, c]));
  const ids = [...new Set([...native.keys(), ...metadata.map((m) => m.id), ...[...stats.keys()].filter((id) => id !== '')])]
    .filter((id) => !options.only || options.only.includes(id));
  return ids.map((id) => {
    const meta = described.get(id);
    const listed = native.get(id);
    const s = stats.get(id);
    return {
      id,
      name: meta?.name ?? listed?.name ?? id,
      description: meta?.description ?? listed?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: s?.subjects ?? 0,
      studies: s?.studies ?? 0,
      cancerSites: meta ? [meta.cancerSite] : ALL_CANCER_SITES.filter((site) => s?.sites.has(site)),
      modalities: ALL_MODALITIES.filter((m) => s?.modalities.has(m)),
    };
  });
}
