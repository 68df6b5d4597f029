/**
 * For the cache tests: a small federation of simulated repositories behind the real gateway with an answer cache
 * (in memory or Redis), callers of a chosen access level, and a real redis-server on a free loopback port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import type { FederationConfig } from '../../config/federation-config';
import type { SubgraphCacheOptions } from '../../gateway/plugins/cache/subgraph-cache';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import type { AccessLevel, RequestContext } from '../../subgraphs/sdk/context';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { RunningNativeSimulator } from '../../simulators/registry';
import { testConfig, type GraphQLAnswer, type TestRepository } from '../support/federation';

/** Test-only header: the access level the test gateway puts in the request context (production never reads it). */
export const TEST_ACCESS_LEVEL_HEADER = 'x-test-access-level';

export interface CachedTestRepository extends TestRepository {
  cacheTtlSeconds?: number;
}

/** testConfig, with each repository's cacheTtlSeconds. */
export function cachedTestConfig(repositories: CachedTestRepository[]): FederationConfig {
  const config = testConfig(repositories);
  return {
    ...config,
    repositories: config.repositories.map((entry, i) => ({ ...entry, cacheTtlSeconds: repositories[i].cacheTtlSeconds ?? entry.cacheTtlSeconds })),
  };
}

/** A gateway whose request context takes the access level from TEST_ACCESS_LEVEL_HEADER (anonymous without it). */
/**
 * `records`: callers may read every repository's records (default; these tests are about caching, not about who may
 * see what: test/auth), or, false, counts only, as anonymous callers of `npm start`.
 */
export function startTestGateway(config: FederationConfig, cache: SubgraphCacheOptions | undefined, records = true): Promise<RunningGateway> {
  return startGateway({
    config, kinds: ADAPTER_KINDS, port: 0, cache,
    context: (req): RequestContext => ({
      accessLevel: (req.headers[TEST_ACCESS_LEVEL_HEADER] as AccessLevel | undefined) ?? 'anonymous',
      recordGrants: records ? config.repositories.map((r) => ({ repositoryId: r.id })) : [],
    }),
  });
}

export interface CachedFederation {
  gateway: RunningGateway;
  demo: RunningDemo;
  simulator(id: string): RunningNativeSimulator;
  /** Native requests of every simulator since the last reset. */
  nativeRequests(): number;
  resetCounts(): void;
  query(query: string, variables?: Record<string, unknown>, accessLevel?: AccessLevel): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

/** `cache` false: a gateway without an answer cache. */
export async function startCachedFederation(repositories: CachedTestRepository[], cache: SubgraphCacheOptions | false = {}): Promise<CachedFederation> {
  const demo = await startDemoSimulators(cachedTestConfig(repositories));
  const gateway = await startTestGateway(demo.config, cache || undefined);
  const simulator = (id: string) => {
    const found = demo.simulators.get(id);
    if (!found) throw new Error(`no simulator for ${id}`);
    return found;
  };
  return {
    gateway,
    demo,
    simulator,
    nativeRequests: () => [...demo.simulators.values()].reduce((sum, s) => sum + s.requests.total, 0),
    resetCounts: () => demo.simulators.forEach((s) => s.resetCounts()),
    query: (query, variables, accessLevel) => postAs(gateway.url, query, variables, accessLevel),
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}

export async function postAs(url: string, query: string, variables?: Record<string, unknown>, accessLevel?: AccessLevel): Promise<GraphQLAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
  if (accessLevel) headers[TEST_ACCESS_LEVEL_HEADER] = accessLevel;
  const response = await request(url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.statusCode, body: (await response.body.json()) as GraphQLAnswer['body'] };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningRedis {
  port: number;
  url: string;
  process: ChildProcess;
  /** SIGSTOP: connections stay open, nothing answers (a slow Redis). */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

/** A real redis-server (Debian package redis-server) on loopback (a free port by default), without persistence. */
export async function startRedis(port?: number): Promise<RunningRedis> {
  if (!existsSync(REDIS_SERVER)) throw new Error(`${REDIS_SERVER} is missing: apt-get install redis-server (scripts/ensure-test-servers.sh)`);
  port ??= await freePort();
  const child = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const started = Date.now();
  while (!(await answersPing(port!))) {
    if (child.exitCode !== null || Date.now() - started > 10_000) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  let stopped = false;
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    process: child,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      if (stopped) return;
      stopped = true;
      child.kill('SIGCONT');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.setTimeout(500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) {
        socket.destroy();
        resolve(answer.startsWith('+PONG'));
      }
    });
  });
}

/** Waits until `condition` holds (polling), or fails after `ms`. */
export async function until(condition: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  for (const started = Date.now(); Date.now() - started < ms;) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${what} not reached within ${ms} ms`);
}
