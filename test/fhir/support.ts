/**
 * Shared set-up of the FHIR tests: deterministic synthetic data (seed 23, 300 cases, breast, lung, prostate and
 * brain collections, German raw body parts for dirt), a config entry pointing at a running simulator, the ground truth.
 */
import type { CaseFilter } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { normaliseFilter, type NormalizedFilter } from '../../subgraphs/sdk/filter';

export const REPOSITORY_ID = 'de-test-fhir';

export function fhirTestData(cases = 300): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed: 23,
    cases,
    subjectPrefix: 'FH',
    language: 'de',
    collections: [
      { id: 'FH-BREAST', name: 'Test Breast Imaging', cancerSite: 'BREAST', weight: 2 },
      { id: 'FH-LUNG', name: 'Test Lung CT', cancerSite: 'LUNG', weight: 2 },
      { id: 'FH-PROSTATE', name: 'Test Prostate MRI', cancerSite: 'PROSTATE', weight: 1 },
      { id: 'FH-BRAIN', name: 'Test Glioma MRI', cancerSite: 'BRAIN', weight: 1 },
    ],
  });
}

/**
 * A FHIR entry for the adapter's tests. They are about what it asks the server, so cohorts are asked live unless the
 * overrides' options say `mode: "index"` (the product's default, tested in index.test.ts).
 */
export function fhirEntry(data: SyntheticRepositoryData, endpoint: string, overrides: Partial<RepositoryEntry> = {}): RepositoryEntry {
  const { options, ...rest } = overrides;
  return {
    id: REPOSITORY_ID,
    name: 'Test FHIR',
    country: 'DE',
    institution: 'Test institution (synthetic data)',
    apiKind: 'fhir',
    endpoint,
    subgraph: 'local',
    timeoutMs: 5000,
    collections: data.collections.map((c) => ({ id: c.id, name: c.name, cancerSite: c.cancerSite, licence: c.licence, doi: c.doi, description: c.description })),
    ...rest,
    options: { mode: 'live', ...options },
  };
}

/**
 * A value as a client receives it (JSON): a series' retrieve reference is a getter, built when read
 * (sdk/lazy-retrieve.ts), and deep equality compares own fields only.
 */
export function asServed<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export function filterOf(where: CaseFilter): NormalizedFilter {
  return normaliseFilter(where, REPOSITORY_ID);
}


/** The RepositoryError a function throws synchronously. */
export function thrown(work: () => unknown): RepositoryError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(RepositoryError);
    return error as RepositoryError;
  }
  throw new Error('expected a RepositoryError');
}

export { ErrorCode };

export { rejection } from '../support/adapter-kit';
