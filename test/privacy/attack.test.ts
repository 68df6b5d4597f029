/**
 * The attack of issue 9 ("Who may see what"): a caller without a record grant narrows a cohort down to one person
 * (a woman of 88 with an MR) and reads the cancer-site facet. Through the real gateway, against two repositories
 * whose ground truth holds 1 such person in one of them: the caller must learn nothing identifying, from the
 * repository's answer, from the Europe-wide total, or from the total minus its parts; a caller with a record grant
 * must see the exact numbers.
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'undici';
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import { toUnifiedCases } from '../support/ground-truth';
import type { RequestContext } from '../../subgraphs/sdk/context';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { FACET_NAMES } from '../../subgraphs/sdk/facets';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { CohortRecord } from '../../subgraphs/sdk/records';
import { startTestFederation, type TestFederation } from '../support/federation';

const COLLECTIONS = [
  { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' },
  { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
  { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' },
];
// Seeds chosen so that the attack hits one woman in de-pacs and nobody in fr-xnat, and that "women with an MR"
// has a cancer-site bucket below 5 beside a large one in de-pacs (checked against the ground truth below).
const REPOSITORIES = [
  { id: 'de-pacs', country: 'DE', apiKind: 'dicomweb', cases: 120, seed: 17, collections: COLLECTIONS },
  { id: 'fr-xnat', country: 'FR', apiKind: 'xnat', cases: 120, seed: 1017, collections: COLLECTIONS },
];
const IDS = REPOSITORIES.map((r) => r.id);
const ATTACK: CaseFilter = { ageAtDiagnosis: { min: 88, max: 88 }, sex: ['FEMALE'], modalities: ['MR'] };
const WOMEN_WITH_MR: CaseFilter = { sex: ['FEMALE'], modalities: ['MR'] };
const K = 5;

const FACETS = `facets { ${FACET_NAMES.map((f) => `${f} { value subjects }`).join(' ')} }`;
const COHORT = `subjects studies series images exists exact suppressed minCellSize roundedTo incompleteFacets ${FACETS}`;
const PER_REPOSITORY = `query R($where: CaseFilter) { repositories { id cohort(where: $where) { ${COHORT} } } }`;
const EUROPE = `query E($where: CaseFilter) { cohort(where: $where) {
  total { ${COHORT} } contributors { subjects studies series images facets { facet repositories } }
  suppressedRepositories repositories { repositoryId inTotal cohort { ${COHORT} } } } }`;

type Bucket = { value: string; subjects: number | null };
interface CohortAnswer {
  subjects: number | null; studies: number | null; series: number | null; images: number | null; exists: boolean | null;
  exact: boolean; suppressed: boolean; minCellSize: number | null; roundedTo: number | null; incompleteFacets: string[];
  facets: Record<string, Bucket[]>;
}
interface EuropeAnswer {
  total: CohortAnswer;
  contributors: { subjects: string[]; studies: string[]; series: string[]; images: string[]; facets: Array<{ facet: string; repositories: string[] }> };
  suppressedRepositories: string[];
  repositories: Array<{ repositoryId: string; inTotal: boolean; cohort: CohortAnswer | null }>;
}

// The test decides who calls with a header only it sends (the gateway's `context` option is for tests).
const GRANTED: RequestContext = { accessLevel: 'researcher', subject: 'test-researcher', recordGrants: IDS.map((repositoryId) => ({ repositoryId })) };
const ANONYMOUS: RequestContext = { accessLevel: 'anonymous', recordGrants: [] };
const callerOf = (req: IncomingMessage): RequestContext => (req.headers['x-test-caller'] === 'granted' ? GRANTED : ANONYMOUS);

let federation: TestFederation;
const truths = new Map<string, ReturnType<typeof toUnifiedCases>>();

beforeAll(async () => {
  federation = await startTestFederation(REPOSITORIES, { context: callerOf });
  for (const entry of federation.config.repositories) truths.set(entry.id, toUnifiedCases(demoDataFor(entry as SimulatedRepositoryEntry)));
}, 60_000);
afterAll(() => federation?.close());

function truth(id: string, where: CaseFilter): CohortRecord {
  return cohortOf(truths.get(id)!, normaliseFilter(where, id), { applied: [], notApplied: [] });
}

async function ask<T>(caller: 'granted' | 'anonymous', query: string, where: CaseFilter): Promise<T> {
  const response = await request(federation.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test-caller': caller },
    body: JSON.stringify({ query, variables: { where } }),
  });
  const body = (await response.body.json()) as { data?: T; errors?: unknown[] };
  expect(body.errors).toBeUndefined();
  return body.data!;
}

const perRepository = async (caller: 'granted' | 'anonymous', where: CaseFilter) =>
  new Map((await ask<{ repositories: Array<{ id: string; cohort: CohortAnswer }> }>(caller, PER_REPOSITORY, where)).repositories.map((r) => [r.id, r.cohort]));
const europe = async (caller: 'granted' | 'anonymous', where: CaseFilter) => (await ask<{ cohort: EuropeAnswer }>(caller, EUROPE, where)).cohort;

/** Every count in an answer (subjects, studies, series, images, facet buckets), wherever it is. */
function countsIn(value: unknown, found: number[] = []): number[] {
  if (Array.isArray(value)) value.forEach((item) => countsIn(item, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (['subjects', 'studies', 'series', 'images'].includes(key) && typeof item === 'number') found.push(item);
      else countsIn(item, found);
    }
  }
  return found;
}

