/**
 * Prometheus metrics on GET /metrics (gateway/plugins/observability/metrics.ts), scraped as Prometheus would after a few
 * queries through a real gateway: each repository's calls by outcome with their latency, the breakers, the answer
 * cache and the admission gate, and Node's process metrics. No filter value reaches a label.
 */
import { request } from 'undici';
import { startTestFederation, type TestFederation } from '../support/federation';

const COHORT = 'query ($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }';

let federation: TestFederation;

beforeAll(async () => {
  federation = await startTestFederation([
    { id: 'de-ok', country: 'DE', apiKind: 'eucaim-mediator' },
    { id: 'es-slow', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 300 },
  ], { cache: {}, memoryRelease: {} });
});

afterAll(async () => {
  await federation?.close();
});

async function scrape(): Promise<{ contentType: string; text: string }> {
  const response = await request(`${federation.gateway.origin}/metrics`);
  expect(response.statusCode).toBe(200);
  return { contentType: String(response.headers['content-type']), text: await response.body.text() };
}

/** The value of one sample, by its exact name and labels as Prometheus prints them. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('counts each repository\'s calls by outcome, with latency, and shows breakers, cache, admission and the process', async () => {
  federation.simulator('es-slow').faults.latencyMs = 1000;
  const where = { sex: ['FEMALE'], ageAtDiagnosis: { min: 50, max: 60 } };
  const first = await federation.query(COHORT, { where });
  expect(first.body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_TIMEOUT', repositoryId: 'es-slow' });
  // Asked again: de-ok answers from the cache (no call), es-slow is called again.
  await federation.query(COHORT, { where });
  delete federation.simulator('es-slow').faults.latencyMs;

  const { contentType, text } = await scrape();
  expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(sample(text, 'eucaim_repository_call_duration_seconds_count{repository="de-ok",outcome="OK"}')).toBe(1);
  expect(sample(text, 'eucaim_repository_call_duration_seconds_count{repository="es-slow",outcome="REPOSITORY_TIMEOUT"}')).toBe(2);
  // The timeouts took their 300 ms: none falls in the buckets up to 0.25 s, both in the one of 1 s, the native
  // latency they did not wait out (not in 0.5 s: a stall of 200 ms on a shared machine put one past it in CI).
  expect(sample(text, 'eucaim_repository_call_duration_seconds_bucket{le="0.25",repository="es-slow",outcome="REPOSITORY_TIMEOUT"}')).toBe(0);
  expect(sample(text, 'eucaim_repository_call_duration_seconds_bucket{le="1",repository="es-slow",outcome="REPOSITORY_TIMEOUT"}')).toBe(2);
  expect(sample(text, 'eucaim_repository_circuit_state{repository="de-ok"}')).toBe(0);
  expect(sample(text, 'eucaim_answer_cache_operations_total{result="hits"}')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'eucaim_admission_requests{kind="running"}')).toBe(0);
  expect(sample(text, 'eucaim_admission_decisions_total{decision="admitted"}')).toBeGreaterThanOrEqual(2);
  // The idle memory release (unit-tested in test/unit/idle-memory-release.test.ts) reports what it did.
  for (const name of ['eucaim_memory_releases_total', 'eucaim_memory_release_seconds_total', 'eucaim_memory_released_bytes_total']) {
    expect(sample(text, name)).toBeGreaterThanOrEqual(0);
  }
  expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
  expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
  // Labels name repositories and codes, never what was asked.
  expect(text).not.toMatch(/FEMALE|ageAtDiagnosis|127\.0\.0\.1/);
});

test('a counter kept by the gateway grows by what happened between two scrapes', async () => {
  const before = sample((await scrape()).text, 'eucaim_admission_decisions_total{decision="admitted"}')!;
  await federation.query(COHORT, { where: { sex: ['MALE'] } });
  const after = sample((await scrape()).text, 'eucaim_admission_decisions_total{decision="admitted"}')!;
  expect(after).toBe(before + 1);
});
