/**
 * The catalog subgraph as a standalone HTTP server. The product always runs the catalog inside the gateway
 * (it is generated from the config); the peer gateways of the benchmark need it over HTTP like any subgraph.
 */
import { buildCatalogSubgraph } from '../../subgraphs/catalog/catalog-subgraph';
import type { AdapterKind } from '../../subgraphs/sdk/adapter';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';
import { serveSubgraphSchema, type RunningSubgraph } from '../../subgraphs/sdk/serve';

export type RunningCatalog = Omit<RunningSubgraph, 'warmedUp'>;

export function serveCatalogSubgraph(entries: readonly RepositoryEntry[], kinds: readonly AdapterKind[]): Promise<RunningCatalog> {
  return serveSubgraphSchema(buildCatalogSubgraph(entries, kinds).schema, { port: 0 });
}
