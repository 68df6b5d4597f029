/**
 * A Europe-wide cohort asked while an NBIA repository's first harvest is part-way: the repository answers from the
 * collections harvested so far, state INCOMPLETE, in the total, its counts a lower bound (`coverage` says which
 * part, `exact` false, and the total says whose part). That answer is not cached: once the harvest is done the same
 * question gets the whole repository's exact counts. A repository subgraph served elsewhere marks such an answer in
 * its extensions, for whichever gateway caches it.
 */
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import { INCOMPLETE_EXTENSION } from '../../subgraphs/sdk/incomplete-answer';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { repositoryTypeName } from '../../subgraphs/sdk/type-name';
import { postGraphQL } from '../support/federation';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { europeConfig, startEuropeFederation, type EuropeTestFederation } from './support';

const QUERY = `query ($where: CaseFilter) {
  cohort(where: $where) {
    complete
    total { subjects exact coverage }
    repositories { repositoryId inTotal status { state code } cohort { subjects exact exists coverage } }
  }
}`;

interface Answer {
  complete: boolean;
  total: { subjects: number; exact: boolean; coverage: string | null };
  repositories: Array<{
    repositoryId: string; inTotal: boolean; status: { state: string; code: string | null };
    cohort: { subjects: number; exact: boolean; exists: boolean | null; coverage: string | null } | null;
  }>;
}

const SITES = ['LUNG', 'PROSTATE', 'BREAST', 'COLON', 'RECTUM', 'LIVER', 'BRAIN', 'KIDNEY'];

let federation: EuropeTestFederation;

beforeAll(async () => {
  federation = await startEuropeFederation([
    { id: 'pt-nbia', country: 'PT', apiKind: 'nbia', timeoutMs: 4000, cases: 160, cacheTtlSeconds: 60,
      collections: SITES.map((site) => ({ id: `C-${site}`, name: site, cancerSite: site })) },
    { id: 'es-node', country: 'ES', apiKind: 'eucaim-mediator' },
  ], { cache: true });
});

afterAll(async () => {
  await federation?.close();
});

const count = (cases: FullCaseRecord[], where: object): number =>
  cohortOf(cases, normaliseFilter(where, 'pt-nbia'), { applied: [], notApplied: [] }).subjects ?? NaN;

/** Every count `k` of the repository's collections can give. */
function countsOfParts(where: object, k: number): Set<number> {
  const truth = federation.truth('pt-nbia');
  const ids = [...new Set(truth.map((c) => c.collection))];
  const counts = new Set<number>();
  const choose = (from: number, chosen: string[]) => {
    if (chosen.length === k) {
      counts.add(count(truth.filter((c) => chosen.includes(c.collection ?? '')), where));
      return;
    }
    for (let i = from; i < ids.length; i++) choose(i + 1, [...chosen, ids[i] ?? '']);
  };
  choose(0, []);
  return counts;
}

