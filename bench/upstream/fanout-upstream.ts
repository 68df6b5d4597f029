/**
 * Child process of the fan-out scenario: the built-in demo federation's simulators, each repository's subgraph
 * served standalone over HTTP (serveRepositorySubgraph, as a provider runs it at its site), and the catalog
 * subgraph over HTTP. Every gateway under test talks to these same servers: by default through a replay server in
 * front of each (replay-server.ts: precomputed answers, so that upstream capacity caps no gateway), with
 * BENCH_UPSTREAM=live directly.
 */
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { startDemoSimulators } from '../../demo/simulators';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { exitOnTerm, serveCommands } from '../ipc';
import { serveCatalogSubgraph } from './catalog-server';
import { countIncomingRequests, requestCounts, resetRequestCounts } from './request-counter';
import { startReplayServer } from './replay-server';

export interface FanoutUpstreamReady {
  /** The demo entries with `endpoint` at their simulator and `subgraph` at their standalone subgraph. */
  repositories: SimulatedRepositoryEntry[];
  catalogUrl: string;
  /** Port of each subgraph server ("catalog" or a repository id), to read request counts. */
  subgraphPorts: Record<string, number>;
  /** Environment the gateway needs (credentials named by the entries' credentialsEnv). */
  env: Record<string, string>;
  cases: number;
  startMs: number;
  /** "replay": precomputed answers in front of each subgraph; "live": the subgraphs themselves. */
  upstream: 'replay' | 'live';
}

countIncomingRequests();
const closers: Array<() => Promise<void>> = [];
exitOnTerm(async () => {
  await Promise.all(closers.map((close) => close()));
});

serveCommands({
  requestCounts: () => requestCounts(),
  resetRequestCounts: () => resetRequestCounts(),
}, async (): Promise<FanoutUpstreamReady> => {
  const started = performance.now();
  const replay = process.env.BENCH_UPSTREAM !== 'live';
  /** What the gateways call for a subgraph: a replay server in front of it, or the subgraph itself. */
  const front = async (url: string, port: number): Promise<{ url: string; port: number }> => {
    if (!replay) return { url, port };
    const server = await startReplayServer(url);
    closers.push(() => server.close());
    return server;
  };
  const config = loadFederationConfig(process.env.BENCH_CONFIG ?? DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
  const demo = await startDemoSimulators(config);
  closers.push(() => demo.close());
  const env: Record<string, string> = {};
  const repositories: SimulatedRepositoryEntry[] = [];
  const subgraphPorts: Record<string, number> = {};
  const subgraphs: RunningSubgraph[] = [];
  for (const entry of demo.config.repositories) {
    const kind = ADAPTER_KINDS.find((k) => k.apiKind === entry.apiKind)!;
    const credentials = entry.credentialsEnv ? process.env[entry.credentialsEnv] : undefined;
    if (entry.credentialsEnv && credentials) env[entry.credentialsEnv] = credentials;
    // Warm before any gateway asks: every gateway compared gets the whole repositories' answers, none a part of a
    // first harvest (the replay server keeps the first answer to each distinct request).
    const subgraph = await serveRepositorySubgraph({ entry, kind, port: 0, credentials, warmUp: true });
    subgraphs.push(subgraph);
    closers.push(() => subgraph.close());
    const called = await front(subgraph.url, subgraph.port);
    subgraphPorts[entry.id] = called.port;
    repositories.push({ ...entry, subgraph: called.url });
  }
  const failures = (await Promise.all(subgraphs.map((s) => s.warmedUp))).flatMap(({ failure }) => (failure ? [failure] : []));
  if (failures.length > 0) throw new Error(`fan-out subgraphs did not warm up: ${failures.join('; ')}`);
  const catalog = await serveCatalogSubgraph(repositories, ADAPTER_KINDS);
  closers.push(() => catalog.close());
  const catalogCalled = await front(catalog.url, catalog.port);
  subgraphPorts.catalog = catalogCalled.port;
  return {
    repositories, catalogUrl: catalogCalled.url, subgraphPorts, env, cases: demo.cases, startMs: performance.now() - started,
    upstream: replay ? 'replay' : 'live',
  };
});
