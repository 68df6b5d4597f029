/**
 * Builds what the gateway serves from a federation config: the catalog and every local repository subgraph
 * (adapter + schema), a data source per subgraph, and the composed supergraph.
 */
import { createHash } from 'node:crypto';
import type { GraphQLDataSource } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import type { FederationConfig } from '../config/federation-config';
import { buildCatalogSubgraph, CATALOG_SUBGRAPH_NAME } from '../subgraphs/catalog/catalog-subgraph';
import type { AdapterKind, RepositoryAdapter } from '../subgraphs/sdk/adapter';
import { buildRepositorySubgraph } from '../subgraphs/sdk/subgraph';
import { buildEuropeSubgraph, EUROPE_SUBGRAPH_NAME } from '../subgraphs/europe';
import { InProcessDataSource } from './plugins/datasources/in-process';
import { RemoteSubgraphDataSource } from './plugins/datasources/remote';
import { useEntityErrorPaths } from './plugins/datasources/entity-error-paths';
import { useResponseCache } from './plugins/datasources/use-cache';
import { useInFlightDedup } from './plugins/datasources/use-dedup';
import { useReleaseAudit } from './plugins/datasources/use-release-audit';
import { useIncompleteMark } from './plugins/datasources/use-incomplete-mark';
import { useReleaseReport } from './plugins/datasources/use-release-report';
import { withMiddleware, type SubgraphMiddleware } from './plugins/datasources/middleware';
import { useCircuitBreaker } from './plugins/datasources/use-circuit-breaker';
import { useRetries } from './plugins/datasources/use-retries';
import { useTimeout } from './plugins/datasources/use-timeout';
import { useTaskBoundary } from './plugins/datasources/use-task-boundary';
import { useFairShare } from './plugins/datasources/use-fair-share';
import { useCallMetrics } from './plugins/datasources/use-call-metrics';
import { useCallSpan } from './plugins/datasources/use-call-span';
import { composeSupergraph } from './supergraph';

export interface Federation {
  config: FederationConfig;
  supergraphSdl: string;
  dataSources: ReadonlyMap<string, GraphQLDataSource>;
  /** The europe subgraph's schema (its data source is `dataSources`' EUROPE_SUBGRAPH_NAME): europe-direct.ts validates against it. */
  europeSchema: GraphQLSchema;
  adapters: ReadonlyMap<string, RepositoryAdapter>;
  /** Per local repository, a digest of what its adapter was made from (entry and credentials): see buildFederation. */
  adapterFingerprints: ReadonlyMap<string, string>;
  close(): Promise<void>;
}

/**
 * How many federations use each adapter. A reload keeps the adapters of the entries it leaves unchanged, with their
 * harvested indexes and connections, so an edit to one repository does not harvest all thirty again; an adapter is
 * closed when the last federation using it is retired.
 */
const adapterUsers = new WeakMap<RepositoryAdapter, number>();

function adapterFingerprint(entry: unknown, credentials: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([entry, credentials ?? null])).digest('base64url');
}

/** Middlewares around every repository subgraph call, outermost first. */
// Identical calls in flight share one call (and one cache lookup); the cache answers before any timeout or retry.
// Then staying up (README "Staying up"): the breaker sees each call's outcome after retries, every attempt has its timeout.
// Calls yield to the event loop every 10 ms, so that no walk over many calls holds it (use-task-boundary.ts).
// What reaches a repository waits for its fair share there (use-fair-share.ts): cache hits and shared calls never do.
// Its latency and outcome go to the metrics (use-call-metrics.ts) and to a trace span (use-call-span.ts), the wait included.
// The audit (README "Who may see what"): the innermost reports what the attempt released with its answer, so the
// report is cached and shared with it; the audit, outside sharing and cache, adds it to each asking request's tally.
// An answer from part of a repository (a first harvest still running) is marked innermost, so that it is not cached.
export const REPOSITORY_MIDDLEWARES: readonly SubgraphMiddleware[] = [
  useTaskBoundary, useReleaseAudit, useEntityErrorPaths, useInFlightDedup, useResponseCache, useCallMetrics, useCallSpan, useFairShare, useCircuitBreaker, useRetries,
  useTimeout, useReleaseReport, useIncompleteMark,
];

/**
 * `previous`: the federation being replaced, whose adapters are taken over where an entry and its credentials are
 * exactly as they were (anything else about a repository changed makes a new adapter).
 */
export function buildFederation(
  config: FederationConfig, kinds: readonly AdapterKind[], env: NodeJS.ProcessEnv = process.env, generation = 1, previous?: Federation,
): Federation {
  const supergraphSdl = composeSupergraph(config, generation);
  const catalog = buildCatalogSubgraph(config.repositories, kinds);
  const dataSources = new Map<string, GraphQLDataSource>([
    [CATALOG_SUBGRAPH_NAME, withMiddleware(new InProcessDataSource(catalog.schema, true), { name: CATALOG_SUBGRAPH_NAME }, [useTaskBoundary])],
  ]);
  // The europe subgraph asks the repositories through the gateway (its inner requests get the repository
  // middlewares), so it gets none itself.
  const europe = buildEuropeSubgraph(config.repositories);
  dataSources.set(EUROPE_SUBGRAPH_NAME, withMiddleware(new InProcessDataSource(europe.schema, false), { name: EUROPE_SUBGRAPH_NAME }, [useTaskBoundary]));
  const adapters = new Map<string, RepositoryAdapter>();
  const fingerprints = new Map<string, string>();
  const remotes: RemoteSubgraphDataSource[] = [];
  for (const entry of config.repositories) {
    if (entry.subgraph !== 'local') {
      const remote = new RemoteSubgraphDataSource({ name: entry.id, url: entry.subgraph, timeoutMs: entry.timeoutMs });
      remotes.push(remote);
      dataSources.set(entry.id, withMiddleware(remote, { name: entry.id, entry }, REPOSITORY_MIDDLEWARES));
      continue;
    }
    const kind = kinds.find((k) => k.apiKind === entry.apiKind);
    if (!kind) throw new Error(`no adapter kind "${entry.apiKind}" for repository "${entry.id}"`);
    const credentials = entry.credentialsEnv ? env[entry.credentialsEnv] : undefined;
    const fingerprint = adapterFingerprint(entry, credentials);
    const kept = previous?.adapterFingerprints.get(entry.id) === fingerprint ? previous.adapters.get(entry.id) : undefined;
    const adapter = kept ?? kind.create(entry, { credentials });
    adapters.set(entry.id, adapter);
    fingerprints.set(entry.id, fingerprint);
    const local = new InProcessDataSource(buildRepositorySubgraph(entry, kind, adapter).schema, false);
    dataSources.set(entry.id, withMiddleware(local, { name: entry.id, entry }, REPOSITORY_MIDDLEWARES));
  }
  for (const adapter of adapters.values()) adapterUsers.set(adapter, (adapterUsers.get(adapter) ?? 0) + 1);
  return {
    config,
    supergraphSdl,
    dataSources,
    europeSchema: europe.schema,
    adapters,
    adapterFingerprints: fingerprints,
    async close() {
      const unused = [...adapters.values()].filter((adapter) => {
        const users = (adapterUsers.get(adapter) ?? 1) - 1;
        adapterUsers.set(adapter, users);
        return users === 0;
      });
      adapters.clear();
      await Promise.all([...unused.map((a) => a.close?.()), ...remotes.map((r) => r.close())]);
    },
  };
}
