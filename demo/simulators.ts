/**
 * The built-in demo federation: for each config entry with endpoint "simulator", start the simulator of its
 * apiKind on loopback with the entry's synthetic data, and point the entry at it. On a config reload, simulators
 * of unchanged entries keep running; new or changed entries get theirs; the simulators of changed or removed
 * entries are stopped once requests planned against them can no longer be running (`retireAfterMs`).
 */
import type { FederationConfig } from '../config/federation-config';
import { demoDataFor } from '../simulators/demo-data';
import { startSimulatorFor, type RunningNativeSimulator } from '../simulators/registry';
import type { SimulatedRepositoryEntry } from '../subgraphs/sdk/entry';

/**
 * The simulators this process started, by the endpoint the entries point at: the gateway's demo fault endpoint
 * (demo/faults.ts) finds a repository's simulator here, and exists only while there is one.
 */
const runningByEndpoint = new Map<string, RunningNativeSimulator>();

/** The demo simulator serving this native endpoint, if this process started one. */
export function demoSimulatorAt(endpoint: string): RunningNativeSimulator | undefined {
  return runningByEndpoint.get(endpoint);
}

export interface RunningDemo {
  config: FederationConfig;
  /** The simulators of the current config, by repository id. */
  simulators: ReadonlyMap<string, RunningNativeSimulator>;
  /** Total synthetic cases served. */
  cases: number;
  /** Points a (reloaded) config's simulated entries at their simulators, starting those it lacks. */
  prepare(config: FederationConfig): Promise<FederationConfig>;
  close(): Promise<void>;
}

interface Started {
  /** What the simulator serves: a changed entry gets a new simulator. */
  spec: string;
  simulator: RunningNativeSimulator;
  cases: number;
}

/** How long a replaced simulator keeps serving: longer than any repository call planned before the swap may last. */
export const DEFAULT_RETIRE_AFTER_MS = 60_000;

export async function startDemoSimulators(config: FederationConfig, options: { retireAfterMs?: number } = {}): Promise<RunningDemo> {
  const retireAfterMs = options.retireAfterMs ?? DEFAULT_RETIRE_AFTER_MS;
  const started = new Map<string, Started>();
  const current = new Map<string, RunningNativeSimulator>();
  const retiring = new Set<RunningNativeSimulator>();
  const retire = (simulator: RunningNativeSimulator) => {
    retiring.add(simulator);
    setTimeout(() => {
      if (!retiring.delete(simulator)) return;
      runningByEndpoint.delete(simulator.baseUrl);
      simulator.close().catch((error: Error) => console.warn(`demo: a replaced simulator did not stop cleanly: ${error.message}`));
    }, retireAfterMs).unref();
  };
  const demo: RunningDemo = {
    config,
    simulators: current,
    cases: 0,
    async prepare(next) {
      const repositories = await Promise.all(next.repositories.map((entry) => pointAtSimulator(entry, started, retire)));
      const kept = new Set(next.repositories.filter((entry) => entry.endpoint === 'simulator' && entry.subgraph === 'local').map((entry) => entry.id));
      for (const [id, running] of started) {
        if (kept.has(id)) continue;
        started.delete(id);
        retire(running.simulator);
      }
      current.clear();
      let cases = 0;
      for (const entry of next.repositories) {
        const running = started.get(entry.id);
        if (running && entry.endpoint === 'simulator' && entry.subgraph === 'local') {
          current.set(entry.id, running.simulator);
          cases += running.cases;
        }
      }
      demo.cases = cases;
      return { ...next, repositories };
    },
    async close() {
      const all = [...[...started.values()].map((s) => s.simulator), ...retiring];
      retiring.clear();
      for (const simulator of all) runningByEndpoint.delete(simulator.baseUrl);
      await Promise.all(all.map((simulator) => simulator.close()));
    },
  };
  try {
    demo.config = await demo.prepare(config);
    return demo;
  } catch (error) {
    await demo.close();
    throw error;
  }
}

async function pointAtSimulator(
  entry: SimulatedRepositoryEntry, started: Map<string, Started>, retire: (simulator: RunningNativeSimulator) => void,
): Promise<SimulatedRepositoryEntry> {
  // A repository whose subgraph runs elsewhere brings its own native API (and simulator) along.
  if (entry.endpoint !== 'simulator' || entry.subgraph !== 'local') return entry;
  const spec = JSON.stringify([entry.apiKind, entry.simulate, entry.collections, entry.credentialsEnv, entry.name]);
  let running = started.get(entry.id);
  if (!running || running.spec !== spec) {
    const data = demoDataFor(entry);
    // Credentials the simulator checks; the gateway reads them from the environment variable the entry names.
    const credentials = entry.credentialsEnv ? { username: 'demo', password: `demo-${entry.id}` } : undefined;
    const simulator = await startSimulatorFor(entry.apiKind, data, entry.name, credentials);
    if (credentials && entry.credentialsEnv) process.env[entry.credentialsEnv] ??= `${credentials.username}:${credentials.password}`;
    // A replaced simulator serves on for a while: requests already planned against it may still be in flight.
    if (running) retire(running.simulator);
    running = { spec, simulator, cases: data.cases.length };
    started.set(entry.id, running);
    runningByEndpoint.set(simulator.baseUrl, simulator);
  }
  return { ...entry, endpoint: running.simulator.baseUrl };
}
