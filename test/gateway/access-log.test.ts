/**
 * The access log (gateway/plugins/observability/access-log.ts) as an operator reads it: one JSON line per GraphQL request
 * with the request id the client sent (or a new one, also returned in `x-request-id`), status, duration, operation
 * name and hash, access level and error codes; never variables, filter values or the operation's text.
 */
import { Writable } from 'node:stream';
import { request } from 'undici';
import { startTestFederation, type TestFederation } from '../support/federation';

const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let federation: TestFederation;

beforeAll(async () => {
  federation = await startTestFederation([{ id: 'de-med', country: 'DE', apiKind: 'eucaim-mediator' }], { accessLog: sink });
});

afterAll(async () => {
  await federation?.close();
});

async function post(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await request(federation.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await response.body.text();
  return { status: response.statusCode, requestId: response.headers['x-request-id'] };
}

/** The line of a request, once written (after its answer has gone). */
async function lineOf(requestId: unknown): Promise<Record<string, unknown>> {
  for (let i = 0; i < 100 && !lines.some((l) => l.requestId === requestId); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return lines.find((l) => l.requestId === requestId)!;
}

test('one line per request, under the request id the client sent, without what it asked', async () => {
  const query = 'query Counts($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }';
  const answer = await post({ query, variables: { where: { sex: ['FEMALE'], ageAtDiagnosis: { min: 61, max: 62 } } } }, { 'x-request-id': 'portal-7f3a.2' });
  expect(answer).toEqual({ status: 200, requestId: 'portal-7f3a.2' });
  const line = await lineOf('portal-7f3a.2');
  expect(line).toMatchObject({
    log: 'eucaim-access', event: 'request', method: 'POST', status: 200, completed: true,
    operationName: 'Counts', accessLevel: 'anonymous', errorCodes: [],
  });
  expect(line.operationHash).toMatch(/^[0-9a-f]{64}$/);
  expect(line.ms).toEqual(expect.any(Number));
  // The clock, the duration and the hash are checked above: digits of theirs ("…:27.618Z") are no leaked age.
  const { time, ms, operationHash, ...rest } = line;
  expect(new Date(time as string).toISOString()).toBe(time);
  const text = JSON.stringify(rest);
  for (const secret of ['FEMALE', '61', 'ageAtDiagnosis', 'cohort(where', '127.0.0.1']) expect(text).not.toContain(secret);
});

test('a request id that is no plain token is replaced by a new one; refused requests are logged with their codes', async () => {
  const answer = await post({ query: '{ repositories { nope } }' }, { 'x-request-id': 'has spaces and "quotes"' });
  // HTTP 200: the client accepts application/json only (GraphQL over HTTP, legacy status).
  expect(answer.status).toBe(200);
  expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(await lineOf(answer.requestId)).toMatchObject({ status: 200, errorCodes: ['GRAPHQL_VALIDATION_FAILED'] });
});
