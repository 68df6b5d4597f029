/**
 * Suppression happens in the repository subgraph itself: called directly, as a remote site's subgraph is, without
 * a record grant in its context, it never sends a small cell. Its threshold and rounding are the repository's own.
 */
import { execute, parse } from 'graphql';
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import { toUnifiedCases } from '../support/ground-truth';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { RequestContext } from '../../subgraphs/sdk/context';
import type { RepositoryEntry, SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { PrivacySettings } from '../../subgraphs/sdk/privacy';
import type { CohortRecord } from '../../subgraphs/sdk/records';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';
import { startTestFederation, type TestFederation } from '../support/federation';

const COLLECTIONS = [
  { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' },
  { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
  { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' },
];
const WOMEN_WITH_MR: CaseFilter = { sex: ['FEMALE'], modalities: ['MR'] };

let federation: TestFederation;
let entry: SimulatedRepositoryEntry;
let truth: CohortRecord;

beforeAll(async () => {
  // Only the simulator is used: the subgraph under test is built here and called without the gateway.
  federation = await startTestFederation([{ id: 'fr-xnat', country: 'FR', apiKind: 'xnat', cases: 120, seed: 1017, collections: COLLECTIONS }]);
  entry = federation.config.repositories[0];
  truth = cohortOf(toUnifiedCases(demoDataFor(entry)), normaliseFilter(WOMEN_WITH_MR, entry.id), { applied: [], notApplied: [] });
}, 60_000);
afterAll(() => federation?.close());

interface Answer { subjects: number | null; studies: number | null; series: number | null; exact: boolean; suppressed: boolean; minCellSize: number | null; roundedTo: number | null; facets: { cancerSite: Array<{ value: string; subjects: number | null }>; ageBand: Array<{ value: string; subjects: number | null }> } }

async function cohortFromSubgraph(privacy: PrivacySettings | undefined, context: RequestContext, where: CaseFilter = WOMEN_WITH_MR): Promise<Answer> {
  const kind = ADAPTER_KINDS.find((k) => k.apiKind === entry.apiKind)!;
  const withPrivacy: RepositoryEntry & { privacy?: PrivacySettings } = { ...entry, privacy };
  const adapter = kind.create(withPrivacy, {});
  const subgraph = buildRepositorySubgraph(withPrivacy, kind, adapter);
  const result = await Promise.resolve(execute({
    schema: subgraph.schema,
    document: parse(`query($r: [_Any!]!, $where: CaseFilter) { _entities(representations: $r) { ... on ${subgraph.typeName} {
      cohort(where: $where) { subjects studies series exact suppressed minCellSize roundedTo facets { cancerSite { value subjects } ageBand { value subjects } } } } } }`),
    variableValues: { r: [{ __typename: subgraph.typeName, id: entry.id }], where },
    contextValue: context,
  })).finally(() => adapter.close?.());
  expect(result.errors).toBeUndefined();
  return (result.data as { _entities: Array<{ cohort: Answer }> })._entities[0].cohort;
}

describe('a repository subgraph called directly', () => {
  it('withholds small cells from a caller without a grant, with the default k of 5', async () => {
    const answer = await cohortFromSubgraph(undefined, {});
    expect(answer).toMatchObject({ subjects: truth.subjects, minCellSize: 5, roundedTo: null });
    const smallAgeBands = truth.facets.ageBand.filter((b) => b.subjects < 5);
    expect(smallAgeBands.length).toBeGreaterThan(0);
    expect(answer.suppressed).toBe(true);
    for (const bucket of smallAgeBands) expect(answer.facets.ageBand).toContainEqual({ value: bucket.value, subjects: null });
  });

  it('applies the repository\'s own threshold', async () => {
    const answer = await cohortFromSubgraph({ minCellSize: 10 }, {});
    expect(answer.minCellSize).toBe(10);
    // LUNG has 5 (shown at k = 5, see attack.test.ts), fewer than 10: withheld, and BREAST with it.
    expect(truth.facets.cancerSite.map((b) => b.subjects).sort((a, b) => a - b)).toEqual([5, 25]);
    expect(answer.facets.cancerSite).toEqual([{ value: 'BREAST', subjects: null }, { value: 'LUNG', subjects: null }]);
    const tiny = await cohortFromSubgraph({ minCellSize: 40 }, {});
    expect(tiny).toMatchObject({ subjects: null, studies: null, series: null, suppressed: true, minCellSize: 40 });
    expect(tiny.facets).toEqual({ cancerSite: [], ageBand: [] });
  });

  it('rounds the counts it shows when the repository obfuscates, and then calls them inexact', async () => {
    const answer = await cohortFromSubgraph({ roundTo: 10 }, {});
    expect(answer).toMatchObject({ subjects: Math.round(truth.subjects! / 10) * 10, exact: false, roundedTo: 10, minCellSize: 5 });
    for (const value of [answer.subjects, answer.studies, answer.series, ...answer.facets.ageBand.map((b) => b.subjects)]) {
      if (value !== null) expect(value % 10).toBe(0);
    }
  });

  it('gives every count exactly to a caller with a record grant for it', async () => {
    const answer = await cohortFromSubgraph({ minCellSize: 10, roundTo: 10 }, { accessLevel: 'researcher', recordGrants: [{ repositoryId: entry.id, collections: ['LUNG'] }] });
    expect(answer).toMatchObject({ subjects: truth.subjects, studies: truth.studies, series: truth.series, suppressed: false, minCellSize: null, roundedTo: null });
    expect(answer.facets.cancerSite).toEqual(truth.facets.cancerSite);
    // A grant for another repository is no grant for this one.
    const other = await cohortFromSubgraph(undefined, { accessLevel: 'researcher', recordGrants: [{ repositoryId: 'de-pacs' }] });
    expect(other.minCellSize).toBe(5);
  });
});
