/**
 * A test federation (test/support/federation.ts) with one more repository: a FHIR repository served by Medplum's
 * FHIR router (medplum-fhir-server.ts) holding the synthetic data its config entry names, instead of a simulator.
 * The gateway sees an ordinary `fhir` entry pointing at a real FHIR base URL.
 */
import type { FederationConfig } from '../../config/federation-config';
import { startDemoSimulators } from '../../demo/simulators';
import { startGateway } from '../../gateway/server';
import { demoDataFor } from '../../simulators/demo-data';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL, testConfig, type GraphQLAnswer, type TestRepository } from './federation';
import type { RunningMedplumServer } from './medplum-fhir-server';
import { startMedplumWith } from './medplum-seed';

export interface FederationWithMedplum {
  url: string;
  config: FederationConfig;
  medplum: RunningMedplumServer;
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

/** The simulated repositories plus `medplumRepository` (apiKind fhir), whose data lives on a Medplum server. */
export async function startFederationWithMedplum(repositories: TestRepository[], medplumRepository: TestRepository): Promise<FederationWithMedplum> {
  const config = testConfig([...repositories, { ...medplumRepository, apiKind: 'fhir' }]);
  const entry = config.repositories.find((r) => r.id === medplumRepository.id)!;
  const medplum = await startMedplumWith(demoDataFor(entry));
  try {
    const demo = await startDemoSimulators({
      ...config,
      repositories: config.repositories.map((r) => (r.id === entry.id ? { ...r, endpoint: medplum.baseUrl } : r)),
    });
    // Warm, as `npm start` is once it says so: a question asked during a first harvest may be answered from part of an
    // index (INCOMPLETE), and these tests compare whole answers.
    const gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });
    await gateway.warmedUp;
    return {
      url: gateway.url,
      config: demo.config,
      medplum,
      query: (query, variables) => postGraphQL(gateway.url, query, variables),
      async close() {
        await gateway.close();
        await demo.close();
        await medplum.close();
      },
    };
  } catch (error) {
    await medplum.close();
    throw error;
  }
}
