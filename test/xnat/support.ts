/**
 * Shared set-up of the XNAT tests: deterministic synthetic data (seed 7, breast, lung and prostate projects, German
 * raw body parts for dirt), a config entry pointing at a running simulator, and filter normalisation.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { ErrorCode } from '../../subgraphs/sdk/errors';
import { normaliseFilter, type NormalizedFilter } from '../../subgraphs/sdk/filter';

export const REPOSITORY_ID = 'de-test-xnat';

export function xnatTestData(cases = 300): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed: 7,
    cases,
    subjectPrefix: 'XN',
    language: 'de',
    collections: [
      { id: 'XN-BREAST', name: 'Test Breast Imaging', cancerSite: 'BREAST', weight: 2 },
      { id: 'XN-LUNG', name: 'Test Lung CT', cancerSite: 'LUNG', weight: 2 },
      { id: 'XN-PROSTATE', name: 'Test Prostate mpMRI', cancerSite: 'PROSTATE', weight: 1 },
    ],
  });
}

export function xnatEntry(data: SyntheticRepositoryData, endpoint: string, overrides: Partial<RepositoryEntry> = {}): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'Test XNAT',
    country: 'DE',
    institution: 'Test institution (synthetic data)',
    apiKind: 'xnat',
    endpoint,
    subgraph: 'local',
    timeoutMs: 5000,
    // The config describes two of the three projects; the third is known from XNAT's project listing only.
    collections: data.collections.filter((c) => c.id !== 'XN-PROSTATE')
      .map((c) => ({ id: c.id, name: `${c.name} (catalogue)`, cancerSite: c.cancerSite, licence: c.licence, doi: c.doi })),
    options: {},
    ...overrides,
  };
}

export function filterOf(where: CaseFilter): NormalizedFilter {
  return normaliseFilter(where, REPOSITORY_ID);
}


export { ErrorCode };

export { rejection } from '../support/adapter-kit';
