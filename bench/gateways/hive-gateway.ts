/**
 * Child process: Hive Gateway's runtime (@graphql-hive/gateway, installed on demand in bench/peers/, never a
 * product dependency) with its defaults, on a plain node:http server in one process (the hive-gateway CLI may
 * fork workers; here every gateway gets one process), over the supergraph file in BENCH_SUPERGRAPH_FILE.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
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
  const { createGatewayRuntime } = peers('@graphql-hive/gateway') as {
    createGatewayRuntime(config: { supergraph: string; logging?: string | boolean }): RequestListener & { dispose?: () => unknown };
  };
  const supergraph = readFileSync(file, 'utf8');
  const gateway = createGatewayRuntime({ supergraph, logging: 'error' });
  runtime = gateway;
  server = createServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server!.once('error', reject);
    server!.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/graphql`, startMs: performance.now() - started, rss: process.memoryUsage().rss };
});
