/**
 * npm start: the gateway with the built-in demo federation (or FEDERATION_CONFIG), on PORT (default 4000).
 */
import './runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { randomBytes } from 'node:crypto';
import { ConfigError, loadFederationConfig } from '../config/federation-config';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { cacheOptionsFromEnv } from './plugins/cache/subgraph-cache';
import { DEFAULT_CONFIG_PATH, DEFAULT_PORT } from './defaults';
import { startDemoSimulatorsInThread } from '../demo/simulator-thread';
import { longestRequestMs, startGateway } from './server';
import pino from 'pino';
import { startTracing } from './plugins/observability/tracing';
import { DEFAULT_REQUEST_DEADLINE_MS, requestDeadlineFromEnv } from './plugins/limits/request-deadline';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (observability/tracing.ts); first, so every span has a provider.
  const tracing = startTracing();
  const configPath = process.env.FEDERATION_CONFIG ?? DEFAULT_CONFIG_PATH;
  const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  const host = process.env.HOST ?? '127.0.0.1';
  const config = loadFederationConfig(configPath, ADAPTER_KINDS);
  // The demo's simulators serve from a thread of their own, as repositories elsewhere would (demo-thread.ts).
  const demo = await startDemoSimulatorsInThread(config);
  // The demo's fault endpoint takes changes only with this secret, made anew at every start (README "Staying up").
  const demoSecret = process.env.DEMO_FAULTS_SECRET || randomBytes(16).toString('hex');
  const gateway = await startGateway({
    demoFaults: demo.simulated > 0 ? { secret: demoSecret, targetAt: (endpoint) => demo.faultTargetAt(endpoint) } : undefined,
    config: demo.config, kinds: ADAPTER_KINDS, port, host, warmUp: true, watchConfigPath: configPath, prepareConfig: demo.prepare,
    // Repository answers are cached in memory, or in Redis shared by replicas when REDIS_URL is set.
    cache: cacheOptionsFromEnv(process.env),
    // Without an "auth" section: anonymous counts, and records with tokens of the built-in demo issuer.
    demoIssuer: true,
    // A JSON line per GraphQL request on stdout (ACCESS_LOG=off: none).
    accessLog: process.env.ACCESS_LOG === 'off' ? undefined : pino.destination(1),
  });
  // A token to try record access with (README "Who may see what"): grants for every repository that lists cases.
  const demoToken = gateway.demoToken;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const repositories = demo.config.repositories;
  const countries = new Set(repositories.map((r) => r.country));
  const kinds = new Set(repositories.map((r) => r.apiKind));
  console.log([
    `EUCAIM federation gateway ready in ${seconds.toFixed(1)} s on Node ${process.version}`,
    `  ${repositories.length} repositories in ${countries.size} countries (${[...countries].join(', ')}), ${kinds.size} native API kinds (${[...kinds].join(', ')})`,
    demo.simulated > 0 ? `  demo federation: ${demo.simulated} simulated repositories serving ${demo.cases} synthetic cases (in a thread of their own)` : '',
    `  GraphiQL and GraphQL endpoint: http://localhost:${gateway.port}/graphql`,
    `  health: http://localhost:${gateway.port}/healthz   readiness: http://localhost:${gateway.port}/readyz`,
    demo.simulated > 0 ? `  watch it degrade (README "Staying up"): curl -H 'content-type: application/json' -H 'x-demo-secret: ${demoSecret}' localhost:${gateway.port}/demo/faults/<repository id> -d '{"down":true}'` : '',
    demoToken
      ? `  anonymous callers get counts; records need a token (GraphiQL's CasesWithStudies tab carries one). A demo token (valid 12 h) with grants for ${gateway.demoTokenGrants.length} repositories:\n`
        + `    curl -s localhost:${gateway.port}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${demoToken}' -d '{"query":"{ cases(first: 3) { nodes { id sex } } }"}'`
      : `  who may see what: the "auth" section of ${configPath}`,
    `  repository answers cached ${gateway.cache?.description ?? 'nowhere'} (per repository cacheTtlSeconds, default 60)`,
    `  watching ${configPath}: edits are validated and swapped in without a restart`,
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
    await demo.close();
    // Spans still buffered get 2 s to leave; the process stops regardless.
    await Promise.race([tracing?.shutdown(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
