/**
 * @apollo/subgraph builds every subgraph's executable schema, and what it publishes as `_service { sdl }` is what a
 * gateway composes when a repository runs its subgraph at its own site. Version 2.15 rewrote the package (no more
 * @apollo/federation-internals underneath) while @apollo/composition, @apollo/query-planner and @apollo/gateway stay
 * at 2.14.4, so the published SDL must compose into exactly the supergraph the gateway composes from the schema
 * files. Equal supergraphs mean equal query plans: the planner reads nothing else.
 */
import { composeServices } from '@apollo/composition';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { composeSupergraph, localSubgraphUrl } from '../../gateway/supergraph';
import { buildCatalogSubgraph, CATALOG_SUBGRAPH_NAME } from '../../subgraphs/catalog/catalog-subgraph';
import { buildEuropeSubgraph } from '../../subgraphs/europe/subgraph';
import { EUROPE_SUBGRAPH_NAME } from '../../subgraphs/europe/sdl';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { buildRepositorySubgraph } from '../../subgraphs/sdk/subgraph';

async function publishedSdl(schema: GraphQLSchema): Promise<string> {
  const result = await execute({ schema, document: parse('{ _service { sdl } }') });
  expect(result.errors).toBeUndefined();
  return (result.data as { _service: { sdl: string } })._service.sdl;
}

describe('the SDL every subgraph publishes (@apollo/subgraph)', () => {
  const config = loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
  // The demo's endpoints name simulators started by npm start; the schemas never ask them anything.
  const adapters = config.repositories.map((demoEntry) => {
    const entry = { ...demoEntry, endpoint: 'http://127.0.0.1:9/' };
    const kind = ADAPTER_KINDS.find((k) => k.apiKind === entry.apiKind)!;
    return { entry, kind, adapter: kind.create(entry, {}) };
  });

  afterAll(async () => {
    await Promise.all(adapters.map(({ adapter }) => adapter.close?.()));
  });

  it('composes into the same supergraph as the schema files, for every repository of the demo federation', async () => {
    const services = [
      { name: CATALOG_SUBGRAPH_NAME, typeDefs: parse(await publishedSdl(buildCatalogSubgraph(config.repositories, ADAPTER_KINDS).schema)), url: localSubgraphUrl(CATALOG_SUBGRAPH_NAME) },
      ...await Promise.all(adapters.map(async ({ entry, kind, adapter }) => ({
        name: entry.id,
        typeDefs: parse(await publishedSdl(buildRepositorySubgraph(entry, kind, adapter).schema)),
        url: localSubgraphUrl(entry.id),
      }))),
      { name: EUROPE_SUBGRAPH_NAME, typeDefs: parse(await publishedSdl(buildEuropeSubgraph(config.repositories).schema)), url: localSubgraphUrl(EUROPE_SUBGRAPH_NAME) },
    ];
    const composed = composeServices(services);
    expect(composed.errors).toBeUndefined();
    expect(composed.supergraphSdl).toBe(composeSupergraph(config));
  });

  it('keeps the federation link and each repository\'s entity key', async () => {
    const { entry, kind, adapter } = adapters[0];
    const sdl = await publishedSdl(buildRepositorySubgraph(entry, kind, adapter).schema);
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.\d+"/);
    expect(sdl).toMatch(new RegExp(`type \\w+Repository implements Repository\\s+@key\\(fields: "id"\\)`));
  });
});
