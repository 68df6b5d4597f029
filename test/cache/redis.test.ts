/**
 * The answer cache in Redis (a real redis-server on a free loopback port): shared by two gateway processes, keyed
 * by hashes, and never a reason for a request to fail when Redis is down, unreachable or slow.
 */
import { createClient } from '@keyv/redis';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import type { RunningGateway } from '../../gateway/server';
import {
  cachedTestConfig, freePort, postAs, startCachedFederation, startRedis, startTestGateway, until,
  type CachedFederation, type RunningRedis,
} from './support';

const ROOT = join(__dirname, '..', '..');
const COHORT = 'query Cohort($where: CaseFilter) { repositories { id cohort(where: $where) { subjects exact } } }';
const REPOSITORIES = [
  { id: 'es-med', country: 'ES', apiKind: 'eucaim-mediator' },
  { id: 'pt-nbia', country: 'PT', apiKind: 'nbia' },
];

interface ChildGateway {
  url: string;
  process: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** `npm start` as a second replica: `tsx gateway/main.ts` with FEDERATION_CONFIG, REDIS_URL and a free port. */
async function spawnGatewayProcess(configPath: string, redisUrl: string): Promise<ChildGateway> {
  // The same Node as this test (the one npm ci installed), not whichever `node` a shebang finds first on PATH.
  const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'gateway/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, FEDERATION_CONFIG: configPath, REDIS_URL: redisUrl, CACHE_TIMEOUT_MS: '1000', PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await until(() => /GraphQL endpoint: http:\/\/localhost:\d+\/graphql/.test(output) || child.exitCode !== null, 45_000, 'the gateway process to start')
    .catch((error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${error.message}:\n${output}`);
    });
  if (child.exitCode !== null) throw new Error(`the gateway process exited (${child.exitCode} ${child.signalCode}):\n${output}`);
  const port = /GraphQL endpoint: http:\/\/localhost:(\d+)\/graphql/.exec(output)![1];
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    process: child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

describe('two gateway processes share answers through Redis', () => {
  let redis: RunningRedis;
  let demo: RunningDemo;
  let child: ChildGateway;
  let gateway: RunningGateway;
  const dir = mkdtempSync(join(tmpdir(), 'cache-redis-'));
  const native = () => [...demo.simulators.values()].reduce((sum, s) => sum + s.requests.total, 0);
  const reset = () => demo.simulators.forEach((s) => s.resetCounts());
  /** Waits until no native request has arrived for a while (the other process's background work is over). */
  const settle = async () => {
    let last = -1;
    await until(async () => {
      const now = native();
      if (now === last) return true;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, 150));
      return false;
    }, 10_000, 'native requests to settle');
  };

  beforeAll(async () => {
    redis = await startRedis();
    // The simulators run here, so both gateways ask the same repositories and this test counts every request.
    demo = await startDemoSimulators(cachedTestConfig(REPOSITORIES));
    const configPath = join(dir, 'federation.json');
    writeFileSync(configPath, JSON.stringify({ repositories: demo.config.repositories }, null, 2));
    // Anonymous callers of both processes see the same (counts, as npm start gives them), so they share answers.
    gateway = await startTestGateway(demo.config, { redisUrl: redis.url, timeoutMs: 1_000 }, false);
    child = await spawnGatewayProcess(configPath, redis.url);
  }, 60_000);

  afterAll(async () => {
    await child?.stop();
    await gateway?.close();
    await demo?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the gateway process says where it caches', () => {
    expect(child.output()).toContain(`repository answers cached in Redis at 127.0.0.1:${redis.port}`);
    expect(gateway.cache?.description).toBe(`in Redis at 127.0.0.1:${redis.port}`);
  });

  it('a query answered by one process is answered by the other without a native request', async () => {
    const variables = { where: { sex: ['FEMALE'], cancerSites: ['LUNG'] } };
    const first = await postAs(child.url, COHORT, variables);
    expect(first.body.errors).toBeUndefined();
    expect(native()).toBeGreaterThan(0);
    await settle();
    // The write is not awaited by the request: wait until the other process can read it.
    const client = createClient({ url: redis.url });
    await client.connect();
    await until(async () => (await client.keys('eucaim-gateway::answer:*')).length >= 2, 5_000, 'both answers in Redis');
    await client.destroy();
    reset();
    const second = await postAs(gateway.url, COHORT, variables);
    expect(second.body).toEqual(first.body);
    expect(native()).toBe(0);
    expect(gateway.cache?.stats.hits).toBeGreaterThanOrEqual(2);
  });

  it('and the other way round; a new query still reaches the repositories', async () => {
    const variables = { where: { sex: ['MALE'], cancerSites: ['PROSTATE'] } };
    reset();
    const first = await postAs(gateway.url, COHORT, variables);
    expect(first.body.errors).toBeUndefined();
    expect(demo.simulators.get('es-med')!.requests.total).toBeGreaterThan(0);
    await until(() => (gateway.cache?.stats.writes ?? 0) >= 2, 5_000, 'the answers written');
    reset();
    const second = await postAs(child.url, COHORT, variables);
    expect(second.body).toEqual(first.body);
    expect(native()).toBe(0);
  });

  it('Redis keys are hashes kept for the repository\'s TTL plus its stale-while-revalidate grace; values are the JSON answers with when they go stale', async () => {
    const client = createClient({ url: redis.url });
    await client.connect();
    try {
      const all = await client.keys('*');
      // Besides answers, the replicas share their callers' request counts (gateway/plugins/limits/rate-limit.ts), under a
      // hash of the caller: no address in a key.
      const rateKeys = all.filter((key) => key.startsWith('eucaim-gateway:rate:'));
      for (const key of rateKeys) expect(key).toMatch(/^eucaim-gateway:rate:[0-9a-f]{32}$/);
      expect(all.join(' ')).not.toMatch(/127\.0\.0\.1|::1/);
      const keys = all.filter((key) => !rateKeys.includes(key));
      expect(keys.length).toBeGreaterThanOrEqual(4);
      for (const key of keys) {
        expect(key).toMatch(/^eucaim-gateway::answer:[0-9a-f]{64}$/);
        const ttl = await client.pTTL(key);
        expect(ttl).toBeGreaterThan(0);
        // cacheTtlSeconds 60 and staleWhileRevalidateSeconds 60, the defaults.
        expect(ttl).toBeGreaterThan(60_000);
        expect(ttl).toBeLessThanOrEqual(120_000);
        const stored = JSON.parse((await client.get(key))!) as { value: { freshUntil: number; data: { _entities: Array<{ cohort: { subjects: number } }> } } };
        expect(stored.value.data._entities[0].cohort.subjects).toEqual(expect.any(Number));
        expect(stored.value.freshUntil - Date.now()).toBeGreaterThan(0);
        expect(stored.value.freshUntil - Date.now()).toBeLessThanOrEqual(60_000);
      }
      expect(keys.join(' ')).not.toMatch(/LUNG|PROSTATE|FEMALE|es-med|pt-nbia|cohort/);
    } finally {
      await client.destroy();
    }
  });
});

describe('Redis down: requests are still answered', () => {
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);
  const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
    const started = Date.now();
    const result = await work();
    return [result, Date.now() - started];
  };
  const answered = (answer: Awaited<ReturnType<CachedFederation['query']>>) => {
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    const repositories = answer.body.data?.repositories as Array<{ cohort: { subjects: number } | null }>;
    expect(repositories.every((r) => r.cohort !== null)).toBe(true);
  };

  beforeEach(() => {
    lines.length = 0;
  });

  it('when Redis stops mid-test, and again once it is back', async () => {
    let redis = await startRedis();
    // Stopped, Redis fails at once (the client knows its connection is gone): no timeout is involved.
    const federation = await startCachedFederation(REPOSITORIES, { redisUrl: redis.url, timeoutMs: 1_000, retryAfterMs: 300, log });
    try {
      const variables = { where: { cancerSites: ['BREAST'] } };
      answered(await federation.query(COHORT, variables));
      await until(() => (federation.gateway.cache?.stats.writes ?? 0) >= 2, 5_000, 'the answers written');
      federation.resetCounts();
      answered(await federation.query(COHORT, variables));
      expect(federation.nativeRequests()).toBe(0); // from Redis

      await redis.stop();
      const [again, ms] = await timed(() => federation.query(COHORT, variables));
      answered(again);
      expect(ms).toBeLessThan(3_000);
      expect(federation.simulator('es-med').requests.total).toBeGreaterThan(0); // asked the repository instead
      const [other, otherMs] = await timed(() => federation.query(COHORT, { where: { sex: ['FEMALE'] } }));
      answered(other);
      expect(otherMs).toBeLessThan(3_000);
      await until(() => lines.some((l) => l.includes('unavailable')), 5_000, 'the outage logged');
      // One line per outage, not per request. A Redis that is stopping may let the client reconnect for a moment
      // (seen once in CI: two outage lines in one stop); then a recovery is logged in between.
      const downs = lines.filter((l) => l.includes('unavailable')).length;
      expect(downs).toBe(1 + lines.filter((l) => l.includes('available again')).length);
      expect(downs).toBeLessThanOrEqual(2);

      // Back on the same port: the client reconnects and the cache is used again.
      const restartedAt = lines.length;
      redis = await startRedis(redis.port);
      await until(() => lines.slice(restartedAt).some((l) => l.includes('available again')), 10_000, 'the recovery logged');
      answered(await federation.query(COHORT, { where: { sex: ['MALE'] } }));
      await until(() => (federation.gateway.cache?.stats.writes ?? 0) >= 4, 5_000, 'new answers written');
      federation.resetCounts();
      answered(await federation.query(COHORT, { where: { sex: ['MALE'] } }));
      expect(federation.nativeRequests()).toBe(0);
      // The log names the cache and the error, never a filter value or an id.
      expect(lines.join('\n')).not.toMatch(/BREAST|FEMALE|MALE|es-med|pt-nbia|answer:/);
    } finally {
      await federation.close();
      await redis.stop();
    }
  }, 40_000);

  it('when Redis is unreachable from the start', async () => {
    const port = await freePort();
    const federation = await startCachedFederation(REPOSITORIES, { redisUrl: `redis://127.0.0.1:${port}`, timeoutMs: 300, log });
    try {
      for (const sex of ['FEMALE', 'FEMALE', 'MALE']) {
        const [answer, ms] = await timed(() => federation.query(COHORT, { where: { sex: [sex] } }));
        answered(answer);
        expect(ms).toBeLessThan(3_000);
      }
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`gateway cache \\(in Redis at 127.0.0.1:${port}\\) unavailable, answering without it: .*ECONNREFUSED`));
    } finally {
      await federation.close();
    }
  });

  it('when Redis hangs (a paused server): each cache call gives up after the timeout', async () => {
    const redis = await startRedis();
    const federation = await startCachedFederation(REPOSITORIES, { redisUrl: redis.url, timeoutMs: 300, retryAfterMs: 500, log });
    try {
      await until(() => federation.query(COHORT, { where: { sex: ['OTHER'] } }).then(() => (federation.gateway.cache?.stats.writes ?? 0) >= 2), 5_000, 'a first answer cached');
      redis.pause();
      const [answer, ms] = await timed(() => federation.query(COHORT, { where: { sex: ['UNKNOWN'] } }));
      answered(answer);
      expect(ms).toBeLessThan(3_000); // one bounded wait of 300 ms, then the repositories (unbounded, it would hang)
      expect(lines.some((l) => /unavailable, answering without it: no answer within 300 ms/.test(l))).toBe(true);
      const [cachedBefore, msCached] = await timed(() => federation.query(COHORT, { where: { sex: ['OTHER'] } }));
      answered(cachedBefore);
      expect(msCached).toBeLessThan(3_000);
      redis.resume();
      const resumedAt = lines.length;
      // After retryAfterMs the cache is tried again and answers.
      await new Promise((resolve) => setTimeout(resolve, 600));
      await until(async () => {
        answered(await federation.query(COHORT, { where: { sex: ['OTHER'] } }));
        return lines.slice(resumedAt).some((l) => l.includes('available again'));
      }, 5_000, 'the cache used again');
      federation.resetCounts();
      answered(await federation.query(COHORT, { where: { sex: ['OTHER'] } }));
      expect(federation.nativeRequests()).toBe(0);
    } finally {
      await federation.close();
      await redis.stop();
    }
  }, 30_000);
});
