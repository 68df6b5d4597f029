/**
 * The demo's fault endpoint through a real gateway: whoever runs the demo can make a simulated repository fail and
 * watch the federation degrade gracefully, then heal it; no web page and no other machine can. It does not exist
 * for real repositories, nor unless the gateway is started with it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'undici';
import { createDemoFaultsHandler, localFaultTarget } from '../../demo/faults';
import { startGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { DEMO_SECRET, resilienceConfig, startResilienceFederation, type ResilienceFederation } from './support';

const ALL = '{ repositories { id cohort { subjects } } }';

async function call(origin: string, method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = { 'content-type': 'application/json', 'x-demo-secret': DEMO_SECRET }) {
  const response = await request(`${origin}${path}`, { method, body, headers });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('the demo fault endpoint', () => {
  let federation: ResilienceFederation;
  let origin: string;

  beforeAll(async () => {
    federation = await startResilienceFederation([
      { id: 'de-demo', country: 'DE', apiKind: 'dicomweb' },
      { id: 'es-demo', country: 'ES', apiKind: 'eucaim-mediator', retries: 1 },
    ]);
    origin = federation.gateway.origin;
  });

  afterAll(async () => {
    await federation?.close();
  });

  it('lists the simulated repositories, their knobs and status', async () => {
    const { status, body } = await call(origin, 'GET', '/demo/faults');
    expect(status).toBe(200);
    expect(Object.keys(body.knobs as object)).toEqual(expect.arrayContaining(['latencyMs', 'errorRate', 'down', 'flapEvery', 'flapMs', 'malformed']));
    expect((body.repositories as Array<{ id: string; faults: object }>).map((r) => [r.id, r.faults])).toEqual([['de-demo', {}], ['es-demo', {}]]);
  });

  it('takes a repository down and brings it back, the others answering throughout', async () => {
    const down = await call(origin, 'POST', '/demo/faults/es-demo', '{"down": true}');
    expect(down).toMatchObject({ status: 200, body: { id: 'es-demo', faults: { down: true } } });
    const degraded = await federation.query(ALL);
    expect(degraded.status).toBe(200);
    expect(degraded.body.data?.repositories).toEqual([{ id: 'de-demo', cohort: { subjects: 40 } }, { id: 'es-demo', cohort: null }]);
    expect(degraded.body.errors?.[0]).toMatchObject({ path: ['repositories', 1, 'cohort'], extensions: { code: 'REPOSITORY_UNAVAILABLE', repositoryId: 'es-demo', attempts: 2 } });
    expect((await call(origin, 'GET', '/demo/faults/es-demo')).body).toMatchObject({ faults: { down: true }, status: { state: 'FAILED', lastErrorCode: 'REPOSITORY_UNAVAILABLE' } });

    const healed = await call(origin, 'POST', '/demo/faults/es-demo', '{}');
    expect(healed).toMatchObject({ status: 200, body: { faults: {} } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const back = await federation.query(ALL);
    expect(back.body.errors).toBeUndefined();
    expect(back.body.data?.repositories).toEqual([{ id: 'de-demo', cohort: { subjects: 40 } }, { id: 'es-demo', cohort: { subjects: 40 } }]);
    expect((await call(origin, 'GET', '/demo/faults/es-demo')).body).toMatchObject({ status: { state: 'OK' } });
  });

  it('refuses unknown knobs, bad values and unknown repositories, saying what is wrong', async () => {
    const bad = await call(origin, 'POST', '/demo/faults/es-demo', '{"errorRate": 2, "explode": true}');
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual(['errorRate: must be a number between 0 and 1', expect.stringContaining('explode: unknown knob')]);
    expect((await call(origin, 'POST', '/demo/faults/es-demo', 'not json')).status).toBe(400);
    const unknown = await call(origin, 'POST', '/demo/faults/xx-nowhere', '{}');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no simulated repository "xx-nowhere"; simulated: de-demo, es-demo' } });
    expect(federation.simulator('es-demo').faults).toEqual({});
  });

  it('refuses a change without the secret, with a wrong one, or sent as a browser form would (CSRF)', async () => {
    const noSecret = await call(origin, 'POST', '/demo/faults/es-demo', '{"down": true}', { 'content-type': 'application/json' });
    expect(noSecret.status).toBe(403);
    expect(noSecret.body.error).toContain('x-demo-secret');
    expect((await call(origin, 'POST', '/demo/faults/es-demo', '{"down": true}', { 'content-type': 'application/json', 'x-demo-secret': `${DEMO_SECRET}x` })).status).toBe(403);
    // What a cross-site form or a no-preflight fetch can send: text/plain, no custom header.
    const form = await call(origin, 'POST', '/demo/faults/es-demo', '{"down": true}', { 'content-type': 'text/plain', origin: 'https://evil.example' });
    expect(form.status).toBe(415);
    expect(federation.simulator('es-demo').faults).toEqual({});
  });

  it('answers requests from other machines with a refusal, whatever they carry', () => {
    const config = federation.gateway.federation.config;
    const handler = createDemoFaultsHandler(() => config, () => localFaultTarget({ faults: {}, requests: { total: 0 } }), DEMO_SECRET);
    const remote = { url: '/demo/faults/es-demo', method: 'POST', headers: { 'content-type': 'application/json', 'x-demo-secret': DEMO_SECRET }, socket: { remoteAddress: '192.0.2.7' } };
    let status = 0;
    let body = '';
    const res = { headersSent: false, writeHead(code: number) { status = code; return this; }, end(text: string) { body = text; } };
    expect(handler(remote as unknown as IncomingMessage, res as unknown as ServerResponse)).toBe(true);
    expect(status).toBe(403);
    expect(body).toContain('from this machine only');
  });

  it('is not served unless the gateway is started with it', async () => {
    const gateway = await startGateway({ config: federation.gateway.federation.config, kinds: ADAPTER_KINDS, port: 0 });
    try {
      const response = await request(`${gateway.origin}/demo/faults`);
      await response.body.text();
      expect(response.statusCode).toBe(404);
    } finally {
      await gateway.close();
    }
  });

  it('does not exist for real repositories', async () => {
    const real = resilienceConfig([{ id: 'de-real', country: 'DE', apiKind: 'eucaim-mediator' }]);
    const gateway = await startGateway({
      config: { ...real, repositories: real.repositories.map((r) => ({ ...r, endpoint: 'http://127.0.0.1:9/mediator' })) },
      kinds: ADAPTER_KINDS, port: 0, demoFaults: { secret: DEMO_SECRET },
    });
    try {
      const response = await request(`${gateway.origin}/demo/faults`);
      await response.body.text();
      expect(response.statusCode).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});
