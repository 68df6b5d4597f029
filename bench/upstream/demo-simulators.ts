/**
 * Child process of the abuse scenario with `--abuse-simulators separate`: the demo federation's simulators
 * (demo/simulators.ts startDemoSimulators) alone, so that the gateway's process does only the gateway's work, as
 * with repositories elsewhere. (By default the abuse scenario runs them in the gateway's process, as npm start.)
 */
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { startDemoSimulators } from '../../demo/simulators';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { exitOnTerm, serveCommands } from '../ipc';

export interface DemoSimulatorsReady {
  /** The demo entries with `endpoint` at their simulator (subgraphs stay in the gateway's process). */
  repositories: SimulatedRepositoryEntry[];
  /** Environment the gateway needs (credentials named by the entries' credentialsEnv). */
  env: Record<string, string>;
  cases: number;
  startMs: number;
}

let close: (() => Promise<void>) | undefined;
exitOnTerm(async () => {
  await close?.();
});

serveCommands({}, async (): Promise<DemoSimulatorsReady> => {
  const started = performance.now();
  const demo = await startDemoSimulators(loadFederationConfig(process.env.BENCH_CONFIG ?? DEFAULT_CONFIG_PATH, ADAPTER_KINDS));
  close = () => demo.close();
  const env: Record<string, string> = {};
  for (const entry of demo.config.repositories) {
    const credentials = entry.credentialsEnv ? process.env[entry.credentialsEnv] : undefined;
    if (entry.credentialsEnv && credentials) env[entry.credentialsEnv] = credentials;
  }
  return { repositories: demo.config.repositories, env, cases: demo.cases, startMs: performance.now() - started };
});
