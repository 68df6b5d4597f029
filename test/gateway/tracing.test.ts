/**
 * OpenTelemetry traces (gateway/plugins/observability/tracing.ts), collected with the SDK's in-memory exporter: one trace
 * per GraphQL request, continuing the client's `traceparent`, from the server span through @apollo/gateway's spans
 * and a span per repository call down to each native HTTP request the adapters made, with outcomes and status
 * codes and without what was asked.
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { request } from 'undici';
import { startTracing, type Tracing } from '../../gateway/plugins/observability/tracing';
import { startTestFederation, type TestFederation } from '../support/federation';

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

test('one trace from the client\'s traceparent down to every native request, with outcomes and no filter values', async () => {
  federation.simulator('es-slow').faults.latencyMs = 1000;
  exporter.reset();
  const response = await request(federation.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    body: JSON.stringify({ query: 'query ($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }', variables: { where: { sex: ['FEMALE'] } } }),
  });
  await response.body.text();
  delete federation.simulator('es-slow').faults.latencyMs;
  await new Promise((resolve) => setTimeout(resolve, 100)); // the server span ends once the answer has gone
  await tracing.flush();
  const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === TRACE_ID);
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
