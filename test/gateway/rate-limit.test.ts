/**
 * Requests per caller: past the limit a caller gets HTTP 429 with Retry-After and a RATE_LIMITED error, other
 * callers are not affected, and gateway replicas sharing Redis count the same calls (each replica counting alone
 * while Redis is down).
 */
import { Agent, request } from 'undici';
import { startTestFederation, type TestFederation } from '../support/federation';
import { createDemoIssuer } from '../../demo/issuer';
import { startRedis, type RunningRedis } from '../cache/support';

const QUERY = JSON.stringify({ query: '{ repositories { id } }' });

/** One caller: its own source address on loopback (127.0.0.0/8 is all this machine). */
function caller(address: string) {
  const dispatcher = new Agent({ localAddress: address });
  return {
    async ask(url: string) {
      const response = await request(url, { method: 'POST', body: QUERY, headers: { 'content-type': 'application/json' }, dispatcher });
      return { status: response.statusCode, retryAfter: response.headers['retry-after'], body: (await response.body.json()) as { errors?: Array<{ extensions?: Record<string, unknown> }> } };
    },
    close: () => dispatcher.close(),
  };
}

const REPOSITORY = [{ id: 'rl-a', country: 'DE', apiKind: 'eucaim-mediator' }];

describe('the rate limit, in memory', () => {
  let federation: TestFederation;
  const first = caller('127.0.0.1');
  const second = caller('127.0.0.2');

  beforeAll(async () => {
    federation = await startTestFederation(REPOSITORY, { rateLimit: { perMinute: 5 } });
  });

  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    await federation?.close();
  });

  it('answers a caller five times a minute, then 429 with Retry-After, and another caller as before', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await first.ask(federation.url)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const refused = await first.ask(federation.url);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect((await second.ask(federation.url)).status).toBe(200);
  });
});

describe('the rate limit, shared by replicas through Redis', () => {
  let redis: RunningRedis;
  let one: TestFederation;
  let two: TestFederation;
  const client = caller('127.0.0.3');

  beforeAll(async () => {
    redis = await startRedis();
    one = await startTestFederation(REPOSITORY, { rateLimit: { perMinute: 6, redisUrl: redis.url } });
    two = await startTestFederation(REPOSITORY, { rateLimit: { perMinute: 6, redisUrl: redis.url } });
  });

  afterAll(async () => {
    await client.close();
    await one?.close();
    await two?.close();
    await redis?.stop();
  });

  it('counts a caller\'s requests to every replica together', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.ask(one.url)).status, (await client.ask(two.url)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(6);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it('keeps limiting while Redis is down, each replica on its own', async () => {
    await redis.stop();
    const other = caller('127.0.0.4');
    try {
      const statuses = [];
      for (let i = 0; i < 8; i++) statuses.push((await other.ask(one.url)).status);
      expect(statuses.slice(0, 6)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(statuses.slice(6)).toEqual([429, 429]);
    } finally {
      await other.close();
    }
  });
});

describe('the rate limit for authenticated callers', () => {
  let federation: TestFederation;

  beforeAll(async () => {
    federation = await startTestFederation(REPOSITORY, { rateLimit: { perMinute: 3 }, builtInIssuer: createDemoIssuer });
  });

  afterAll(async () => {
    await federation?.close();
  });

  const ask = async (token?: string) => (await request(federation.url, {
    method: 'POST', body: QUERY, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  }).then(async (response) => { await response.body.text(); return response.statusCode; }));

  it('counts each token subject on its own, whatever address it comes from, and bad tokens against the address', async () => {
    const alice = await federation.gateway.builtInIssuer!.mint('alice', []);
    const bob = await federation.gateway.builtInIssuer!.mint('bob', []);
    const statuses = { alice: [] as number[], bob: [] as number[], bad: [] as number[] };
    for (let i = 0; i < 4; i++) statuses.alice.push(await ask(alice));
    statuses.bob.push(await ask(bob));
    for (let i = 0; i < 4; i++) statuses.bad.push(await ask('not.a.token'));
    expect(statuses.alice).toEqual([200, 200, 200, 429]);
    expect(statuses.bob).toEqual([200]);
    expect(statuses.bad).toEqual([401, 401, 401, 429]);
  });
});