test('answers from the collections harvested so far, marked a lower bound, and not from the cache once harvested', async () => {
  const where = { sex: ['FEMALE'] };
  // The first harvest: the collection list, then two collections at a time (three calls each), 500 ms a call: the
  // first part after about 1 s, the whole after about 2.5 s.
  federation.simulator('pt-nbia').faults.latencyMs = 500;
  const first = (await federation.query(QUERY, { where })).body.data?.cohort as Answer;
  const nbia = first.repositories.find((r) => r.repositoryId === 'pt-nbia')!;
  expect(nbia.status).toEqual({ state: 'INCOMPLETE', code: null });
  expect(nbia.inTotal).toBe(true);
  const [, read, of] = /^(\d+) of (\d+) collections: its index is still being harvested$/.exec(nbia.cohort!.coverage ?? '') ?? [];
  expect(Number(of)).toBe(SITES.length);
  expect(Number(read)).toBeGreaterThan(0);
  expect(Number(read)).toBeLessThan(SITES.length);
  expect(nbia.cohort!.exact).toBe(false);
  // The count is that of some `read` collections: a lower bound of the whole.
  expect([...countsOfParts(where, Number(read))]).toContain(nbia.cohort!.subjects);
  const whole = count(federation.truth('pt-nbia'), where);
  expect(nbia.cohort!.subjects).toBeLessThanOrEqual(whole);
  if (nbia.cohort!.subjects === 0) expect(nbia.cohort!.exists).toBeNull();
  expect(first.complete).toBe(false);
  expect(first.total.exact).toBe(false);
  expect(first.total.coverage).toBe(`repository "pt-nbia": ${nbia.cohort!.coverage}`);
  expect(first.total.subjects).toBe(nbia.cohort!.subjects + count(federation.truth('es-node'), where));

  // The harvest goes on; the same question (the answer cache keeps its answers 60 s) then gets the whole, exactly.
  let last: Answer | undefined;
  for (let attempt = 0; attempt < 40; attempt++) {
    last = (await federation.query(QUERY, { where })).body.data?.cohort as Answer;
    if (last.repositories.every((r) => r.status.state === 'OK')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  federation.clearFaults();
  const harvested = last!.repositories.find((r) => r.repositoryId === 'pt-nbia')!;
  expect(harvested.status.state).toBe('OK');
  expect(harvested.cohort).toMatchObject({ subjects: whole, exact: true, coverage: null });
  expect(last!.total).toMatchObject({ exact: true, coverage: null });
});

/**
 * An NBIA repository of eight collections, its subgraph served elsewhere (as `npm run subgraph` runs it), and how a
 * gateway asks it for a cohort: the repository's entity with `fields` of its cohort of women.
 */
async function remoteNbia(id: string, options: { latencyMs: number; warmUp?: boolean }): Promise<{ demo: RunningDemo; remote: RunningSubgraph; cohortQuery: (fields: string) => string }> {
  const demo = await startDemoSimulators(europeConfig([{ id, country: 'PT', apiKind: 'nbia', timeoutMs: 4000, cases: 160,
    collections: SITES.map((site) => ({ id: `C-${site}`, name: site, cancerSite: site })) }]));
  demo.simulators.get(id)!.faults.latencyMs = options.latencyMs;
  const entry = demo.config.repositories[0];
  const remote = await serveRepositorySubgraph({ entry, kind: ADAPTER_KINDS.find((k) => k.apiKind === entry.apiKind)!, port: 0, warmUp: options.warmUp });
  const type = repositoryTypeName(id);
  const cohortQuery = (fields: string) => `{ _entities(representations: [{ __typename: "${type}", id: "${id}" }]) { ... on ${type} { cohort(where: { sex: [FEMALE] }) { ${fields} } } } }`;
  return { demo, remote, cohortQuery };
}

describe('a repository subgraph served elsewhere', () => {
  let served: Awaited<ReturnType<typeof remoteNbia>> | undefined;

  afterAll(async () => {
    await served?.remote.close();
    await served?.demo.close();
  });

  test(`marks an answer from part of its index (${INCOMPLETE_EXTENSION}), whatever fields were selected, and no other`, async () => {
    served = await remoteNbia('pt-remote', { latencyMs: 500 });
    // Only `subjects` selected: the mark does not depend on the caller asking for `coverage`.
    const query = served.cohortQuery('subjects');
    const part = await postGraphQL(served.remote.url, query);
    expect(part.body.errors).toBeUndefined();
    expect(part.body.extensions?.[INCOMPLETE_EXTENSION]).toBe(true);
    let whole = part;
    for (let attempt = 0; attempt < 40 && whole.body.extensions?.[INCOMPLETE_EXTENSION]; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      whole = await postGraphQL(served.remote.url, query);
    }
    expect(whole.body.extensions?.[INCOMPLETE_EXTENSION]).toBeUndefined();
    expect(whole.body.data).toBeDefined();
  });
});

describe('a repository subgraph served elsewhere, warming up as it starts (npm run subgraph)', () => {
  let served: Awaited<ReturnType<typeof remoteNbia>> | undefined;

  afterAll(async () => {
    await served?.remote.close();
    await served?.demo.close();
  });

  test('harvests before the first question, which gets the whole repository, exactly, without a native request', async () => {
    // Slow enough that a first question during the harvest would get a part (as in the test above).
    served = await remoteNbia('pt-warm', { latencyMs: 150, warmUp: true });
    const simulator = served.demo.simulators.get('pt-warm')!;
    expect(await served.remote.warmedUp).toEqual({ warmed: true });
    const harvestRequests = simulator.requests.total;
    expect(harvestRequests).toBeGreaterThan(SITES.length);
    const first = await postGraphQL(served.remote.url, served.cohortQuery('subjects exact coverage'));
    expect(first.body.errors).toBeUndefined();
    expect(first.body.extensions?.[INCOMPLETE_EXTENSION]).toBeUndefined();
    expect((first.body.data?._entities as Array<{ cohort: unknown }>)[0].cohort).toMatchObject({ exact: true, coverage: null });
    expect(simulator.requests.total).toBe(harvestRequests);
  });
});
