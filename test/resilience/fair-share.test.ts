/**
 * Each repository's fair share (gateway/plugins/datasources/use-fair-share.ts), through a real gateway over simulated
 * repositories made slow (`faults.latencyMs`): how many calls a repository sees at once (measured at its
 * simulator), who gets its next free call, what a caller sees when its call waited too long (REPOSITORY_OVERLOADED,
 * state OVERLOADED Europe-wide), that cache hits never wait, and how the config field is checked.
 *
 * Each mediator cohort of `subjects` alone is one native request (GET /search), so calls at once are native
 * requests at once. Filters differ per query (`freshFilter`), so neither the answer cache nor the sharing of
 * identical calls in flight merges them.
 */
import { Pool } from 'undici';
import { ConfigError, parseFederationConfig } from '../../config/federation-config';
import type { RunningNativeSimulator } from '../../simulators/registry';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL, startTestFederation, type GraphQLAnswer, type TestFederation } from '../support/federation';

const LATENCY_MS = 300;
const COHORT = 'query ($id: ID!, $where: CaseFilter) { repository(id: $id) { id cohort(where: $where) { subjects } } }';
const REPOSITORIES = 'query ($ids: [ID!], $where: CaseFilter) { repositories(where: { ids: $ids }) { id cohort(where: $where) { subjects } } }';
const EUROPE = `query ($ids: [ID!], $where: CaseFilter) {
  cohort(where: $where, repositories: { ids: $ids }) {
    complete
    total { subjects }
    contributors { subjects }
    repositories { repositoryId inTotal status { state code message } cohort { subjects } }
  }
}`;

