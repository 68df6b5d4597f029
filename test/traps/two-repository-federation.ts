/**
 * The smallest federation in which @apollo/gateway's error-placement traps show: a catalog subgraph owning
 * `interface Repository @key(fields: "id")` with one type per repository, and one subgraph per repository owning its
 * `cohort` field, as the product composes them (DESIGN.md, "The fan-out pattern"). The data sources are the test's
 * choice: Apollo's stock ones show what the gateway does alone, the product's show the fix.
 */
import { composeServices } from '@apollo/composition';
import { ApolloGateway, type GraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';

export const REPOSITORIES = ['a', 'b', 'c'] as const;
export type RepositoryName = (typeof REPOSITORIES)[number];
export const COHORT_QUERY = '{ repositories { id cohort } }';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const typeName = (name: RepositoryName) => `${name.toUpperCase()}Repository`;

const catalogSdl = `${LINK}
  interface Repository @key(fields: "id") { id: ID! }
  ${REPOSITORIES.map((name) => `type ${typeName(name)} implements Repository @key(fields: "id") { id: ID! }`).join('\n')}
  type Query { repositories: [Repository!]! }`;

const repositorySdl = (name: RepositoryName) => `${LINK}
  interface Repository { id: ID! cohort: Int }
  type ${typeName(name)} implements Repository @key(fields: "id") { id: ID! cohort: Int }`;

export function catalogSchema(): GraphQLSchema {
  return buildSubgraphSchema([{
    typeDefs: parse(catalogSdl),
    resolvers: {
      Query: { repositories: () => REPOSITORIES.map((name) => ({ __typename: typeName(name), id: name })) },
      Repository: { __resolveType: (repository: { __typename: string }) => repository.__typename },
    } as never,
  }]);
}

/** A repository subgraph whose `cohort` answers 42, or fails with a code naming the repository. */
export function repositorySchema(name: RepositoryName, failing: boolean): GraphQLSchema {
  return buildSubgraphSchema([{
    typeDefs: parse(repositorySdl(name)),
    resolvers: {
      [typeName(name)]: {
        __resolveReference: (reference: { id: string }) => reference,
        cohort: () => {
          if (failing) throw new GraphQLError(`repository "${name}" failed`, { extensions: { code: 'REPOSITORY_HTTP_ERROR', repositoryId: name } });
          return 42;
        },
      },
    } as never,
  }]);
}

export interface Answer {
  data?: { repositories: Array<{ id: string; cohort: number | null }> } | null;
  errors?: Array<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>;
}

/** The supergraph of the catalog and the repository subgraphs. */
export function supergraphSdlOf(): string {
  const subgraphs = [{ name: 'catalog', sdl: catalogSdl }, ...REPOSITORIES.map((name) => ({ name, sdl: repositorySdl(name) }))];
  const composed = composeServices(subgraphs.map(({ name, sdl }) => ({ name, typeDefs: parse(sdl), url: `in-process://${name}` })));
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  return composed.supergraphSdl;
}

/** Runs the cohort query through a stock ApolloGateway over the data sources given for each subgraph. */
export async function askFederation(dataSources: Record<'catalog' | RepositoryName, GraphQLDataSource>): Promise<Answer> {
  const gateway = new ApolloGateway({
    supergraphSdl: supergraphSdlOf(),
    buildService: ({ name }) => dataSources[name as keyof typeof dataSources],
  });
  const server = new ApolloServer({ gateway, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  await server.start();
  try {
    const response = await server.executeOperation({ query: COHORT_QUERY });
    if (response.body.kind !== 'single') throw new Error('expected a single answer');
    return JSON.parse(JSON.stringify(response.body.singleResult)) as Answer;
  } finally {
    await server.stop();
  }
}

/** Where each error landed: its path and the repository it names, if any. */
export function errorPlaces(answer: Answer): Array<{ path?: string; repositoryId?: unknown }> {
  return (answer.errors ?? []).map((e) => ({ path: e.path?.join('.'), repositoryId: e.extensions?.repositoryId }));
}
