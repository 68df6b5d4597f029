/**
 * A federation for resilience tests: like test/support/federation.ts, with each entry's timeout, retries and
 * circuit breaker set, and helpers to read /readyz and clear every fault knob.
 */
import { request } from 'undici';
import { parseFederationConfig, type FederationConfig } from '../../config/federation-config';
import { startDemoSimulators } from '../../demo/simulators';
import type { RepositoryStatus } from '../../gateway/plugins/resilience/repository-status';
import { startGateway } from '../../gateway/server';

/** The demo fault endpoint's secret in these tests (npm start makes a random one per start). */
export const DEMO_SECRET = 'resilience-tests-demo-secret';
import type { RunningNativeSimulator } from '../../simulators/registry';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL, type GraphQLAnswer, type TestFederation } from '../support/federation';

export interface ResilientRepository {
  id: string;
  country: string;
  apiKind: string;
  timeoutMs?: number;
  retries?: number;
  circuitBreaker?: { failureThreshold: number; resetAfterMs: number };
}

export type ReadyRepository = Omit<RepositoryStatus, 'repositoryId'> & { id: string; apiKind: string; country: string; subgraph: string };

export interface ResilienceFederation extends TestFederation {
  readyz(): Promise<{ status: number; body: { status: string; states: Record<string, number>; repositories: ReadyRepository[] } }>;
  /** Removes every fault knob of every simulator. */
  heal(): void;
  /** A query and how long the gateway took to answer it. */
  timed(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer & { ms: number }>;
}

export function resilienceConfig(repositories: ResilientRepository[]): FederationConfig {
  return parseFederationConfig({
    repositories: repositories.map((r, i) => ({
      id: r.id, name: `Test ${r.id}`, country: r.country, institution: `Institution ${i + 1}`, apiKind: r.apiKind,
      endpoint: 'simulator', timeoutMs: r.timeoutMs ?? 3000, retries: r.retries ?? 2, circuitBreaker: r.circuitBreaker,
      simulate: { seed: 300 + i, cases: 40, subjectPrefix: `R${i}` },
      collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }, { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' }],
    })),
  }, 'resilience test federation', ADAPTER_KINDS);
}

export async function startResilienceFederation(repositories: ResilientRepository[]): Promise<ResilienceFederation> {
  const demo = await startDemoSimulators(resilienceConfig(repositories));
  const gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, demoFaults: { secret: DEMO_SECRET } });
  const simulator = (id: string): RunningNativeSimulator => {
    const found = demo.simulators.get(id);
    if (!found) throw new Error(`no simulator for ${id}`);
    return found;
  };
  return {
    url: gateway.url,
    config: demo.config,
    gateway,
    simulator,
    query: (query, variables) => postGraphQL(gateway.url, query, variables),
    async timed(query, variables) {
      const started = performance.now();
      const answer = await postGraphQL(gateway.url, query, variables);
      return { ...answer, ms: performance.now() - started };
    },
    async readyz() {
      const response = await request(`${gateway.origin}/readyz`);
      return { status: response.statusCode, body: (await response.body.json()) as never };
    },
    heal() {
      for (const id of demo.simulators.keys()) {
        const faults = simulator(id).faults;
        for (const knob of Object.keys(faults) as (keyof typeof faults)[]) delete faults[knob];
      }
    },
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}
