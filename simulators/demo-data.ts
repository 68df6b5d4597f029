/**
 * Synthetic data for a simulated config entry: its collections and the `simulate` block decide everything, so
 * the same config always serves the same data.
 */
import { generateRepositoryData, type CollectionSpec, type RepositoryDataSpec } from './synthetic/generate';
import type { SyntheticRepositoryData } from './synthetic/model';

/**
 * What a federation config entry tells its simulator, read as the config file states it (README "Configuration"),
 * not through the adapters' types: its id, its collections and its `simulate` block.
 */
export interface SimulatedEntryData {
  id: string;
  collections: ReadonlyArray<Omit<CollectionSpec, 'weight'>>;
  simulate?: Pick<RepositoryDataSpec, 'seed' | 'cases' | 'subjectPrefix' | 'language'> & { weights?: Record<string, number> };
}

export function demoDataFor(entry: SimulatedEntryData): SyntheticRepositoryData {
  const simulate = entry.simulate;
  if (!simulate) throw new Error(`repository "${entry.id}" has no "simulate" block`);
  return generateRepositoryData({
    repositoryId: entry.id,
    seed: simulate.seed,
    cases: simulate.cases,
    subjectPrefix: simulate.subjectPrefix,
    language: simulate.language,
    collections: entry.collections.map((c) => ({
      id: c.id, name: c.name, cancerSite: c.cancerSite, weight: simulate.weights?.[c.id],
      description: c.description, licence: c.licence, doi: c.doi,
    })),
  });
}
