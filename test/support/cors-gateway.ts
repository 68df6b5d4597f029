/**
 * A small federation for the browser-facing tests: two record-level repositories behind the real gateway, with a
 * CORS allow-list in its federation config and the built-in demo issuer (anonymous callers get counts, its token
 * reads records), as `npm start` runs it.
 */
import type { FederationConfig } from '../../config/federation-config';
import { startDemoSimulators } from '../../demo/simulators';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { testConfig } from './federation';

export interface CorsGateway {
  gateway: RunningGateway;
  config: FederationConfig;
  /** The demo issuer's token with grants for every repository. */
  token: string;
  close(): Promise<void>;
}

export async function startCorsGateway(allowedOrigins: string[], options: Partial<GatewayOptions> = {}): Promise<CorsGateway> {
  const config: FederationConfig = {
    ...testConfig([
      { id: 'c-pacs', country: 'DE', apiKind: 'dicomweb', seed: 31, cases: 40 },
      { id: 'c-nbia', country: 'NL', apiKind: 'nbia', seed: 32, cases: 30 },
    ]),
    cors: { allowedOrigins },
  };
  const demo = await startDemoSimulators(config);
  const gateway = await startGateway({ rateLimit: { perMinute: 0 }, auditLog: { write: () => undefined }, ...options, config: demo.config, kinds: ADAPTER_KINDS, port: 0, demoIssuer: true });
  if (!gateway.demoToken) throw new Error('the demo issuer minted no token');
  return {
    gateway,
    config: demo.config,
    token: gateway.demoToken,
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}