describe('the data the attack is tried on', () => {
  it('holds one to four people matching the attack in a repository, and a small cancer-site bucket beside a large one', () => {
    const hit = truth('de-pacs', ATTACK);
    expect(hit.subjects).toBeGreaterThanOrEqual(1);
    expect(hit.subjects).toBeLessThan(K);
    expect(hit.facets.cancerSite.length).toBeGreaterThan(0);
    expect(truth('fr-xnat', ATTACK).subjects).toBe(0);
    const women = truth('de-pacs', WOMEN_WITH_MR).facets.cancerSite;
    expect(women.filter((b) => b.subjects < K)).toHaveLength(1);
    expect(women.filter((b) => b.subjects >= K).length).toBeGreaterThanOrEqual(1);
    expect(truth('fr-xnat', WOMEN_WITH_MR).facets.cancerSite.every((b) => b.subjects >= K)).toBe(true);
  });
});

describe('a caller without a record grant', () => {
  it('learns nothing from a repository the attack narrows down to one person: no count, no existence, no facet', async () => {
    const cohorts = await perRepository('anonymous', ATTACK);
    for (const id of IDS) {
      // The repository with one match and the one with none look alike: "fewer than 5".
      expect([id, cohorts.get(id)]).toEqual([id, expect.objectContaining({
        subjects: null, studies: null, series: null, images: null, exists: null, suppressed: true, minCellSize: K, roundedTo: null,
      })]);
      for (const facet of FACET_NAMES) expect([id, facet, cohorts.get(id)!.facets[facet]]).toEqual([id, facet, []]);
    }
    expect(countsIn([...cohorts.values()])).toEqual([]);
  });

  it('learns nothing from the Europe-wide total, which adds up only what was shown', async () => {
    const answer = await europe('anonymous', ATTACK);
    expect(answer.total).toMatchObject({ subjects: null, studies: null, series: null, images: null, exists: null, suppressed: true, exact: false, minCellSize: K });
    for (const facet of FACET_NAMES) expect(answer.total.facets[facet]).toEqual([]);
    expect(answer.suppressedRepositories).toEqual(IDS);
    expect(answer.contributors).toMatchObject({ subjects: [], studies: [], series: [], images: [] });
    expect(answer.repositories.every((r) => r.inTotal && r.cohort?.suppressed === true)).toBe(true);
    expect(countsIn(answer)).toEqual([]);
  });

  it('never sees a count below k, and a lone small facet bucket is withheld with the next smallest (complementary)', async () => {
    const cohorts = await perRepository('anonymous', WOMEN_WITH_MR);
    const dePacs = cohorts.get('de-pacs')!;
    const dePacsTruth = truth('de-pacs', WOMEN_WITH_MR);
    expect(dePacs).toMatchObject({ subjects: dePacsTruth.subjects, exists: true, suppressed: true, minCellSize: K, exact: true });
    // Two buckets: the small one and the one that would give it away as subjects minus the others. Both named
    // (the cohort is large enough), both withheld, in value order: nothing tells which is the small one.
    const sites = dePacsTruth.facets.cancerSite.map((b) => b.value).sort();
    expect(dePacs.facets.cancerSite).toEqual(sites.map((value) => ({ value, subjects: null })));
    const frXnat = cohorts.get('fr-xnat')!;
    expect(frXnat.facets.cancerSite).toEqual(truth('fr-xnat', WOMEN_WITH_MR).facets.cancerSite);
    for (const count of countsIn([...cohorts.values()])) expect(count).toBeGreaterThanOrEqual(K);
  });

  it('cannot subtract the parts from a Europe-wide total to recover a withheld cell', async () => {
    const answer = await europe('anonymous', WOMEN_WITH_MR);
    for (const count of countsIn(answer)) expect(count).toBeGreaterThanOrEqual(K);
    const parts = answer.repositories.map((r) => r.cohort!);
    // Every total is the sum of the numbers shown for its parts: total minus shown parts is 0, never a withheld cell.
    for (const count of ['subjects', 'studies', 'series', 'images'] as const) {
      const shown = parts.map((p) => p[count]).filter((v): v is number => v !== null);
      expect([count, answer.total[count]]).toEqual([count, shown.length === 0 ? null : shown.reduce((a, b) => a + b, 0)]);
    }
    for (const facet of FACET_NAMES) {
      for (const bucket of answer.total.facets[facet]) {
        const shown = parts.flatMap((p) => p.facets[facet]).filter((b) => b.value === bucket.value && b.subjects !== null).map((b) => b.subjects!);
        expect([facet, bucket]).toEqual([facet, { value: bucket.value, subjects: shown.length === 0 ? null : shown.reduce((a, b) => a + b, 0) }]);
      }
    }
    // The total says it misses withheld subjects, and whose.
    expect(answer.suppressedRepositories).toContain('de-pacs');
    expect(answer.suppressedRepositories).toEqual(answer.repositories.filter((r) => r.cohort?.suppressed).map((r) => r.repositoryId));
    expect(answer.total).toMatchObject({ suppressed: true, exact: false });
    expect(answer.total.incompleteFacets).toContain('cancerSite');
  });
});

describe('a caller with a record grant', () => {
  it('sees the exact numbers of the attack, in each repository and Europe-wide', async () => {
    const cohorts = await perRepository('granted', ATTACK);
    for (const id of IDS) {
      const expected = truth(id, ATTACK);
      expect([id, cohorts.get(id)]).toEqual([id, expect.objectContaining({
        subjects: expected.subjects, studies: expected.studies, series: expected.series, suppressed: false, minCellSize: null, roundedTo: null,
      })]);
      expect([id, cohorts.get(id)!.facets.cancerSite]).toEqual([id, expected.facets.cancerSite]);
    }
    const answer = await europe('granted', ATTACK);
    expect(answer.total.subjects).toBe(IDS.reduce((sum, id) => sum + truth(id, ATTACK).subjects!, 0));
    expect(answer.total).toMatchObject({ suppressed: false, minCellSize: null, exists: true });
    expect(answer.suppressedRepositories).toEqual([]);
  });
});
