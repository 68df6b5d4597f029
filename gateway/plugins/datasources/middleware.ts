/**
 * Gateway features that act on subgraph calls (error placement, timeouts, retries, circuit breaking, caching,
 * de-duplication) are middlewares: each wraps the next call and has one job, so they compose in one place
 * (gateway/federation.ts) and each is tested alone.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { RepositoryEntry } from '../../../subgraphs/sdk/entry';

export type SubgraphCall = (options: GraphQLDataSourceProcessOptions) => Promise<GatewayGraphQLResponse>;

export interface SubgraphInfo {
  /** Subgraph name in the supergraph: "catalog", or a repository id. */
  name: string;
  /** The repository's config entry; undefined for the federation's own subgraphs. */
  entry?: RepositoryEntry;
}

export type SubgraphMiddleware = (info: SubgraphInfo, next: SubgraphCall) => SubgraphCall;

/** Wraps a data source; the first middleware is the outermost. */
export function withMiddleware(source: GraphQLDataSource, info: SubgraphInfo, middlewares: readonly SubgraphMiddleware[]): GraphQLDataSource {
  const call = middlewares.reduceRight<SubgraphCall>((next, middleware) => middleware(info, next), (options) => source.process(options));
  return { process: call };
}
