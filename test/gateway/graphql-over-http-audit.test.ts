import { auditServer } from 'graphql-http';
import { startDemoGateway, type DemoGateway } from '../support/gateway';

describe('GraphQL over HTTP conformance (graphql-http audit suite)', () => {
  let demo: DemoGateway;

  beforeAll(async () => {
    demo = await startDemoGateway();
  });

  afterAll(async () => {
    await demo?.close();
  });

  it('passes every MUST audit', async () => {
    const results = await auditServer({ url: demo.url });
    const failedMusts = results.filter((r) => r.status === 'error').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failedMusts).toEqual([]);
    // The suite has 61 audits; all of them must have run.
    expect(results.length).toBeGreaterThanOrEqual(61);
  });
});
