/**
 * Shared set-up of the GDC tests: deterministic synthetic data (seed 23, four collections, Spanish raw body parts for
 * dirt), a config entry pointing at a running simulator, and the ground truth as a GDC-style repository can hold it.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { toUnifiedCases } from '../../simulators/synthetic/unified';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { normaliseFilter, type NormalizedFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';

export const REPOSITORY_ID = 'es-test-gdc';

export function gdcTestData(cases = 300, seed = 23): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed,
    cases,
    subjectPrefix: 'GD',
    language: 'es',
    collections: [
      { id: 'GD-BREAST', name: 'Test Breast', cancerSite: 'BREAST', weight: 2 },
      { id: 'GD-LUNG', name: 'Test Lung', cancerSite: 'LUNG', weight: 2 },
      { id: 'GD-COLON', name: 'Test Colon', cancerSite: 'COLON', weight: 1 },
      { id: 'GD-BRAIN', name: 'Test Glioma', cancerSite: 'BRAIN', weight: 1 },
    ],
  });
}

/**
 * The ground truth as the repository holds it: GDC's `sex_at_birth` has no term for DICOM "O" (its terms are
 * female, male, unknown, not reported), so a GDC-style repository records those subjects as "unknown".
 */
export function gdcTruth(data: SyntheticRepositoryData): FullCaseRecord[] {
  return toUnifiedCases(data).map((record) => (record.sex === 'OTHER' ? { ...record, sex: 'UNKNOWN' } : record));
}

export function gdcEntry(data: SyntheticRepositoryData, endpoint: string, overrides: Partial<RepositoryEntry> = {}): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'Test GDC-style repository',
    country: 'ES',
    institution: 'Test institution (synthetic data)',
    apiKind: 'gdc',
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
