/**
 * Synthetic data for a simulated config entry: its collections and the `simulate` block decide everything, so
 * the same config always serves the same data.
 */
import type { SimulatedRepositoryEntry } from '../subgraphs/sdk/entry';
import { generateRepositoryData } from './synthetic/generate';
import type { SyntheticRepositoryData } from './synthetic/model';

export function demoDataFor(entry: SimulatedRepositoryEntry): SyntheticRepositoryData {
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
