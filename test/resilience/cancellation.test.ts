/**
 * Abandoned work is cancelled (subgraphs/sdk/cancellation.ts): once nobody waits for a repository call any more,
 * because the gateway's timeout answered REPOSITORY_TIMEOUT or the client hung up, the native requests it has in
 * flight are hung up and the ones it has not sent are never sent. A call several clients share goes on while one
 * of them still waits. Seen where a repository's operator would see it: at the native server (its simulator counts
 * the requests it received and those whose client hung up before the answer).
 */
import { Client } from 'undici';
import { getRepositoryStatus } from '../../gateway/plugins/resilience/repository-status';
import { postGraphQL, startTestFederation, type TestFederation } from '../support/federation';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const COHORT = 'query ($id: ID!, $where: CaseFilter) { repository(id: $id) { id cohort(where: $where) { subjects } } }';
// The mediator adapter asks one request per facet value, a few at a time: a call of many native requests.
const WITH_FACETS = 'query ($where: CaseFilter) { repository(id: "es-timeout") { cohort(where: $where) { subjects facets { sex { value subjects } ageBand { value subjects } } } } }';

/** A filter no other query of this file used: its call is neither cached nor shared. */
let filters = 0;
const freshFilter = () => ({ ageAtDiagnosis: { min: filters++, max: 120 } });

/** Sends a query and hangs up once `hangUpWhen` holds (checked every 5 ms); resolves when the connection is gone. */
async function askAndHangUp(url: string, query: string, variables: Record<string, unknown>, hangUpWhen: () => boolean): Promise<void> {
  const client = new Client(new URL(url).origin);
  const controller = new AbortController();
  const answer = client.request({
    method: 'POST', path: new URL(url).pathname, signal: controller.signal,
    headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }),
  }).then(() => 'answered', (error: Error) => error.name);
  while (!hangUpWhen()) await sleep(5);
  controller.abort();
  expect(await answer).toBe('AbortError');
  await client.destroy();
}

let federation: TestFederation;

beforeAll(async () => {
  federation = await startTestFederation([
    { id: 'es-timeout', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 1000 },
    { id: 'de-patient', country: 'DE', apiKind: 'eucaim-mediator', timeoutMs: 10_000 },
  ], { cache: {} });
});

afterAll(async () => {
  await federation?.close();
});

beforeEach(() => {
  for (const id of ['es-timeout', 'de-patient']) {
    const simulator = federation.simulator(id);
    delete simulator.faults.latencyMs;
    simulator.resetCounts();
  }
});

test('a call that timed out hangs up its native requests and sends no more', async () => {
  const simulator = federation.simulator('es-timeout');
  simulator.faults.latencyMs = 600;
  const answer = await federation.query(WITH_FACETS, { where: freshFilter() });
  expect(answer.body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_TIMEOUT', repositoryId: 'es-timeout' });
  await sleep(100);
  const sentByTheTimeout = simulator.requests.total;
  expect(sentByTheTimeout).toBeGreaterThan(1);
  // The requests still waiting for their answers were hung up at once, not left to run their 600 ms.
  expect(simulator.requests.hungUp).toBeGreaterThanOrEqual(1);
  // Nothing more arrives afterwards: the call's remaining facet requests were never sent.
  await sleep(1500);
  expect(simulator.requests.total).toBe(sentByTheTimeout);
});

test('a client that hangs up cancels its calls; the repository\'s breaker does not count them as failures', async () => {
  const simulator = federation.simulator('de-patient');
  simulator.faults.latencyMs = 3000;
  const before = getRepositoryStatus('de-patient')?.consecutiveFailures ?? 0;
  await askAndHangUp(federation.url, COHORT, { id: 'de-patient', where: freshFilter() }, () => simulator.requests.total >= 1);
  // The native request is hung up long before its 3 s were over.
  const started = performance.now();
  while (simulator.requests.hungUp < 1 && performance.now() - started < 2000) await sleep(10);
  expect(simulator.requests.hungUp).toBe(1);
  expect(simulator.requests.total).toBe(1);
  expect(getRepositoryStatus('de-patient')?.consecutiveFailures ?? 0).toBe(before);
  expect(getRepositoryStatus('de-patient')?.circuit).toBe('CLOSED');
});

test('a call two clients share goes on when one of them hangs up, and the other gets its answer', async () => {
  const simulator = federation.simulator('de-patient');
  simulator.faults.latencyMs = 800;
  const where = freshFilter();
  let joined = false;
  const hangingUp = askAndHangUp(federation.url, COHORT, { id: 'de-patient', where }, () => joined);
  while (simulator.requests.total < 1) await sleep(5);
  // Same question while the first is in flight: it joins that call. The first client hangs up 200 ms later.
  const staying = postGraphQL(federation.url, COHORT, { id: 'de-patient', where });
  await sleep(200);
  joined = true;
  await hangingUp;
  const answer = await staying;
  expect(answer.body.errors).toBeUndefined();
  expect((answer.body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
  expect(simulator.requests.total).toBe(1);
  expect(simulator.requests.hungUp).toBe(0);
});