interface EuropeJson {
  complete: boolean;
  total: { subjects: number | null };
  contributors: { subjects: string[] };
  repositories: Array<{ repositoryId: string; inTotal: boolean; status: { state: string; code: string | null; message: string | null }; cohort: { subjects: number } | null }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A filter no earlier query of this file used: its call is neither cached nor shared with another. */
let filters = 0;
const freshFilter = (extra: Record<string, unknown> = {}) => ({ ageAtDiagnosis: { min: filters++, max: 120 }, ...extra });

/**
 * When each request reached the simulator: its log is appended as a request arrives (simulators/http-server.ts),
 * so the log's push is wrapped to note the time.
 */
function recordArrivals(simulator: RunningNativeSimulator): number[] {
  const times: number[] = [];
  const log = simulator.requests.log;
  const push = log.push.bind(log);
  log.push = (...lines: string[]) => {
    for (const _ of lines) times.push(performance.now());
    return push(...lines);
  };
  return times;
}

/**
 * The most requests the simulator held at once: every request is held at least `latencyMs` (the injected latency),
 * so requests that arrived within less than that of each other were there together. A call the gateway started
 * only after another's answer arrived at least `latencyMs` after it (20 ms are left for timer jitter).
 */
function mostAtOnce(arrivals: readonly number[], latencyMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  return Math.max(0, ...sorted.map((t, i) => sorted.slice(0, i + 1).filter((s) => t - s < latencyMs - 20).length));
}

function expectAnswered(answer: GraphQLAnswer): void {
  expect(answer.status).toBe(200);
  expect(answer.body.errors).toBeUndefined();
  expect((answer.body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
}

describe('each repository\'s fair share', () => {
  let federation: TestFederation;
  /** Arrival times at each simulator, since the start of the current test. */
  const arrivals = new Map<string, number[]>();
  const timed = async (query: string, variables: Record<string, unknown>, from?: Pool) => {
    const started = performance.now();
    const answer = await postGraphQL(federation.url, query, variables, from);
    return { ...answer, ms: performance.now() - started, at: performance.now() };
  };

  beforeAll(async () => {
    federation = await startTestFederation([
      { id: 'de-two', country: 'DE', apiKind: 'eucaim-mediator', maxConcurrentCalls: 2, timeoutMs: 10_000 },
      { id: 'pt-default', country: 'PT', apiKind: 'eucaim-mediator' },
      { id: 'es-one', country: 'ES', apiKind: 'eucaim-mediator', maxConcurrentCalls: 1, timeoutMs: 2000 },
      { id: 'it-beacon', country: 'IT', apiKind: 'beacon' },
    ], { cache: {} });
    for (const { id } of federation.config.repositories) arrivals.set(id, recordArrivals(federation.simulator(id)));
  });

  afterAll(async () => {
    await federation?.close();
  });

  beforeEach(() => {
    for (const [id, times] of arrivals) {
      federation.simulator(id).resetCounts();
      times.length = 0;
    }
  });

  afterEach(() => {
    for (const { id } of federation.config.repositories) delete federation.simulator(id).faults.latencyMs;
  });

  it('never has more than maxConcurrentCalls (2) calls at a repository at once: 6 queries of two callers answered in turn', async () => {
    federation.simulator('de-two').faults.latencyMs = LATENCY_MS;
    const other = new Pool(new URL(federation.url).origin, { localAddress: '127.1.8.1' });
    try {
      const started = performance.now();
      const answers = await Promise.all(range(6).map((i) => timed(COHORT, { id: 'de-two', where: freshFilter() }, i % 2 === 0 ? other : undefined)));
      const ms = performance.now() - started;
      answers.forEach(expectAnswered);
      expect(federation.simulator('de-two').requests.total).toBe(6);
      expect(mostAtOnce(arrivals.get('de-two')!, LATENCY_MS)).toBe(2);
      // Three rounds of two.
      expect(ms).toBeGreaterThanOrEqual(3 * LATENCY_MS - 20);
    } finally {
      await other.close();
    }
  });

  it('runs 4 calls at once at a repository whose entry does not say (the default), at most 3 of one caller', async () => {
    federation.simulator('pt-default').faults.latencyMs = LATENCY_MS;
    const alone = await Promise.all(range(6).map(() => federation.query(COHORT, { id: 'pt-default', where: freshFilter() })));
    alone.forEach(expectAnswered);
    // One caller alone: all but one call, the last kept for another caller's question.
    expect(mostAtOnce(arrivals.get('pt-default')!, LATENCY_MS)).toBe(3);
    arrivals.get('pt-default')!.length = 0;
    const other = new Pool(new URL(federation.url).origin, { localAddress: '127.1.8.2' });
    try {
      const two = await Promise.all(range(6).map((i) => timed(COHORT, { id: 'pt-default', where: freshFilter() }, i % 2 === 0 ? other : undefined)));
      two.forEach(expectAnswered);
      expect(mostAtOnce(arrivals.get('pt-default')!, LATENCY_MS)).toBe(4);
    } finally {
      await other.close();
    }
  });

  it('gives a repository\'s next free call to another network\'s query before a flood\'s queued ones', async () => {
    const simulator = federation.simulator('de-two');
    simulator.faults.latencyMs = LATENCY_MS;
    // 127.1.9.0/24: one caller group, however many connections and addresses it uses.
    const flood = new Pool(federation.gateway.origin, { localAddress: '127.1.9.7', connections: 16 });
    try {
      const flooding = range(12).map(() => timed(COHORT, { id: 'de-two', where: freshFilter() }, flood));
      // The flood holds both calls and queues ten more; then a portal asks from 127.0.0.1.
      while (simulator.requests.total < 2) await sleep(5);
      await sleep(50);
      const portal = await timed(COHORT, { id: 'de-two', where: freshFilter({ sex: ['FEMALE'] }) });
      const floodAnswers = await Promise.all(flooding);
      expectAnswered(portal);
      floodAnswers.forEach(expectAnswered);
      // The portal's call was the third or fourth the repository received (the mediator's log shows its sex filter),
      // not the thirteenth; it waited at most one call's latency, while the flood's last waited five.
      const log = simulator.requests.log;
      expect(log).toHaveLength(13);
      expect(log.findIndex((line) => line.includes('gender=female'))).toBeLessThanOrEqual(3);
      expect(floodAnswers.filter((answer) => answer.at < portal.at).length).toBeLessThanOrEqual(4);
      expect(portal.ms).toBeLessThan(3 * LATENCY_MS);
      expect(Math.max(...floodAnswers.map((answer) => answer.ms))).toBeGreaterThan(2 * portal.ms);
      expect(Math.max(...floodAnswers.map((answer) => answer.ms))).toBeGreaterThanOrEqual(5 * LATENCY_MS);
      // Fair does not mean more at once.
      expect(mostAtOnce(arrivals.get('de-two')!, LATENCY_MS)).toBe(2);
    } finally {
      await flood.close();
    }
  });

  it('answers REPOSITORY_OVERLOADED for a call that waited half the timeout, Europe-wide OVERLOADED and out of the total, the others answering', async () => {
    // The Beacon's first call harvests its filtering terms and datasets: done before, so that the answers below wait
    // only for what this test is about (on a busy machine that first call made them arrive after the running one).
    expectAnswered(await timed(COHORT, { id: 'it-beacon', where: freshFilter() }));
    // es-one: one call at a time, timeout 2000 ms, so a call waits at most 1000 ms; the one running takes 1500 ms.
    federation.simulator('es-one').faults.latencyMs = 1500;
    const busy = timed(COHORT, { id: 'es-one', where: freshFilter() });
    while (federation.simulator('es-one').requests.total < 1) await sleep(5);
    const ids = ['es-one', 'pt-default', 'it-beacon'];
    const where = freshFilter();
    const [list, europe] = await Promise.all([timed(REPOSITORIES, { ids, where }), timed(EUROPE, { ids, where: freshFilter() })]);
    const running = await busy;
    expectAnswered(running);
    // Refused at once after its wait, not after the running call: neither waited for the repository.
    for (const answer of [list, europe]) {
      expect(answer.at).toBeLessThan(running.at);
      expect(answer.ms).toBeGreaterThanOrEqual(950);
    }
    // Neither refused call reached the repository.
    expect(federation.simulator('es-one').requests.total).toBe(1);

    const repositories = list.body.data?.repositories as Array<{ id: string; cohort: { subjects: number } | null }>;
    // In catalogue order.
    expect(repositories.map((r) => [r.id, r.cohort === null])).toEqual([['pt-default', false], ['es-one', true], ['it-beacon', false]]);
    expect(list.body.errors).toEqual([expect.objectContaining({
      path: ['repositories', 1, 'cohort'],
      extensions: expect.objectContaining({ code: 'REPOSITORY_OVERLOADED', repositoryId: 'es-one', maxConcurrentCalls: 1 }),
    })]);
    expect(list.body.errors?.[0].message).toMatch(/^repository "es-one": not asked, .*retry in a moment$/);

    expect(europe.body.errors).toBeUndefined();
    const cohort = europe.body.data?.cohort as EuropeJson;
    const part = (id: string) => cohort.repositories.find((r) => r.repositoryId === id)!;
    expect(part('es-one')).toMatchObject({ inTotal: false, cohort: null, status: { state: 'OVERLOADED', code: 'REPOSITORY_OVERLOADED' } });
    expect(part('es-one').status.message).toContain('repository "es-one"');
    expect(cohort.complete).toBe(false);
    expect(cohort.contributors.subjects.sort()).toEqual(['it-beacon', 'pt-default']);
    expect(part('pt-default').cohort!.subjects).toBeGreaterThan(0);
    expect(cohort.total.subjects).toBe(part('pt-default').cohort!.subjects + part('it-beacon').cohort!.subjects);

    // The refusal is not kept by the answer cache: asked again once the repository is free, it answers.
    delete federation.simulator('es-one').faults.latencyMs;
    const again = await federation.query(REPOSITORIES, { ids, where });
    expect(again.body.errors).toBeUndefined();
    expect((again.body.data?.repositories as typeof repositories)[1].cohort?.subjects).toBeGreaterThan(0);
  });

  it('frees a timed-out call\'s place once its native requests have been hung up, so the next call never joins them', async () => {
    // es-one: one call at a time, timeout 2000 ms. A cohort with facets makes the mediator adapter send a request per
    // facet value, a few at a time; at 800 ms each the call times out with requests still in flight, which the
    // gateway then hangs up (subgraphs/sdk/cancellation.ts).
    const latencyMs = 800;
    const simulator = federation.simulator('es-one');
    simulator.faults.latencyMs = latencyMs;
    const withFacets = 'query ($where: CaseFilter) { repository(id: "es-one") { cohort(where: $where) { subjects facets { sex { value subjects } } } } }';
    const answer = await timed(withFacets, { where: freshFilter() });
    expect(answer.body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_TIMEOUT', repositoryId: 'es-one' });
    // Asked right after the timeout: it is sent once the abandoned requests are hung up, not 800 ms later.
    const next = await timed(COHORT, { id: 'es-one', where: freshFilter() });
    expectAnswered(next);
    expect(next.ms).toBeLessThan(2 * latencyMs - 100);
    expect(simulator.requests.hungUp).toBeGreaterThanOrEqual(1);
    // The call sent nothing more after its timeout: every request but the next call's came before it.
    await sleep(2 * latencyMs);
    const times = [...arrivals.get('es-one')!].sort((a, b) => a - b);
    expect(times.filter((t) => t > answer.at)).toHaveLength(1);
  });

  it('answers a cached question at once while the repository\'s calls are all taken and others wait', async () => {
    const simulator = federation.simulator('de-two');
    const cached = freshFilter();
    expectAnswered(await federation.query(COHORT, { id: 'de-two', where: cached }));
    simulator.faults.latencyMs = 1000;
    simulator.resetCounts();
    const other = new Pool(new URL(federation.url).origin, { localAddress: '127.1.8.3' });
    const waiting = range(4).map((i) => timed(COHORT, { id: 'de-two', where: freshFilter() }, i % 2 === 0 ? other : undefined));
    while (simulator.requests.total < 2) await sleep(5);
    const hit = await timed(COHORT, { id: 'de-two', where: cached });
    expectAnswered(hit);
    expect(hit.ms).toBeLessThan(300);
    // Two running, two waiting, and the cached question asked the repository nothing.
    expect(simulator.requests.total).toBe(2);
    (await Promise.all(waiting)).forEach(expectAnswered);
    await other.close();
    expect(simulator.requests.total).toBe(4);
  });

  it('keeps a repository\'s share across a config reload: a call running before it still counts after it', async () => {
    // es-one: one call at a time. A reload that renames another repository swaps in a new federation (new data
    // sources, new middlewares) while es-one's call is running.
    const simulator = federation.simulator('es-one');
    simulator.faults.latencyMs = LATENCY_MS;
    const before = timed(COHORT, { id: 'es-one', where: freshFilter() });
    while (simulator.requests.total < 1) await sleep(5);
    const renamed = { ...federation.config, repositories: federation.config.repositories.map((r) => (r.id === 'it-beacon' ? { ...r, name: 'Renamed beacon' } : r)) };
    const generation = federation.gateway.host.generation;
    expect(await federation.gateway.host.reload(renamed)).toMatchObject({ ok: true, generation: generation + 1 });
    const after = await timed(COHORT, { id: 'es-one', where: freshFilter() });
    const first = await before;
    expectAnswered(first);
    expectAnswered(after);
    // The second call was sent only once the first had been answered.
    expect(mostAtOnce(arrivals.get('es-one')!, LATENCY_MS)).toBe(1);
    expect(after.at - first.at).toBeGreaterThanOrEqual(LATENCY_MS - 20);
  });
});

describe('config field maxConcurrentCalls', () => {
  const entry = (maxConcurrentCalls: unknown) => ({
    id: 'de-a', name: 'A', country: 'DE', institution: 'I', apiKind: 'eucaim-mediator', endpoint: 'https://a.example.org',
    maxConcurrentCalls, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }],
  });
  const problemsOf = (values: unknown[]): string[] => {
    try {
      parseFederationConfig({ repositories: values.map((value, i) => ({ ...entry(value), id: `de-${'abcdef'[i]}` })) }, 'test', ADAPTER_KINDS);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    return [];
  };

  it('refuses 0, 1.5, 300 and a string, naming the entry and the field', () => {
    expect(problemsOf([0, 1.5, 300, '4'])).toEqual([0, 1, 2, 3].map((i) =>
      `repositories[${i}] ("de-${'abcdef'[i]}").maxConcurrentCalls: must be an integer between 1 and 256`));
  });

  it('takes 1 and 256, and 4 when absent', () => {
    expect(problemsOf([1, 256, undefined])).toEqual([]);
    const config = parseFederationConfig({ repositories: [entry(1), { ...entry(undefined), id: 'de-b' }] }, 'test', ADAPTER_KINDS);
    expect(config.repositories.map((r) => r.maxConcurrentCalls)).toEqual([1, 4]);
  });
});
