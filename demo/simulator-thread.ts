/**
 * npm start's demo federation with its simulators in a worker thread (demo/simulator-thread-worker.ts): the gateway's
 * event loop then does the gateway's work only, as with repositories elsewhere, and the simulators use another
 * core. Measured under the abuse scenario (bench/README.md), simulators in the gateway's thread blocked its event
 * loop up to about 230 ms (their responses and the collection of their 10,050 synthetic cases' garbage); in a
 * process of their own, 170 ms. Tests start simulators in their own process (demo/simulators.ts) to count requests
 * and set faults directly.
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { FederationConfig } from '../config/federation-config';
import type { Faults } from '../simulators/http-server';
import type { FaultTarget } from './faults';

type DemoThreadCall =
  | { op: 'start'; config: FederationConfig }
  | { op: 'prepare'; config: FederationConfig }
  | { op: 'read'; endpoint: string }
  | { op: 'replace'; endpoint: string; knobs: Record<string, unknown> }
  | { op: 'close' };

export type DemoThreadRequest = DemoThreadCall & { seq: number };

export type DemoThreadReply = { seq: number } & ({ ok: true; value: unknown } | { ok: false; error: string });

interface Prepared {
  /** Each entry's endpoint: a simulated entry's is its simulator's URL. */
  endpoints: Record<string, string>;
  cases: number;
  simulated: number;
  env: Record<string, string>;
}

export interface ThreadedDemo {
  config: FederationConfig;
  /** Simulated repositories of the current config, and their synthetic cases. */
  simulated: number;
  cases: number;
  /** Points a (reloaded) config's simulated entries at their simulators, starting those it lacks. */
  prepare(config: FederationConfig): Promise<FederationConfig>;
  /** The simulators' thread's event-loop utilisation so far (cumulative, as performance.eventLoopUtilization gives it). */
  eventLoopUtilization(): EventLoopUtilization;
  /** The fault knobs of the simulator serving an endpoint (the demo's fault endpoint), if the thread runs one. */
  faultTargetAt(endpoint: string): FaultTarget | undefined;
  close(): Promise<void>;
}

/** Structured clone takes plain data only: the config as JSON for the thread's simulators. */
const plain = (config: FederationConfig): FederationConfig => JSON.parse(JSON.stringify(config)) as FederationConfig;

export async function startDemoSimulatorsInThread(config: FederationConfig): Promise<ThreadedDemo> {
  const worker = new Worker(require.resolve('./simulator-thread-worker'));
  // The thread keeps nothing alive that the gateway does not: it ends with the process.
  worker.unref();
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let seq = 0;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (reply: DemoThreadReply) => {
    const waiting = pending.get(reply.seq);
    pending.delete(reply.seq);
    if (reply.ok) waiting?.resolve(reply.value);
    else waiting?.reject(new Error(reply.error));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the demo simulator thread ended (exit code ${code})`)));
  const ask = <T>(request: DemoThreadCall): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const next = ++seq;
    return new Promise<T>((resolve, reject) => {
      pending.set(next, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, seq: next });
    });
  };
  let simulatedEndpoints = new Set<string>();
  const prepareIn = async (op: 'start' | 'prepare', input: FederationConfig): Promise<FederationConfig> => {
    const prepared = await ask<Prepared>({ op, config: plain(input) });
    // The gateway reads the simulators' credentials from the environment variables the entries name.
    for (const [name, value] of Object.entries(prepared.env)) process.env[name] ??= value;
    demo.simulated = prepared.simulated;
    demo.cases = prepared.cases;
    // The config object stays this thread's own (only plain data crosses to the thread): the endpoints come back.
    const simulated = input.repositories.filter((entry) => entry.endpoint === 'simulator' && prepared.endpoints[entry.id] !== 'simulator');
    simulatedEndpoints = new Set(simulated.map((entry) => prepared.endpoints[entry.id]));
    const pointed = new Set(simulated.map((entry) => entry.id));
    return { ...input, repositories: input.repositories.map((entry) => (pointed.has(entry.id) ? { ...entry, endpoint: prepared.endpoints[entry.id] } : entry)) };
  };
  const demo: ThreadedDemo = {
    config,
    simulated: 0,
    cases: 0,
    prepare: (next) => prepareIn('prepare', next),
    eventLoopUtilization: () => worker.performance.eventLoopUtilization(),
    faultTargetAt(endpoint) {
      if (!simulatedEndpoints.has(endpoint)) return undefined;
      return {
        read: async () => {
          const read = await ask<{ faults: Faults; nativeRequests: number } | null>({ op: 'read', endpoint });
          if (!read) throw new Error(`no simulator serves ${endpoint} any more`);
          return read;
        },
        replace: (knobs) => ask<null>({ op: 'replace', endpoint, knobs }).then(() => undefined),
      };
    },
    async close() {
      await ask<null>({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
  try {
    demo.config = await prepareIn('start', config);
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  return demo;
}
