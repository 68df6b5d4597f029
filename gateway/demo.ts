/**
 * The built-in demo federation: for each config entry with endpoint "simulator", start the simulator of its
 * apiKind on loopback with the entry's synthetic data, and point the entry at it. On a config reload, simulators
 * of unchanged entries keep running; new entries get theirs.
 */
import type { FederationConfig } from '../config/federation-config';
import { demoDataFor } from '../simulators/demo-data';
import { startSimulatorFor, type RunningNativeSimulator } from '../simulators/registry';
import type { SimulatedRepositoryEntry } from '../subgraphs/sdk/entry';

/**
 * The simulators this process started, by the endpoint the entries point at: the gateway's demo fault endpoint
 * (gateway/resilience/demo-faults.ts) finds a repository's simulator here, and exists only while there is one.
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

export async function startDemoSimulators(config: FederationConfig): Promise<RunningDemo> {
  const started = new Map<string, Started>();
  const current = new Map<string, RunningNativeSimulator>();
  const demo: RunningDemo = {
    config,
    simulators: current,
    cases: 0,
    async prepare(next) {
      const repositories = await Promise.all(next.repositories.map((entry) => pointAtSimulator(entry, started)));
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
      for (const { simulator } of started.values()) runningByEndpoint.delete(simulator.baseUrl);
      await Promise.all([...started.values()].map((s) => s.simulator.close()));
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

async function pointAtSimulator(entry: SimulatedRepositoryEntry, started: Map<string, Started>): Promise<SimulatedRepositoryEntry> {
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
    // A replaced simulator is left running: requests already planned against it may still be in flight.
    running = { spec, simulator, cases: data.cases.length };
    started.set(entry.id, running);
    runningByEndpoint.set(simulator.baseUrl, simulator);
  }
  return { ...entry, endpoint: running.simulator.baseUrl };
}
