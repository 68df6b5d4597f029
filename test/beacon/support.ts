/**
 * Shared set-up of the Beacon tests: a synthetic beacon (seed 31, 420 cases, seven collections with the sites the
 * simulated beacon codes, French raw values) and a repository entry pointing at a running simulator.
 */
import type { CaseFilter, FilterCriterion } from '../../schema/generated/graphql';
import { generateRepositoryData } from '../../simulators/synthetic/generate';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter, withoutCriteria } from '../../subgraphs/sdk/filter';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { ErrorCode, RepositoryError, type ErrorCodeValue } from '../../subgraphs/sdk/errors';

export const REPOSITORY_ID = 'fr-lyon-beacon-test';

export function beaconData(): SyntheticRepositoryData {
  return generateRepositoryData({
    repositoryId: REPOSITORY_ID,
    seed: 31,
    cases: 420,
    subjectPrefix: 'BC',
    language: 'fr',
    collections: [
      { id: 'LUNG', name: 'Lung Cancer (synthetic)', cancerSite: 'LUNG' },
      { id: 'BREAST', name: 'Breast Cancer (synthetic)', cancerSite: 'BREAST' },
      { id: 'PROSTATE', name: 'Prostate Cancer (synthetic)', cancerSite: 'PROSTATE' },
      { id: 'RECTUM', name: 'Rectal Cancer (synthetic)', cancerSite: 'RECTUM' },
      { id: 'BRAIN', name: 'Brain Tumours (synthetic)', cancerSite: 'BRAIN' },
      { id: 'LIVER', name: 'Liver Cancer (synthetic)', cancerSite: 'LIVER' },
      { id: 'NEUROBLASTOMA', name: 'Neuroblastoma (synthetic)', cancerSite: 'ADRENAL_GLAND' },
    ],
  });
}

export function entryFor(baseUrl: string, options: Record<string, unknown> = {}, timeoutMs = 5000): RepositoryEntry {
  return {
    id: REPOSITORY_ID,
    name: 'Lyon Beacon (simulated)',
    country: 'FR',
    institution: 'Centre Léon Bérard (synthetic demo data)',
    apiKind: 'beacon',
    endpoint: baseUrl,
    subgraph: 'local',
    timeoutMs,
    // Metadata for some collections, plus one the beacon does not list.
    collections: [
      { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG', licence: 'restricted', landingPage: 'https://example.org/lung' },
      { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST', doi: '10.99999/breast' },
      { id: 'ARCHIVED', name: 'Archived cohort', cancerSite: 'COLON', description: 'Not served by the beacon' },
    ],
    options,
  };
}

/** cohortOf over the ground truth, without the criteria the adapter is expected not to apply. */
export function truthOf(cases: readonly FullCaseRecord[], where: CaseFilter, notApplied: readonly FilterCriterion[] = []) {
  return cohortOf(cases, withoutCriteria(normaliseFilter(where, REPOSITORY_ID), notApplied), { applied: [], notApplied: [] });
}

export async function failure(work: () => Promise<unknown>): Promise<RepositoryError> {
  try {
    await work();
  } catch (error) {
    expect(error).toBeInstanceOf(RepositoryError);
    return error as RepositoryError;
  }
  throw new Error('expected a RepositoryError');
}

export function expectError(error: RepositoryError, code: ErrorCodeValue): void {
  expect(error.code).toBe(code);
  expect(error.repositoryId).toBe(REPOSITORY_ID);
  expect(error.extensions).toMatchObject({ code, repositoryId: REPOSITORY_ID });
  expect(error.message).toContain(`repository "${REPOSITORY_ID}"`);
}

export { ErrorCode };
