/**
 * The production start (npm run start:prod, the container image): the gateway over the federation in
 * FEDERATION_CONFIG, on PORT (default 4000). It starts no simulator: a config entry whose endpoint is "simulator"
 * belongs to npm start's demo (demo/main.ts) and is refused here with its name. Without an `auth` section in the
 * config, every caller gets counts only (the demo's built-in issuer is not here).
 */
import './runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { ConfigError, loadFederationConfig, type FederationConfig } from '../config/federation-config';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { DEFAULT_CONFIG_PATH } from './defaults';
import { launchGateway } from './launch';

/** Entries only the demo can serve, each named (at start, and for every reloaded config). */
function simulatedEntries(config: FederationConfig): string[] {
  return config.repositories.filter((entry) => entry.endpoint === 'simulator').map((entry) => `repository ${entry.id}: endpoint "simulator" is served only by the demo (npm start); `
    + 'the production start serves repositories at their own endpoints: set FEDERATION_CONFIG to your federation\'s config');
}

async function main(): Promise<void> {
  const configPath = process.env.FEDERATION_CONFIG ?? DEFAULT_CONFIG_PATH;
  const config = loadFederationConfig(configPath, ADAPTER_KINDS);
  const simulated = simulatedEntries(config);
  if (simulated.length > 0) throw new ConfigError(configPath, simulated);
  // A config without an "auth" section releases no record to anybody here: anonymous callers get counts.
  await launchGateway({ config, configPath, options: { countsOnlyWithoutAuth: true, refuseConfig: simulatedEntries } });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
