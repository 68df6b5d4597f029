/**
 * npm run subgraph -- <repository id> [--config federation.json] [--port 4101]
 * Runs one repository's subgraph as a standalone process, as a provider would at its own site. An entry whose
 * endpoint is "simulator" gets its demo simulator started too, so the command works out of the box.
 */
import '../gateway/runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { ConfigError, loadFederationConfig } from '../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';
import { startDemoSimulators } from '../demo/simulators';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { serveRepositorySubgraph } from '../subgraphs/sdk/serve';
import { startTracing } from '../gateway/plugins/observability/tracing';

function option(argv: string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  // Traces over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set: each call continues the gateway's trace.
  startTracing();
  const id = argv.find((arg, i) => !arg.startsWith('--') && !['--config', '--port'].includes(argv[i - 1]));
  const configPath = option(argv, '--config') ?? process.env.FEDERATION_CONFIG ?? DEFAULT_CONFIG_PATH;
  const port = Number(option(argv, '--port') ?? process.env.PORT ?? 4101);
  const config = loadFederationConfig(configPath, ADAPTER_KINDS);
  const entry = config.repositories.find((r) => r.id === id);
  if (!entry) {
    console.error(`${id ? `no repository "${id}"` : 'which repository?'} in ${configPath}; known: ${config.repositories.map((r) => r.id).join(', ')}`);
    process.exit(2);
  }
  const demo = await startDemoSimulators({ ...config, repositories: [entry] });
  const served = demo.config.repositories[0];
  const kind = ADAPTER_KINDS.find((k) => k.apiKind === served.apiKind)!;
  const startedAt = performance.now();
  const subgraph = await serveRepositorySubgraph({
    entry: served, kind, port, host: process.env.HOST ?? '127.0.0.1',
    credentials: served.credentialsEnv ? process.env[served.credentialsEnv] : undefined, warmUp: true,
  });
  console.log(`subgraph of repository "${served.id}" (${served.apiKind}) listening on ${subgraph.url}`);
  void subgraph.warmedUp.then(({ warmed }) => {
    if (warmed) console.log(`  warm: its adapter's index harvested ${((performance.now() - startedAt) / 1000).toFixed(1)} s after the start`);
  });
  console.log(`  register it with "subgraph": "${subgraph.url}" in the federation config`);
  console.log('  each release of records writes an audit line ("log":"eucaim-audit") to standard output');
  const stop = async () => {
    await subgraph.close();
    await demo.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
