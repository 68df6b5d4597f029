/**
 * Child process of the scale scenario: one native-API simulator per repository with its synthetic data and its
 * native latency. It runs apart from the gateway so the gateway's memory is measured alone.
 */
import { readFileSync } from 'node:fs';
import { demoDataFor } from '../../simulators/demo-data';
import { startSimulatorFor, type RunningNativeSimulator } from '../../simulators/registry';
import type { SyntheticRepositoryData } from '../../simulators/synthetic/model';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { exitOnTerm, serveCommands } from '../ipc';
import { scaleImages, totalsOf, type DataTotals, type ScaleEntry } from '../scale-data';

export interface ScaleSimulatorsReady {
  endpoints: Record<string, string>;
  totals: DataTotals;
  generateMs: number;
  startMs: number;
  rss: number;
}

const simulators = new Map<string, RunningNativeSimulator>();
let latencies = new Map<string, number>();
exitOnTerm(async () => {
  await Promise.all([...simulators.values()].map((s) => s.close()));
});

serveCommands({
  /** Turns every repository's native latency on or off. */
  latency: (on: boolean) => {
    for (const [id, simulator] of simulators) {
      if (on) simulator.faults.latencyMs = latencies.get(id);
      else delete simulator.faults.latencyMs;
    }
  },
  requestCounts: () => Object.fromEntries([...simulators].map(([id, s]) => [id, s.requests.total])),
  resetCounts: () => {
    for (const simulator of simulators.values()) simulator.resetCounts();
  },
}, async (): Promise<ScaleSimulatorsReady> => {
  const file = process.env.BENCH_SCALE_FILE;
  if (!file) throw new Error('BENCH_SCALE_FILE is not set');
  const entries = JSON.parse(readFileSync(file, 'utf8')) as ScaleEntry[];
  latencies = new Map(entries.map((e) => [e.raw.id as string, e.latencyMs]));
  const generating = performance.now();
  const data: SyntheticRepositoryData[] = entries.map((e) => demoDataFor(e.raw as unknown as SimulatedRepositoryEntry));
  const images = Number(process.env.BENCH_SCALE_IMAGES);
  if (images > 0) scaleImages(data, images);
  const generateMs = performance.now() - generating;
  const starting = performance.now();
  const endpoints: Record<string, string> = {};
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i].raw as unknown as SimulatedRepositoryEntry;
    const simulator = await startSimulatorFor(entry.apiKind, data[i], entry.name);
    simulators.set(entry.id, simulator);
    endpoints[entry.id] = simulator.baseUrl;
  }
  return { endpoints, totals: totalsOf(data), generateMs, startMs: performance.now() - starting, rss: process.memoryUsage().rss };
});
