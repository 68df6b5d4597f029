/**
 * Shared set-up of the EUCAIM mediator tests: the synthetic node (seed 21, 400 cases, four collections, Spanish raw
 * values such as "TORAX") and a repository entry pointing at a running simulator.
 */
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';

export const REPOSITORY_ID = 'es-chaimeleon-test';

export function nodeData(): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed: 21,
    cases: 400,
    subjectPrefix: 'CH',
    language: 'es',
    collections: [
      { id: 'LUNG', name: 'Lung Cancer (synthetic)', cancerSite: 'LUNG' },
      { id: 'BREAST', name: 'Breast Cancer (synthetic)', cancerSite: 'BREAST' },
      { id: 'PROSTATE', name: 'Prostate Cancer (synthetic)', cancerSite: 'PROSTATE' },
      { id: 'COLON', name: 'Colon Cancer (synthetic)', cancerSite: 'COLON' },
    ],
  });
}

export function entryFor(baseUrl: string, options: Record<string, unknown> = {}, timeoutMs = 5000): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'CHAIMELEON (simulated node)',
    country: 'ES',
    institution: 'Universitat Politècnica de València',
    apiKind: 'eucaim-mediator',
    endpoint: baseUrl,
    subgraph: 'local',
    timeoutMs,
    // Metadata for three of the four collections: COLON shows what the adapter does without it.
    collections: [
      { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG', licence: 'restricted', landingPage: 'https://example.org/lung' },
      { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' },
      { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
    ],
    options,
  };
}
