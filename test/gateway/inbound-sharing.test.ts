/**
 * Inbound de-duplication (gateway/plugins/http/inbound-sharing.ts): identical GraphQL requests in flight at once share one
 * execution, seen as an operator sees it in the access log (`shared: true`) and as clients see it (identical
 * answers). Answers that released records are never shared (each caller's audit line lists what it got), and
 * requests that differ in what decides the answer (the media type asked for) are executed apart.
 */
import { Writable } from 'node:stream';
import { request } from 'undici';
import { startTestFederation, type TestFederation } from '../support/federation';

function jsonLines(): { lines: Array<Record<string, unknown>>; sink: Writable } {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, sink };
}

const access = jsonLines();
const audit = jsonLines();
let federation: TestFederation;

beforeAll(async () => {
  federation = await startTestFederation([
    { id: 'de-med', country: 'DE', apiKind: 'eucaim-mediator' },
    { id: 'cz-xnat', country: 'CZ', apiKind: 'xnat' },
  ], { accessLog: access.sink, auditLog: audit.sink });
});

afterAll(async () => {
  await federation?.close();
});

async function post(query: string, accept = 'application/graphql-response+json, application/json') {
  const response = await request(federation.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
  return { status: response.statusCode, contentType: String(response.headers['content-type']), text: await response.body.text(), requestId: String(response.headers['x-request-id']) };
}

async function linesOf(requestIds: string[]): Promise<Array<Record<string, unknown>>> {
  for (let i = 0; i < 100 && !requestIds.every((id) => access.lines.some((l) => l.requestId === id)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return requestIds.map((id) => access.lines.find((l) => l.requestId === id)!);
}

test('eight identical count questions at once: one execution, seven answered with its answer', async () => {
  federation.simulator('de-med').faults.latencyMs = 300;
  const query = '{ repositories(where: { ids: ["de-med"] }) { id cohort(where: { sex: [MALE] }) { subjects } } }';
  const answers = await Promise.all(Array.from({ length: 8 }, () => post(query)));
  delete federation.simulator('de-med').faults.latencyMs;
  expect(new Set(answers.map((a) => a.text)).size).toBe(1);
  expect(answers[0].text).toContain('"subjects":');
  const lines = await linesOf(answers.map((a) => a.requestId));
  expect(lines.filter((l) => l.shared === true)).toHaveLength(7);
  expect(lines.filter((l) => l.shared === false)).toHaveLength(1);
  // Every line says what was asked and answered, the shared ones too.
  for (const line of lines) expect(line).toMatchObject({ operationHash: expect.stringMatching(/^[0-9a-f]{64}$/), accessLevel: 'anonymous', errorCodes: [] });
});

test('requests for records are never shared: each is executed and audited', async () => {
  federation.simulator('cz-xnat').faults.latencyMs = 200;
  const query = '{ repository(id: "cz-xnat") { cases(first: 2) { nodes { id } } } }';
  const auditedBefore = audit.lines.length;
  const answers = await Promise.all(Array.from({ length: 4 }, () => post(query)));
  delete federation.simulator('cz-xnat').faults.latencyMs;
  for (const answer of answers) expect(answer.text).toContain('"nodes":[{');
  const lines = await linesOf(answers.map((a) => a.requestId));
  expect(lines.every((l) => l.shared === false)).toBe(true);
  expect(audit.lines.slice(auditedBefore).filter((l) => l.event === 'record-release')).toHaveLength(4);
});

test('requests that ask another media type are executed apart', async () => {
  federation.simulator('de-med').faults.latencyMs = 300;
  const query = '{ repositories(where: { ids: ["de-med"] }) { id cohort(where: { sex: [FEMALE] }) { subjects } } }';
  const [modern, legacy] = await Promise.all([post(query), post(query, 'application/json')]);
  delete federation.simulator('de-med').faults.latencyMs;
  expect(modern.contentType).toMatch(/^application\/graphql-response\+json/);
  expect(legacy.contentType).toMatch(/^application\/json/);
  const lines = await linesOf([modern.requestId, legacy.requestId]);
  expect(lines.every((l) => l.shared === false)).toBe(true);
});
