/**
 * Collection records from cases plus the config's catalogue metadata, for adapters whose native API lists no
 * collection metadata (DICOMweb, NBIA).
 */
import type { CancerSite, Modality } from '../../schema/generated/graphql';
import type { CollectionMetadata } from './entry';
import type { CollectionRecord, FullCaseRecord } from './records';

export function collectionsFromCases(records: readonly FullCaseRecord[], metadata: readonly CollectionMetadata[]): CollectionRecord[] {
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
  const ids = [...new Set([...metadata.map((m) => m.id), ...[...stats.keys()].filter((id) => id !== '')])];
  return ids.map((id) => {
    const meta = described.get(id);
    const s = stats.get(id);
    return {
      id,
      name: meta?.name ?? id,
      description: meta?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: s?.subjects ?? 0,
      studies: s?.studies ?? 0,
      cancerSites: meta ? [meta.cancerSite] : [...(s?.sites ?? [])],
      modalities: [...(s?.modalities ?? [])].sort(),
    };
  });
}
