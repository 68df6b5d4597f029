/**
 * Shared set-up of the NBIA tests: deterministic synthetic data (seed 11, 300 cases, breast, lung and kidney
 * collections, French raw body parts for dirt), a config entry pointing at a running simulator, and the ground truth.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { normaliseFilter, type NormalizedFilter } from '../../subgraphs/sdk/filter';

export const REPOSITORY_ID = 'fr-test-nbia';

export function nbiaTestData(cases = 300): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed: 11,
    cases,
    subjectPrefix: 'NB',
    language: 'fr',
    collections: [
      { id: 'NB-BREAST', name: 'Test Breast MRI', cancerSite: 'BREAST', weight: 2 },
      { id: 'NB-LUNG', name: 'Test Lung CT', cancerSite: 'LUNG', weight: 2 },
      { id: 'NB-KIDNEY', name: 'Test Renal Cell Carcinoma', cancerSite: 'KIDNEY', weight: 1 },
    ],
  });
}

export function nbiaEntry(data: SyntheticRepositoryData, endpoint: string, overrides: Partial<RepositoryEntry> = {}): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'Test NBIA',
    country: 'FR',
    institution: 'Test institution (synthetic data)',
    apiKind: 'nbia',
    endpoint,
    subgraph: 'local',
    timeoutMs: 5000,
    collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite, licence: c.licence, doi: c.doi, description: c.description })),
    options: {},
    ...overrides,
  };
}

export function filterOf(where: CaseFilter): NormalizedFilter {
  return normaliseFilter(where, REPOSITORY_ID);
}
