/**
 * A small federation for tests: simulated repositories of the given kinds with synthetic data, behind the real
 * gateway on a free port. Each repository's simulator is reachable for fault injection and request counting.
 */
import { request, type Dispatcher } from 'undici';
import type { FederationConfig } from '../../config/federation-config';
import { parseFederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server';
import type { RunningNativeSimulator } from '../../simulators/registry';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';

export interface TestRepository {
  id: string;
  country: string;
  apiKind: string;
  cases?: number;
  seed?: number;
  timeoutMs?: number;
  /** Calls the gateway runs at once at this repository (config default 4). */
  maxConcurrentCalls?: number;
  /** A standalone subgraph URL instead of the in-process one. */
  subgraph?: string;
  collections?: Array<{ id: string; name: string; cancerSite: string }>;
}

export interface GraphQLAnswer {
  status: number;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>; extensions?: Record<string, unknown> };
}

export interface TestFederation {
  url: string;
  config: FederationConfig;
  gateway: RunningGateway;
  simulator(id: string): RunningNativeSimulator;
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

const DEFAULT_COLLECTIONS = [
  { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' },
  { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
];

export function testConfig(repositories: TestRepository[]): FederationConfig {
  return parseFederationConfig({
    repositories: repositories.map((r, i) => ({
      id: r.id, name: `Test ${r.id}`, country: r.country, institution: `Institution ${i + 1}`, apiKind: r.apiKind,
      endpoint: 'simulator', timeoutMs: r.timeoutMs ?? 5000, subgraph: r.subgraph, maxConcurrentCalls: r.maxConcurrentCalls,
      simulate: { seed: r.seed ?? 100 + i, cases: r.cases ?? 60, subjectPrefix: `T${i}` },
      collections: r.collections ?? DEFAULT_COLLECTIONS,
    })),
  }, 'test federation', ADAPTER_KINDS);
}

/** `gateway`: further options of the gateway under test (limits, introspection, ...). */
export async function startTestFederation(repositories: TestRepository[], gatewayOptions: Partial<GatewayOptions> = {}): Promise<TestFederation> {
  const demo: RunningDemo = await startDemoSimulators(testConfig(repositories));
  const gateway = await startGateway({ ...gatewayOptions, config: demo.config, kinds: ADAPTER_KINDS, port: 0 });
  return {
    url: gateway.url,
    config: demo.config,
    gateway,
    simulator(id) {
      const simulator = demo.simulators.get(id);
      if (!simulator) throw new Error(`no simulator for ${id}`);
      return simulator;
    },
    query: (query, variables) => postGraphQL(gateway.url, query, variables),
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}

/** `dispatcher`: e.g. an undici Pool with `localAddress`, to ask from another loopback address (another caller network). */
export async function postGraphQL(url: string, query: string, variables?: Record<string, unknown>, dispatcher?: Dispatcher): Promise<GraphQLAnswer> {
  const response = await request(url, {
    dispatcher,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.statusCode, body: (await response.body.json()) as GraphQLAnswer['body'] };
}
