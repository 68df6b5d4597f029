import { auditServer } from 'graphql-http';
import { request } from 'undici';
import { startDemoGateway, type DemoGateway } from '../support/gateway';

describe('GraphQL over HTTP conformance (graphql-http audit suite)', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway();
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('passes every MUST and every SHOULD audit', async () => {
    const results = await auditServer({ url: demo.url });
    const failedMusts = results.filter((r) => r.status === 'error').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    const failedShoulds = results.filter((r) => r.status === 'warn').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failedMusts).toEqual([]);
    expect(failedShoulds).toEqual([]);
    // The suite has 61 audits; all of them must have run.
    expect(results.length).toBeGreaterThanOrEqual(61);
  });

  // What the audits above check, as a client sees it: the same invalid document gets 200 with the legacy JSON
  // type (the errors are in the body) and 400 with the GraphQL response type; a request with no query stays 400.
  it.each([
    ['application/json', '{ repositories { noSuchField } }', 200, 'GRAPHQL_VALIDATION_FAILED'],
    ['application/graphql-response+json', '{ repositories { noSuchField } }', 400, 'GRAPHQL_VALIDATION_FAILED'],
    ['application/json', '{ repositories {', 200, 'GRAPHQL_PARSE_FAILED'],
    ['application/json', undefined, 400, 'BAD_REQUEST'],
  ])('answers %s for %s with %i', async (accept, query, status, code) => {
    const response = await request(demo.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
    const body = (await response.body.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(new RegExp(`^${accept.replace('+', '\\+')}`));
    expect(body.errors?.[0]?.extensions?.code).toBe(code);
  });
});
