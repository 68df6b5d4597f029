/**
 * Composes the supergraph from the federation config with @apollo/composition: no rover, no network, no running
 * subgraph needed (every subgraph's SDL is generated from the config and the schema).
 */
import { composeServices } from '@apollo/composition';
import type { FederationConfig } from '../config/federation-config';
import { ConfigError } from '../config/federation-config';
import { catalogTypeDefs, CATALOG_SUBGRAPH_NAME } from '../subgraphs/catalog/catalog-subgraph';
import { repositorySubgraphTypeDefs } from '../subgraphs/sdk/subgraph';
import { europeTypeDefs, EUROPE_SUBGRAPH_NAME } from '../subgraphs/europe/sdl';

/**
 * The URL recorded in the supergraph for subgraphs served inside the gateway process. The generation changes on
 * every reload so the gateway builds new data sources instead of reusing those of the replaced federation.
 */
export function localSubgraphUrl(name: string, generation = 1): string {
  return `in-process://${name}/${generation}`;
}

export function composeSupergraph(config: FederationConfig, generation = 1): string {
  const result = composeServices([
    { name: CATALOG_SUBGRAPH_NAME, typeDefs: catalogTypeDefs(config.repositories), url: localSubgraphUrl(CATALOG_SUBGRAPH_NAME, generation) },
    ...config.repositories.map((entry) => ({
      name: entry.id,
      typeDefs: repositorySubgraphTypeDefs(entry),
      url: entry.subgraph === 'local' ? localSubgraphUrl(entry.id, generation) : entry.subgraph,
    })),
    // Europe-wide answers (totals, one case list, manifests): computed in the gateway process by asking the gateway.
    { name: EUROPE_SUBGRAPH_NAME, typeDefs: europeTypeDefs(config.repositories), url: localSubgraphUrl(EUROPE_SUBGRAPH_NAME, generation) },
  ]);
  if (result.errors) {
    throw new ConfigError(config.source, result.errors.map((error) => `composition: ${error.message}`));
  }
  return result.supergraphSdl;
}
