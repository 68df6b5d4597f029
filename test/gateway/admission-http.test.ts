/**
 * The admission gate over HTTP (gateway/plugins/http/admission-gate.ts, gateway/plugins/limits/fair-admission.ts): what a client
 * sees of it through a real gateway, with a fixed gate of one request at a time, one waiting per caller network
 * and a wait of at most 1000 ms, over a repository made slow (`faults.latencyMs`). Each caller is a loopback
 * address of its own /24 (the gateway groups anonymous callers by network), so tests do not share a group.
 */
import { Agent, request } from 'undici';
import { startTestFederation, type TestFederation } from '../support/federation';

const MAX_WAIT_MS = 1000;
const COHORT = 'query ($where: CaseFilter) { repository(id: "de-slow") { cohort(where: $where) { subjects } } }';

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { data?: { repository?: { cohort: { subjects: number } | null } } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
  ms: number;
  /** When the answer was complete. */
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A filter no earlier query used: its call is neither cached nor shared. Adding `sex` makes it show in the mediator's log. */
let filters = 0;
const freshFilter = () => ({ ageAtDiagnosis: { min: filters++, max: 120 } });

describe('the admission gate over HTTP', () => {
  let federation: TestFederation;
  const agents: Agent[] = [];

  /** A caller from `address`; its requests are POSTed as JSON, `padding` bytes added to the body. */
  const caller = (address: string) => {
    const dispatcher = new Agent({ localAddress: address });
    agents.push(dispatcher);
    return async (query: string, variables: Record<string, unknown> = {}, padding = 0): Promise<Answer> => {
      const started = performance.now();
      const body = JSON.stringify({ query, variables, ...(padding > 0 ? { extensions: { padding: 'x'.repeat(padding) } } : {}) });
      const response = await request(federation.url, {
        dispatcher, method: 'POST', body,
        headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      });
      const json = (await response.body.json()) as Answer['body'];
      const retryAfter = response.headers['retry-after'];
      return { status: response.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, body: json, ms: performance.now() - started, at: performance.now() };
    };
  };
  const slow = () => federation.simulator('de-slow');
  /** Resolves once the repository has received `n` requests since the test began. */
  const received = async (n: number) => {
    while (slow().requests.total < n) await sleep(5);
  };
  const answered = (answer: Answer) => {
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data?.repository?.cohort?.subjects).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    federation = await startTestFederation([{ id: 'de-slow', country: 'DE', apiKind: 'eucaim-mediator', timeoutMs: 10_000 }], {
      admission: { initialConcurrent: 1, minConcurrent: 1, maxConcurrent: 1, maxQueuedPerGroup: 1, maxWaitMs: MAX_WAIT_MS },
    });
  });

  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.close()));
    await federation?.close();
  });

  beforeEach(() => slow().resetCounts());
  afterEach(() => {
    delete slow().faults.latencyMs;
  });

  it('frees the slot of a client that hung up once its work has been cancelled: its native request is hung up, the next caller does not wait it out', async () => {
    slow().faults.latencyMs = 800;
    const started = performance.now();
    // A client that sends a question and hangs up at once.
    const hungUp = new AbortController();
    const agent = new Agent({ localAddress: '127.23.0.1' });
    agents.push(agent);
    const abandoned = request(federation.url, {
      method: 'POST', signal: hungUp.signal, dispatcher: agent,
      headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: COHORT, variables: { where: freshFilter() } }),
    }).catch(() => undefined);
    await received(1);
    hungUp.abort();
    await abandoned;
    // The gateway hangs up the native request it made for that client (subgraphs/sdk/cancellation.ts)...
    while (slow().requests.hungUp < 1 && performance.now() - started < 700) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(slow().requests.hungUp).toBe(1);
    // ...and lets the next caller in then, not 800 ms later when that request would have been answered.
    const next = await caller('127.24.0.1')(COHORT, { where: freshFilter() });
    answered(next);
    expect(next.at - started).toBeLessThan(2 * 800 - 50);
    expect(slow().requests.total).toBe(2);
    expect(federation.gateway.admission!.stats.running).toBe(0);
  });

  it('lets a second request from the same network wait and answers it; a third gets 429 TOO_MANY_CONCURRENT_REQUESTS with Retry-After at once', async () => {
    slow().faults.latencyMs = 250;
    const ask = caller('127.1.1.7');
    const refusedBefore = federation.gateway.admission!.stats.refusedGroupQueueFull;
    const first = ask(COHORT, { where: freshFilter() });
    await received(1);
    const second = ask(COHORT, { where: freshFilter() });
    await sleep(30);
    expect(federation.gateway.admission!.stats).toMatchObject({ running: 1, queued: 1 });
    const third = await ask(COHORT, { where: freshFilter() });
    expect(third).toMatchObject({ status: 429, retryAfter: '1' });
    expect(third.body.errors?.[0]).toMatchObject({ extensions: { code: 'TOO_MANY_CONCURRENT_REQUESTS', retryAfterMs: 1000 } });
    expect(third.body.errors?.[0].message).toMatch(/^too many requests at once from this caller/);
    const [one, two] = await Promise.all([first, second]);
    answered(one);
    answered(two);
    // Refused without waiting; the second waited for the first.
    expect(third.at).toBeLessThan(one.at);
    expect(two.at).toBeGreaterThanOrEqual(one.at);
    expect(slow().requests.total).toBe(2);
    expect(federation.gateway.admission!.stats.refusedGroupQueueFull).toBe(refusedBefore + 1);
  });

  it('answers a request that waited longer than maxWaitMs with 503 OVERLOADED and Retry-After, its 200 KB body read (no reset)', async () => {
    slow().faults.latencyMs = 2 * MAX_WAIT_MS;
    const ask = caller('127.1.2.7');
    const running = ask(COHORT, { where: freshFilter() });
    await received(1);
    const waited = await ask(COHORT, { where: freshFilter() }, 200_000);
    expect(waited).toMatchObject({ status: 503, retryAfter: '1' });
    expect(waited.body.errors?.[0]).toMatchObject({ extensions: { code: 'OVERLOADED', retryAfterMs: 1000 } });
    expect(waited.body.errors?.[0].message).toBe(`the gateway is overloaded: the request waited ${MAX_WAIT_MS} ms without a free slot; retry in a moment`);
    expect(waited.ms).toBeGreaterThanOrEqual(MAX_WAIT_MS - 20);
    answered(await running);
    expect(waited.at).toBeLessThan((await running).at);
    // It never reached the repository; the same connection pool serves the next request.
    expect(slow().requests.total).toBe(1);
    delete slow().faults.latencyMs;
    answered(await ask(COHORT, { where: freshFilter() }));
  });

  it('answers /healthz and /readyz while GraphQL requests wait', async () => {
    slow().faults.latencyMs = 1500;
    const ask = caller('127.1.3.7');
    const running = ask(COHORT, { where: freshFilter() });
    await received(1);
    const waiting = ask(COHORT, { where: freshFilter() });
    await sleep(30);
    expect(federation.gateway.admission!.stats).toMatchObject({ running: 1, queued: 1 });
    for (const path of ['/healthz', '/readyz']) {
      const started = performance.now();
      const response = await request(`${federation.gateway.origin}${path}`);
      expect(response.statusCode).toBe(200);
      await response.body.json();
      expect(performance.now() - started).toBeLessThan(500);
    }
    expect(federation.gateway.admission!.stats).toMatchObject({ running: 1, queued: 1 });
    answered(await running);
    expect((await waiting).status).toBe(503);
  });

  it('serves another network\'s request before the same network\'s queued one', async () => {
    slow().faults.latencyMs = 250;
    const flood = caller('127.1.4.7');
    const portal = caller('127.0.0.1');
    const first = flood(COHORT, { where: freshFilter() });
    await received(1);
    const queued = flood(COHORT, { where: { ...freshFilter(), sex: ['MALE'] } });
    await sleep(30);
    const other = portal(COHORT, { where: { ...freshFilter(), sex: ['FEMALE'] } });
    const [one, two, three] = await Promise.all([first, queued, other]);
    [one, two, three].forEach(answered);
    expect(three.at).toBeLessThan(two.at);
    // The repository saw them in that order too.
    expect(slow().requests.log.map((line) => (line.includes('gender=female') ? 'other network' : line.includes('gender=male') ? 'same network' : 'first')))
      .toEqual(['first', 'other network', 'same network']);
  });

  it('puts a caller whose requests were refused (BAD_USER_INPUT) behind one whose were not, though it used the gateway less', async () => {
    const refused = caller('127.1.5.7');
    const polite = caller('127.1.6.7');
    const busy = caller('127.1.7.7');
    // The polite caller has used the gateway more (a 300 ms request) than the refused one (a refusal in a few ms).
    slow().faults.latencyMs = 300;
    answered(await polite(COHORT, { where: freshFilter() }));
    const bad = await refused('query ($where: CaseFilter) { cohort(where: $where) { total { subjects } } }',
      { where: { collections: Array.from({ length: 1000 }, (_, i) => `C${i}`) } });
    expect(bad.body.errors?.map((error) => error.extensions?.code)).toContain('BAD_USER_INPUT');
    expect(bad.body.errors?.every((error) => error.extensions?.code === 'BAD_USER_INPUT')).toBe(true);
    slow().resetCounts();
    const running = busy(COHORT, { where: freshFilter() });
    await received(1);
    // The refused caller asks first, then the polite one.
    const fromRefused = refused(COHORT, { where: { ...freshFilter(), sex: ['MALE'] } });
    await sleep(30);
    const fromPolite = polite(COHORT, { where: { ...freshFilter(), sex: ['FEMALE'] } });
    const [a, b, c] = await Promise.all([running, fromRefused, fromPolite]);
    [a, b, c].forEach(answered);
    expect(c.at).toBeLessThan(b.at);
    expect(slow().requests.log.map((line) => (line.includes('gender=female') ? 'polite' : line.includes('gender=male') ? 'refused' : 'busy')))
      .toEqual(['busy', 'polite', 'refused']);
  });
});

describe('the admission gate turned off (ADMISSION=off)', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation([{ id: 'de-slow', country: 'DE', apiKind: 'eucaim-mediator' }], { env: { ...process.env, ADMISSION: 'off' } });
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('has no gate: many requests from one network run at once', async () => {
    expect(federation.gateway.admission).toBeUndefined();
    federation.simulator('de-slow').faults.latencyMs = 300;
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 3 }, () => federation.query(COHORT, { where: freshFilter() })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    // Three at once (what one caller may have of the repository's default four), not one after another.
    expect(performance.now() - started).toBeLessThan(2 * 300);
  });
});
