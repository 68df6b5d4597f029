/**
 * Child process of the fan-out scenario: the built-in demo federation's simulators, each repository's subgraph
 * served standalone over HTTP (serveRepositorySubgraph, as a provider runs it at its site), and the catalog
 * subgraph over HTTP. Every gateway under test talks to these same servers.
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
    const subgraph = await serveRepositorySubgraph({ entry, kind, port: 0, credentials });
    subgraphs.push(subgraph);
    closers.push(() => subgraph.close());
    subgraphPorts[entry.id] = subgraph.port;
    repositories.push({ ...entry, subgraph: subgraph.url });
  }
  const catalog = await serveCatalogSubgraph(repositories, ADAPTER_KINDS);
  closers.push(() => catalog.close());
  subgraphPorts.catalog = catalog.port;
  return { repositories, catalogUrl: catalog.url, subgraphPorts, env, cases: demo.cases, startMs: performance.now() - started };
});
