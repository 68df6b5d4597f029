/**
 * A test federation for Europe-wide answers: simulated repositories whose subject ids share one prefix, so that
 * subject ids interleave and collide across repositories (the merge order and its tie-break are exercised), and
 * each repository's ground truth in unified form. The gateway is the real one, on a free port.
 */
import { parseFederationConfig, type FederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import type { CaseFilter } from '../../schema/generated/graphql';
import { demoDataFor } from '../../simulators/demo-data';
import type { RunningNativeSimulator } from '../../simulators/registry';
import { toUnifiedCases } from '../support/ground-truth';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { matchCase } from '../../subgraphs/sdk/evaluate';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import type { FullCaseRecord } from '../../subgraphs/sdk/records';
import { postGraphQL, type GraphQLAnswer } from '../support/federation';

export interface EuropeTestRepository {
  id: string;
  country: string;
  apiKind: string;
  cases?: number;
  seed?: number;
  timeoutMs?: number;
  /** A standalone subgraph URL (the repository's simulator then runs with it, outside the gateway). */
  subgraph?: string;
  circuitBreaker?: { failureThreshold: number; resetAfterMs: number };
  collections?: Array<{ id: string; name: string; cancerSite: string }>;
  /** The gateway's answer cache for it; off unless set. */
  cacheTtlSeconds?: number;
}

export const COLLECTIONS = [
  { id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' },
  { id: 'PROSTATE', name: 'Prostate', cancerSite: 'PROSTATE' },
  { id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' },
];

export interface EuropeTestFederation {
  url: string;
  config: FederationConfig;
  gateway: RunningGateway;
  simulator(id: string): RunningNativeSimulator;
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  /** The repository's cases as a perfect adapter would list them. */
  truth(id: string): FullCaseRecord[];
  clearFaults(): void;
  close(): Promise<void>;
}

export function europeConfig(repositories: readonly EuropeTestRepository[]): FederationConfig {
  return parseFederationConfig({
    repositories: repositories.map((r, i) => ({
      id: r.id, name: `Test ${r.id}`, country: r.country, institution: `Institution ${i + 1}`, apiKind: r.apiKind,
      endpoint: 'simulator', timeoutMs: r.timeoutMs ?? 5000, subgraph: r.subgraph,
      // No retries, no cache (unless asked): each inner request reaches the repository once, and faults show at once.
      retries: 0, cacheTtlSeconds: r.cacheTtlSeconds ?? 0, circuitBreaker: r.circuitBreaker ?? { failureThreshold: 1000, resetAfterMs: 1000 },
      simulate: { seed: r.seed ?? 200 + i, cases: r.cases ?? 60, subjectPrefix: 'EU' },
      collections: r.collections ?? COLLECTIONS,
    })),
  }, 'europe test federation', ADAPTER_KINDS);
}

/** `cache`: the gateway keeps an answer cache in memory (repositories' `cacheTtlSeconds` then decide). */
export async function startEuropeFederation(repositories: readonly EuropeTestRepository[], options: { cache?: boolean } = {}): Promise<EuropeTestFederation> {
  const config = europeConfig(repositories);
  const demo: RunningDemo = await startDemoSimulators(config);
  let gateway: RunningGateway;
  try {
    gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, ...(options.cache ? { cache: {} } : {}) });
  } catch (error) {
    await demo.close();
    throw error;
  }
  const truths = new Map(config.repositories.map((entry) => [entry.id, toUnifiedCases(demoDataFor(entry as SimulatedRepositoryEntry))]));
  const simulator = (id: string) => {
    const running = demo.simulators.get(id);
    if (!running) throw new Error(`no simulator for ${id}`);
    return running;
  };
  return {
    url: gateway.url,
    config: demo.config,
    gateway,
    simulator,
    query: (query, variables) => postGraphQL(gateway.url, query, variables),
    truth(id) {
      const cases = truths.get(id);
      if (!cases) throw new Error(`no ground truth for ${id}`);
      return cases;
    },
    clearFaults() {
      for (const running of demo.simulators.values()) {
        for (const key of Object.keys(running.faults) as Array<keyof typeof running.faults>) delete running.faults[key];
      }
    },
    async close() {
      await gateway.close();
      await demo.close();
    },
  };
}

/** The matching cases of a repository's ground truth, in its own order (subject id). */
export function matchingCases(cases: readonly FullCaseRecord[], where: CaseFilter): FullCaseRecord[] {
  const filter = normaliseFilter(where, 'truth');
  return cases.filter((c) => matchCase(c, filter) !== null)
    .sort((a, b) => (a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0));
}

/** Code-unit order, as the merge uses. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
