/**
 * Starts the real gateway with the built-in demo federation (simulators on loopback), as `npm start` does, on a
 * free port. Tests use it to check what a user of the running product sees.
 */
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { DestinationStream } from 'pino';

export interface DemoGateway {
  url: string;
  origin: string;
  gateway: RunningGateway;
  demo: RunningDemo;
  close(): Promise<void>;
}

/** `auditLog`: where the gateway's audit lines go (default standard output). */
export async function startDemoGateway(options: { port?: number; auditLog?: DestinationStream } = {}): Promise<DemoGateway> {
  const demo = await startDemoSimulators(loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS));
  // Warm, as a load balancer would send it traffic (/readyz): a query racing the first harvests would find
  // repositories WARMING, which is what test/europe/warming.test.ts checks, not what these tests do.
  const gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: options.port ?? 0, warmUp: true, auditLog: options.auditLog });
  await gateway.warmedUp;
  return {
    url: gateway.url,
    origin: gateway.origin,
    gateway,
    demo,
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}
