/**
 * npm start: the gateway with the built-in demo federation (or FEDERATION_CONFIG), on PORT (default 4000). The
 * demo's parts are wired here, not in the gateway: the simulators of the config's simulated repositories, in a
 * thread of their own (simulator-thread.ts), a built-in OpenID issuer for trying record access (issuer.ts), and an
 * endpoint for making a repository slow or down (faults.ts).
 */
import '../gateway/runtime/require-node'; // first: a clear message on a Node older than 24, before any dependency loads
import { randomBytes } from 'node:crypto';
import { ConfigError, loadFederationConfig } from '../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';
import { launchGateway } from '../gateway/launch';
import { ADAPTER_KINDS } from '../subgraphs/kinds';
import { demoFaultRoutes } from './faults';
import { createDemoIssuer } from './issuer';
import { startDemoSimulatorsInThread } from './simulator-thread';

async function main(): Promise<void> {
  const configPath = process.env.FEDERATION_CONFIG ?? DEFAULT_CONFIG_PATH;
  const config = loadFederationConfig(configPath, ADAPTER_KINDS);
  // The demo's simulators serve from a thread of their own, as repositories elsewhere would.
  const demo = await startDemoSimulatorsInThread(config);
  // The demo's fault endpoint takes changes only with this secret, made anew at every start (README "Staying up").
  const demoSecret = process.env.DEMO_FAULTS_SECRET || randomBytes(16).toString('hex');
  await launchGateway({
    config: demo.config,
    configPath,
    options: {
      prepareConfig: demo.prepare,
      routes: demo.simulated > 0 ? demoFaultRoutes(demoSecret, (endpoint) => demo.faultTargetAt(endpoint)) : undefined,
      // Without an "auth" section: anonymous counts, and records with tokens of the built-in demo issuer.
      builtInIssuer: createDemoIssuer,
    },
    describe: (gateway) => {
      // A token to try record access with (README "Who may see what"): grants for every repository that lists cases.
      const token = gateway.demoToken;
      return [
        demo.simulated > 0 ? `  demo federation: ${demo.simulated} simulated repositories serving ${demo.cases} synthetic cases (in a thread of their own)` : '',
        demo.simulated > 0 ? `  watch it degrade (README "Staying up"): curl -H 'content-type: application/json' -H 'x-demo-secret: ${demoSecret}' localhost:${gateway.port}/demo/faults/<repository id> -d '{"down":true}'` : '',
        token
          ? `  anonymous callers get counts; records need a token (GraphiQL's CasesWithStudies tab carries one). A demo token (valid 12 h) with grants for ${gateway.demoTokenGrants.length} repositories:\n`
            + `    curl -s localhost:${gateway.port}/graphql -H 'content-type: application/json' -H 'authorization: Bearer ${token}' -d '{"query":"{ cases(first: 3) { nodes { id sex } } }"}'`
          : `  who may see what: the "auth" section of ${configPath}`,
      ];
    },
    close: () => demo.close(),
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
