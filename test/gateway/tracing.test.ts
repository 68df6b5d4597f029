/**
 * OpenTelemetry traces (gateway/plugins/observability/tracing.ts), collected with the SDK's in-memory exporter: one trace
 * per GraphQL request, continuing the client's `traceparent`, from the server span through @apollo/gateway's spans
 * and a span per repository call down to each native HTTP request the adapters made, with outcomes and status
 * codes and without what was asked.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { startTracing, type Tracing } from '../../gateway/plugins/observability/tracing';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { startTestFederation, testConfig, type TestFederation } from '../support/federation';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let federation: TestFederation;

beforeAll(async () => {
  tracing = startTracing({ exporter })!;
  federation = await startTestFederation([
    { id: 'de-med', country: 'DE', apiKind: 'eucaim-mediator' },
    { id: 'es-slow', country: 'ES', apiKind: 'eucaim-mediator', timeoutMs: 300 },
  ]);
});

afterAll(async () => {
  await federation?.close();
  await tracing?.shutdown();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/**
 * Sends a GraphQL request as a client inside a trace (its `traceparent` names `traceId` and the client's span
 * `parentSpanId`); resolves with the answer's body and the finished spans of that trace.
 */
async function traced(url: string, traceId: string, parentSpanId: string, body: object): Promise<{ answer: unknown; spans: ReadableSpan[] }> {
  exporter.reset();
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-${parentSpanId}-01` },
    body: JSON.stringify(body),
  });
  const answer = await response.body.json();
  await new Promise((resolve) => setTimeout(resolve, 100)); // the server span ends once the answer has gone
  await tracing.flush();
  return { answer, spans: exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId) };
}

test('one trace from the client\'s traceparent down to every native request, with outcomes and no filter values', async () => {
  federation.simulator('es-slow').faults.latencyMs = 1000;
  const { spans } = await traced(federation.url, TRACE_ID, '00f067aa0ba902b7',
    { query: 'query ($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }', variables: { where: { sex: ['FEMALE'] } } });
  delete federation.simulator('es-slow').faults.latencyMs;
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const ancestors = (span: ReadableSpan): string[] => {
    const names: string[] = [];
    for (let at = span.parentSpanId && byId.get(span.parentSpanId); at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) names.push(at.name);
    return names;
  };
  const server = spans.find((s) => s.name === 'POST /graphql')!;
  expect(server).toBeDefined();
  expect(server.parentSpanId).toBe('00f067aa0ba902b7');
  expect(server.attributes['http.response.status_code']).toBe(200);

  const call = (id: string) => spans.find((s) => s.name === `repository ${id}`)!;
  expect(call('de-med').attributes['eucaim.outcome']).toBe('OK');
  expect(call('es-slow').attributes['eucaim.outcome']).toBe('REPOSITORY_TIMEOUT');
  // Under the gateway's own spans (Apollo's fetch, inside its request span) and the server span.
  expect(ancestors(call('de-med'))).toEqual(expect.arrayContaining(['gateway.fetch', 'gateway.request', 'POST /graphql']));

  const native = spans.filter((s) => s.name === 'GET de-med');
  expect(native.length).toBeGreaterThanOrEqual(1);
  for (const span of native) {
    expect(span.attributes).toMatchObject({ 'http.request.method': 'GET', 'eucaim.repository.id': 'de-med', 'http.response.status_code': 200 });
    expect(ancestors(span)[0]).toBe('repository de-med');
  }
  // Nothing of what was asked, and no native path, in any span.
  const everything = JSON.stringify(spans.map((s) => [s.name, s.attributes]));
  expect(everything).not.toMatch(/FEMALE|female|\/search|gender/);
});

test('a Europe-wide cohort is not planned: the europe subgraph answers it, calling each repository straight', async () => {
  const { answer, spans } = await traced(federation.url, '5bf92f3577b34da6a3ce929d0e0e4737', '00f067aa0ba902b8',
    { query: '{ cohort(where: { sex: [MALE] }) { total { subjects } repositories { repositoryId status { state } } } }' });
  const body = answer as { data: { cohort: { repositories: Array<{ repositoryId: string; status: { state: string } }> } } };
  expect(body.data.cohort.repositories.map((r) => r.status.state)).toEqual(['OK', 'OK']);
  // The europe subgraph alone answers it (gateway/europe-direct.ts): no query plan, neither for the client's
  // operation nor for an inner operation per repository or for the catalog.
  expect(spans.filter((s) => s.name === 'gateway.request' || s.name === 'gateway.plan')).toHaveLength(0);
  const europe = spans.filter((s) => s.name === 'subgraph europe');
  expect(europe).toHaveLength(1);
  // Each repository asked once, through the same call middlewares (its span, its outcome), under the europe subgraph's span.
  for (const id of ['de-med', 'es-slow']) {
    const calls = spans.filter((s) => s.name === `repository ${id}`);
    expect(calls).toHaveLength(1);
    expect(calls[0].attributes['eucaim.outcome']).toBe('OK');
    expect(calls[0].parentSpanId).toBe(europe[0].spanContext().spanId);
  }
});

test('a Europe-wide cohort that asks the catalog too (a repository\'s name) is planned, once', async () => {
  const { answer, spans } = await traced(federation.url, '5bf92f3577b34da6a3ce929d0e0e4738', '00f067aa0ba902b9',
    { query: '{ cohort(where: { sex: [MALE] }) { total { subjects } repositories { repositoryId repository { name } } } }' });
  expect((answer as { errors?: unknown }).errors).toBeUndefined();
  expect(spans.filter((s) => s.name === 'gateway.plan')).toHaveLength(1);
  expect(spans.filter((s) => s.name === 'subgraph europe')).toHaveLength(0);
  expect(spans.filter((s) => s.name.startsWith('repository '))).toHaveLength(2);
});

describe('a repository subgraph served elsewhere (serveRepositorySubgraph)', () => {
  let demo: RunningDemo;
  let remote: RunningSubgraph;
  let gateway: RunningGateway;

  beforeAll(async () => {
    demo = await startDemoSimulators(testConfig([{ id: 'nl-remote', country: 'NL', apiKind: 'eucaim-mediator' }]));
    const entry = demo.config.repositories[0];
    const kind = ADAPTER_KINDS.find((k) => k.apiKind === entry.apiKind)!;
    remote = await serveRepositorySubgraph({ entry, kind, port: 0, credentials: entry.credentialsEnv ? process.env[entry.credentialsEnv] : undefined });
    gateway = await startGateway({ config: { ...demo.config, repositories: [{ ...entry, subgraph: remote.url }] }, kinds: ADAPTER_KINDS, port: 0 });
  });

  afterAll(async () => {
    await gateway?.close();
    await remote?.close();
    await demo?.close();
  });

  test('continues the trace: its server span under the gateway\'s call, its native requests under it', async () => {
    const { answer, spans } = await traced(gateway.url, '6bf92f3577b34da6a3ce929d0e0e4738', '00f067aa0ba902b9',
      { query: '{ repository(id: "nl-remote") { cohort(where: { sex: [FEMALE] }) { subjects } } }' });
    expect((answer as { data: { repository: { cohort: { subjects: number } } } }).data.repository.cohort.subjects).toBeGreaterThan(0);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const servers = spans.filter((s) => s.name === 'POST /graphql');
    // The gateway's, under the client's traceparent, and the subgraph's, under the gateway's call to it.
    expect(servers).toHaveLength(2);
    const subgraphServer = servers.find((s) => s.parentSpanId !== '00f067aa0ba902b9')!;
    const chain: string[] = [];
    for (let at = byId.get(subgraphServer.parentSpanId!); at; at = at.parentSpanId ? byId.get(at.parentSpanId) : undefined) chain.push(at.name);
    expect(chain).toEqual(expect.arrayContaining(['repository nl-remote', 'POST /graphql']));
    const native = spans.filter((s) => s.name === 'GET nl-remote' || s.name === 'POST nl-remote');
    expect(native.length).toBeGreaterThanOrEqual(1);
    for (const span of native) expect(span.parentSpanId).toBe(subgraphServer.spanContext().spanId);
  });
});
