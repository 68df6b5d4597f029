/**
 * The built-in demo federation: for each config entry with endpoint "simulator", start the simulator of its
 * apiKind on loopback with the entry's synthetic data, and point the entry at it.
 */
import type { FederationConfig } from '../config/federation-config';
import { demoDataFor } from '../simulators/demo-data';
import { startSimulatorFor, type RunningNativeSimulator } from '../simulators/registry';

export interface RunningDemo {
  config: FederationConfig;
  simulators: ReadonlyMap<string, RunningNativeSimulator>;
  /** Total synthetic cases served. */
  cases: number;
  close(): Promise<void>;
}

export async function startDemoSimulators(config: FederationConfig): Promise<RunningDemo> {
  const simulators = new Map<string, RunningNativeSimulator>();
  let cases = 0;
  try {
    const started = await Promise.all(config.repositories.map(async (entry) => {
      // A repository whose subgraph runs elsewhere brings its own native API (and simulator) along.
      if (entry.endpoint !== 'simulator' || entry.subgraph !== 'local') return entry;
      const data = demoDataFor(entry);
      cases += data.cases.length;
      // Credentials the simulator checks; the gateway reads them from the environment variable the entry names.
      const credentials = entry.credentialsEnv ? { username: 'demo', password: `demo-${entry.id}` } : undefined;
      const simulator = await startSimulatorFor(entry.apiKind, data, entry.name, credentials);
      simulators.set(entry.id, simulator);
      if (credentials && entry.credentialsEnv) process.env[entry.credentialsEnv] ??= `${credentials.username}:${credentials.password}`;
      return { ...entry, endpoint: simulator.baseUrl };
    }));
    return {
      config: { ...config, repositories: started },
      simulators,
      cases,
      async close() {
        await Promise.all([...simulators.values()].map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.all([...simulators.values()].map((s) => s.close()));
    throw error;
  }
}
