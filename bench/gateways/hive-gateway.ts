/**
 * Child process: Hive Gateway's runtime (@graphql-hive/gateway, installed on demand in bench/peers/, never a
 * product dependency) with its defaults, or as its users would configure it for repeated queries (BENCH_HIVE_MODE):
 * `dedup`, its inbound in-flight request de-duplication (`inboundInflightRequestDeduplication: true`);
 * `response-cache`, its response cache for every caller alike (`responseCaching` with no session, 60 s, as this
 * gateway's cacheTtlSeconds, in Hive's in-memory LRU store), on a plain node:http server in one process (the hive-gateway CLI may
 * fork workers; here every gateway gets one process), over the supergraph file in BENCH_SUPERGRAPH_FILE.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exitOnTerm, serveCommands } from '../ipc';

const peers = createRequire(join(__dirname, '..', 'peers', 'package.json'));

let server: Server | undefined;
let runtime: { dispose?: () => unknown } | undefined;
exitOnTerm(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await runtime?.dispose?.();
});

serveCommands({}, async () => {
  const started = performance.now();
  const file = process.env.BENCH_SUPERGRAPH_FILE;
  if (!file) throw new Error('BENCH_SUPERGRAPH_FILE is not set');
  // Typed by hand: the peers are not installed when the product is type-checked.
  // Loaded as ES modules, as Hive's own CLI loads it: loaded through require(), its response-cache plugin fails on
  // every subgraph answer carrying Cache-Control (cache-control-parser's default export is undefined under CommonJS).
  const esm = pathToFileURL(join(dirname(peers.resolve('@graphql-hive/gateway/package.json')), 'dist', 'index.js')).href;
  const { createGatewayRuntime } = (await import(esm)) as {
    createGatewayRuntime(config: { supergraph: string; logging?: string | boolean } & Record<string, unknown>): RequestListener & { dispose?: () => unknown };
  };
  const supergraph = readFileSync(file, 'utf8');
  const mode = process.env.BENCH_HIVE_MODE ?? 'defaults';
  const tuning: Record<string, unknown> = mode === 'dedup' ? { inboundInflightRequestDeduplication: true }
    // The response cache needs a cache store: Hive's in-memory LRU (a dependency of @graphql-hive/gateway).
    : mode === 'response-cache' ? { responseCaching: { session: () => null, ttl: 60_000 }, cache: new (peers('@graphql-mesh/cache-inmemory-lru') as { default: new () => unknown }).default() }
      : {};
  const gateway = createGatewayRuntime({ supergraph, logging: 'error', ...tuning });
  runtime = gateway;
  server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/graphql`, startMs: performance.now() - started, rss: process.memoryUsage().rss };
});
