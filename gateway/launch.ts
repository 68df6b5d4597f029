/**
 * Starting the gateway as a process: tracing, the federation config, the answer cache, the access log, the lines a
 * person starting it reads, and a drain on SIGTERM. Shared by the production start (gateway/main.ts) and npm start's
 * demo (demo/main.ts), which adds its simulators, its issuer and its fault endpoint through `GatewayOptions`.
 */
import pino from 'pino';
import type { FederationConfig } from '../config/federation-config';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { DEFAULT_PORT } from './defaults';
import { cacheOptionsFromEnv } from './plugins/cache/subgraph-cache';
import { DEFAULT_REQUEST_DEADLINE_MS, requestDeadlineFromEnv } from './plugins/limits/request-deadline';
import { startTracing } from './plugins/observability/tracing';
import { longestRequestMs, startGateway, type GatewayOptions, type RunningGateway } from './server';

export interface Launch {
  config: FederationConfig;
  /** The config file, watched for edits that are validated and swapped in without a restart. */
  configPath: string;
  /** What the entry point adds (the demo: its simulators' config, issuer, fault endpoint). */
  options?: Partial<GatewayOptions>;
  /** Lines printed after the endpoint's, once the gateway listens (the demo's: how to try it). */
  describe?: (gateway: RunningGateway) => string[];
  /** Called on SIGTERM/SIGINT once requests in flight are drained (the demo stops its simulators). */
  close?: () => Promise<void>;
}

export async function launchGateway(launch: Launch): Promise<RunningGateway> {
  const started = process.hrtime.bigint();
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (observability/tracing.ts); first, so every span has a provider.
  const tracing = startTracing();
  const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  const host = process.env.HOST ?? '127.0.0.1';
  const gateway = await startGateway({
    config: launch.config, kinds: ADAPTER_KINDS, port, host, warmUp: true, watchConfigPath: launch.configPath,
    // Repository answers are cached in memory, or in Redis shared by replicas when REDIS_URL is set.
    cache: cacheOptionsFromEnv(process.env),
    // A JSON line per GraphQL request on stdout (ACCESS_LOG=off: none).
    accessLog: process.env.ACCESS_LOG === 'off' ? undefined : pino.destination(1),
    ...launch.options,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const repositories = gateway.federation.config.repositories;
  const countries = new Set(repositories.map((r) => r.country));
  const kinds = new Set(repositories.map((r) => r.apiKind));
  console.log([
    `EUCAIM federation gateway ready in ${seconds.toFixed(1)} s on Node ${process.version}`,
    `  ${repositories.length} repositories in ${countries.size} countries (${[...countries].join(', ')}), ${kinds.size} native API kinds (${[...kinds].join(', ')})`,
    `  GraphiQL and GraphQL endpoint: http://localhost:${gateway.port}/graphql`,
    `  cohort explorer: http://localhost:${gateway.port}/explorer`,
    `  health: http://localhost:${gateway.port}/healthz   readiness: http://localhost:${gateway.port}/readyz   metrics: http://localhost:${gateway.port}/metrics`,
    ...(launch.describe?.(gateway) ?? []),
    `  repository answers cached ${gateway.cache?.description ?? 'nowhere'} (per repository cacheTtlSeconds, default 60)`,
    `  watching ${launch.configPath}: edits are validated and swapped in without a restart`,
  ].filter(Boolean).join('\n'));
  // Ready means warm: /readyz answers 200 once the adapters' indexes are harvested.
  void gateway.warmedUp.then((failures) => {
    const warmSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const harvested = repositories.filter((r) => gateway.warmUp?.of(r.id)?.state === 'WARM').length;
    console.log(`EUCAIM federation gateway warm in ${warmSeconds.toFixed(1)} s: ${harvested} repositories' indexes harvested`
      + `${failures.length > 0 ? `, ${failures.length} failed (they harvest at their first query)` : ''}; /readyz answers 200`);
  });
  // SIGTERM (a rolling update, Kubernetes) drains: unready at once, requests in flight get until they are answered
  // (at most the longest a request can take: body, admission wait, deadline, backstop).
  const shutdown = async () => {
    await gateway.close({ drainMs: longestRequestMs(requestDeadlineFromEnv(process.env) ?? DEFAULT_REQUEST_DEADLINE_MS) });
    await launch.close?.();
    // Spans still buffered get 2 s to leave; the process stops regardless.
    await Promise.race([tracing?.shutdown(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  return gateway;
}
