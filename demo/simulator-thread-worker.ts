/**
 * The demo's simulators in a thread of their own (demo/simulator-thread.ts starts it): a real repository is another
 * server, so its work and the garbage of its synthetic data should not be in the gateway's event loop. Answers the
 * main thread's requests: prepare a (reloaded) config, read or replace a simulator's fault knobs, close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FederationConfig } from '../config/federation-config';
import { replaceFaults } from '../simulators/http-server';
import { demoSimulatorAt, startDemoSimulators, type RunningDemo } from './simulators';
import type { DemoThreadReply, DemoThreadRequest } from './simulator-thread';

const port = parentPort!;
let demo: RunningDemo | undefined;

/** Credentials the simulators check, set in this thread's environment; the gateway's thread needs them too. */
function credentialsOf(config: FederationConfig): Record<string, string> {
  return Object.fromEntries(config.repositories.flatMap((entry) => {
    const value = entry.credentialsEnv ? process.env[entry.credentialsEnv] : undefined;
    return entry.credentialsEnv && value ? [[entry.credentialsEnv, value]] : [];
  }));
}

/** What the main thread needs of a prepared config: where each simulated entry now points, and the counts. */
function prepared(config: FederationConfig) {
  return {
    endpoints: Object.fromEntries(config.repositories.map((entry) => [entry.id, entry.endpoint])),
    cases: demo!.cases, simulated: demo!.simulators.size, env: credentialsOf(config),
  };
}

async function handle(request: DemoThreadRequest): Promise<unknown> {
  switch (request.op) {
    case 'start':
      demo = await startDemoSimulators(request.config, workerData as { retireAfterMs?: number });
      return prepared(demo.config);
    case 'prepare': {
      return prepared(await demo!.prepare(request.config));
    }
    case 'read': {
      const simulator = demoSimulatorAt(request.endpoint);
      return simulator ? { faults: { ...simulator.faults }, nativeRequests: simulator.requests.total } : null;
    }
    case 'replace': {
      const simulator = demoSimulatorAt(request.endpoint);
      if (simulator) replaceFaults(simulator.faults, request.knobs);
      return null;
    }
    case 'close':
      await demo?.close();
      return null;
  }
}

port.on('message', (request: DemoThreadRequest) => {
  handle(request).then(
    (value) => port.postMessage({ seq: request.seq, ok: true, value } satisfies DemoThreadReply),
    (error: Error) => port.postMessage({ seq: request.seq, ok: false, error: error.message } satisfies DemoThreadReply),
  );
});
