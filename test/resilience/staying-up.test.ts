/**
 * Staying up, through a real gateway over simulated repositories: what a portal sees when one repository is slow,
 * failing, flaky, flapping, answering garbage or down, and what the simulators see (request counts).
 */
import { startResilienceFederation, type ResilienceFederation } from './support';

const COHORT = 'query ($id: ID!) { repository(id: $id) { id cohort { subjects } } }';
const ALL = 'query ($ids: [ID!]) { repositories(where: {ids: $ids}) { id cohort { subjects } } }';
type Repositories = Array<{ id: string; cohort: { subjects: number } | null }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('staying up', () => {
  let federation: ResilienceFederation;
  const count = (id: string) => federation.simulator(id).requests.total;

  beforeAll(async () => {
    federation = await startResilienceFederation([
      { id: 'de-ok', country: 'DE', apiKind: 'dicomweb' },
      { id: 'pt-ok', country: 'PT', apiKind: 'nbia' },
      { id: 'es-slow', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 1000 },
      { id: 'at-failing', country: 'AT', apiKind: 'eucaim-mediator', retries: 2 },
      { id: 'it-flaky', country: 'IT', apiKind: 'eucaim-mediator', retries: 1 },
      { id: 'gr-storm', country: 'GR', apiKind: 'eucaim-mediator', retries: 3, circuitBreaker: { failureThreshold: 1000, resetAfterMs: 1000 } },
      { id: 'nl-flapping', country: 'NL', apiKind: 'eucaim-mediator', retries: 2 },
      { id: 'be-malformed', country: 'BE', apiKind: 'eucaim-mediator', retries: 2 },
      { id: 'fr-breaker', country: 'FR', apiKind: 'eucaim-mediator', retries: 0, circuitBreaker: { failureThreshold: 3, resetAfterMs: 400 } },
    ]);
    // The first query harvests the record-level adapters' indexes: not what these tests time.
    const { body } = await federation.query(ALL);
    expect(body.errors).toBeUndefined();
  });

  afterAll(async () => {
    await federation?.close();
  });

  beforeEach(() => {
    for (const id of federation.config.repositories.map((r) => r.id)) federation.simulator(id).resetCounts();
  });

  afterEach(() => federation.heal());

  it('answers a slow repository with REPOSITORY_TIMEOUT on its own path within its timeout, the others unaffected', async () => {
    federation.simulator('es-slow').faults.latencyMs = 4000;
    const { status, body, ms } = await federation.timed(ALL, { ids: ['de-ok', 'pt-ok', 'es-slow', 'at-failing'] });
    expect(status).toBe(200);
    expect(ms).toBeLessThan(2500);
    const repositories = body.data?.repositories as Repositories;
    expect(repositories.map((r) => [r.id, r.cohort === null])).toEqual([['de-ok', false], ['pt-ok', false], ['es-slow', true], ['at-failing', false]]);
    expect(body.errors).toEqual([expect.objectContaining({
      path: ['repositories', 2, 'cohort'],
      extensions: expect.objectContaining({ code: 'REPOSITORY_TIMEOUT', repositoryId: 'es-slow' }),
    })]);
    expect(body.errors?.[0].message).toMatch(/^repository "es-slow": .*1000 ms/);
    // A timeout is not retried: the repository is slow, not gone.
    expect(count('es-slow')).toBe(1);
  });

  it('times out a call whose every native request is in time but whose whole is not (the gateway\'s own timer)', async () => {
    // 14 mediator requests (count + facets), 4 at a time, 500 ms each (half the timeout, so no native request times
    // out): about 2000 ms of work against a 1000 ms timeout.
    federation.simulator('es-slow').faults.latencyMs = 500;
    const { body, ms } = await federation.timed('{ repository(id: "es-slow") { cohort { subjects facets { sex { value subjects } } } } }');
    expect(body.errors?.[0]).toMatchObject({ path: ['repository', 'cohort'], extensions: { code: 'REPOSITORY_TIMEOUT', repositoryId: 'es-slow', timeoutMs: 1000 } });
    expect(body.errors?.[0].message).toBe('repository "es-slow": did not answer within 1000 ms (the gateway\'s timeout for this repository)');
    expect(ms).toBeGreaterThanOrEqual(990);
    expect(ms).toBeLessThan(1900);
  });

  it('retries a failing repository (HTTP 503) up to its retries, then reports it', async () => {
    federation.simulator('at-failing').faults.httpStatus = 503;
    const { body } = await federation.query(COHORT, { id: 'at-failing' });
    expect(body.data?.repository).toEqual({ id: 'at-failing', cohort: null });
    expect(body.errors?.[0]).toMatchObject({
      path: ['repository', 'cohort'], extensions: { code: 'REPOSITORY_HTTP_ERROR', repositoryId: 'at-failing', httpStatus: 503, attempts: 3 },
    });
    expect(count('at-failing')).toBe(3);
  });

  it('rescues a flaky repository (half its requests answered 503) by retrying', async () => {
    federation.simulator('it-flaky').faults.errorRate = 0.5;
    for (let i = 0; i < 10; i++) {
      const { body } = await federation.query(COHORT, { id: 'it-flaky' });
      expect(body.errors).toBeUndefined();
      expect((body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBe(40);
    }
    // Requests 2, 4, 6 ... failed: every query after the first failed once and was rescued by its one retry.
    expect(count('it-flaky')).toBe(1 + 9 * 2);
  });

  it('stops a retry storm: a repository failing every request sees about its budget of retries, not 4x the load', async () => {
    federation.simulator('gr-storm').faults.httpStatus = 503;
    const queries = 40;
    const started = performance.now();
    for (let i = 0; i < queries; i++) {
      const { body } = await federation.query(COHORT, { id: 'gr-storm' });
      expect(body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_HTTP_ERROR', repositoryId: 'gr-storm' });
    }
    const seconds = (performance.now() - started) / 1000;
    // Without a budget: 40 x (1 + 3 retries) = 160 requests. The budget: 10 at start, 0.2 per call, 1 per second.
    const retries = count('gr-storm') - queries;
    expect(retries).toBeGreaterThan(0);
    expect(retries).toBeLessThanOrEqual(10 + 0.2 * queries + Math.ceil(seconds));
    expect(count('gr-storm')).toBeLessThan(queries * 1.75);
  });

  it('keeps a flapping repository answering: dropped connections are retried', async () => {
    // Up for 2 requests, dropping the next 2, and so on.
    federation.simulator('nl-flapping').faults.flapEvery = 2;
    for (let i = 0; i < 8; i++) {
      const { body } = await federation.query(COHORT, { id: 'nl-flapping' });
      expect(body.errors).toBeUndefined();
    }
    // Queries 3, 5 and 7 each met two dropped requests before their second retry got through.
    expect(count('nl-flapping')).toBe(8 + 3 * 2);
  });

  it('reports a repository answering malformed JSON once, without retrying, the others unaffected', async () => {
    federation.simulator('be-malformed').faults.malformed = true;
    const { body } = await federation.query(ALL, { ids: ['de-ok', 'be-malformed'] });
    expect((body.data?.repositories as Repositories).map((r) => r.cohort === null)).toEqual([false, true]);
    expect(body.errors).toEqual([expect.objectContaining({
      path: ['repositories', 1, 'cohort'], extensions: expect.objectContaining({ code: 'REPOSITORY_BAD_RESPONSE', repositoryId: 'be-malformed' }),
    })]);
    expect(count('be-malformed')).toBe(1);
  });

  it('opens the circuit after the threshold, stops asking, probes after resetAfterMs, and closes on success', async () => {
    const breaker = federation.simulator('fr-breaker');
    breaker.faults.httpStatus = 503;
    for (let i = 0; i < 3; i++) {
      const { body } = await federation.query(COHORT, { id: 'fr-breaker' });
      expect(body.errors?.[0].extensions?.code).toBe('REPOSITORY_HTTP_ERROR');
    }
    expect(count('fr-breaker')).toBe(3);

    // Open: answered at once, the repository is not asked.
    const open = await federation.timed(COHORT, { id: 'fr-breaker' });
    expect(open.body.errors?.[0]).toMatchObject({ path: ['repository', 'cohort'], extensions: { code: 'REPOSITORY_CIRCUIT_OPEN', repositoryId: 'fr-breaker' } });
    const retryAfterMs = open.body.errors?.[0].extensions?.retryAfterMs as number;
    expect(retryAfterMs).toBeGreaterThan(0);
    expect(retryAfterMs).toBeLessThanOrEqual(400);
    expect(open.body.errors?.[0].message).toMatch(/circuit breaker is open after 3 consecutive failed calls/);
    expect(count('fr-breaker')).toBe(3);
    const ready = await federation.readyz();
    expect(ready.status).toBe(200);
    expect(ready.body.repositories.find((r) => r.id === 'fr-breaker')).toMatchObject({
      state: 'CIRCUIT_OPEN', circuit: 'OPEN', lastErrorCode: 'REPOSITORY_HTTP_ERROR', consecutiveFailures: 3,
    });

    // Half-open: one probe reaches the repository; it fails, so the circuit opens again.
    await sleep(retryAfterMs + 20);
    const probe = await federation.query(COHORT, { id: 'fr-breaker' });
    expect(probe.body.errors?.[0].extensions?.code).toBe('REPOSITORY_HTTP_ERROR');
    expect(count('fr-breaker')).toBe(4);
    const reopened = await federation.query(COHORT, { id: 'fr-breaker' });
    expect(reopened.body.errors?.[0].extensions?.code).toBe('REPOSITORY_CIRCUIT_OPEN');
    expect(count('fr-breaker')).toBe(4);

    // The repository recovers: the next probe succeeds and closes the circuit.
    delete breaker.faults.httpStatus;
    await sleep(420);
    for (let i = 0; i < 2; i++) {
      const { body } = await federation.query(COHORT, { id: 'fr-breaker' });
      expect(body.errors).toBeUndefined();
      expect(body.data?.repository).toEqual({ id: 'fr-breaker', cohort: { subjects: 40 } });
    }
    expect(count('fr-breaker')).toBe(6);
    expect((await federation.readyz()).body.repositories.find((r) => r.id === 'fr-breaker')).toMatchObject({
      state: 'OK', circuit: 'CLOSED', consecutiveFailures: 0, retryAfterMs: null, lastErrorCode: 'REPOSITORY_HTTP_ERROR',
    });
  });

  it('shows each repository\'s state on /readyz and stays ready while repositories fail', async () => {
    federation.simulator('es-slow').faults.latencyMs = 3000;
    federation.simulator('at-failing').faults.down = true;
    await federation.query(ALL, { ids: ['de-ok', 'es-slow', 'at-failing'] });
    const { status, body } = await federation.readyz();
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    const byId = Object.fromEntries(body.repositories.map((r) => [r.id, r]));
    expect(byId['de-ok']).toMatchObject({ state: 'OK', circuit: 'CLOSED', apiKind: 'dicomweb', country: 'DE', subgraph: 'in-process' });
    expect(byId['de-ok'].lastLatencyMs).toEqual(expect.any(Number));
    expect(byId['es-slow']).toMatchObject({ state: 'TIMED_OUT', lastErrorCode: 'REPOSITORY_TIMEOUT' });
    expect(byId['es-slow'].lastLatencyMs).toBeGreaterThanOrEqual(990);
    expect(byId['at-failing']).toMatchObject({ state: 'FAILED', lastErrorCode: 'REPOSITORY_UNAVAILABLE' });
    // `since` is when the state began (it may have failed before); lastErrorAt is this failure.
    expect(Date.parse(byId['at-failing'].lastErrorAt as string)).toBeGreaterThan(Date.now() - 5000);
    expect(Date.parse(byId['at-failing'].since)).toBeLessThanOrEqual(Date.parse(byId['at-failing'].lastErrorAt as string));
    expect(body.states.OK).toBeGreaterThanOrEqual(1);
    expect(body.repositories.map((r) => r.id)).toEqual(federation.config.repositories.map((r) => r.id));
  });
});
