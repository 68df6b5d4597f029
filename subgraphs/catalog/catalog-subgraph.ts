/**
 * The catalog subgraph: owns `interface Repository @key(fields: "id")` and one implementing type per repository,
 * generated from the federation config, plus `Query.repositories(where)` and `Query.repository(id)`. It answers
 * from the config alone, so the catalogue works even when every repository is down, and the planner sends
 * repository data fields only to the repositories it returned.
 */
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import { GraphQLError, parse, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { cancerCaseSdl, catalogSdl, FEDERATION_LINK } from '../../schema';
import type { QueryRepositoriesArgs, QueryRepositoryArgs, RepositoryFilter } from '../../schema/generated/graphql';
import type { AdapterKind } from '../sdk/adapter';
import type { RepositoryEntry } from '../sdk/entry';
import { badUserInput, ErrorCode } from '../sdk/errors';
import { entityImplementing, interfaceNamed, typeDefinitionNamed } from '../sdk/sdl';
import { repositoryTypeName } from '../sdk/type-name';

export const CATALOG_SUBGRAPH_NAME = 'catalog';

export interface CatalogSubgraph {
  name: string;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
}

interface CatalogRecord {
  __typename: string;
  id: string;
  name: string;
  country: string;
  institution: string;
  apiKind: string;
  granularity: AdapterKind['granularity'];
  capabilities: { criteria: AdapterKind['criteria']; caseListing: boolean; facets: boolean };
}

export function catalogTypeDefs(entries: readonly RepositoryEntry[]): DocumentNode {
  const repository = interfaceNamed(catalogSdl, 'Repository');
  const types = entries.map((entry) => entityImplementing(repository, repositoryTypeName(entry.id),
    `${entry.name} (${entry.institution}, ${entry.country}): ${entry.apiKind} repository.`));
  // The catalog reports criteria with the shared FilterCriterion enum; it declares only that value type.
  const filterCriterion = print(typeDefinitionNamed(cancerCaseSdl, 'FilterCriterion'));
  return parse([FEDERATION_LINK, filterCriterion, catalogSdl, ...types].join('\n\n'));
}

export function buildCatalogSubgraph(entries: readonly RepositoryEntry[], kinds: readonly AdapterKind[]): CatalogSubgraph {
  const records = entries.map((entry): CatalogRecord => {
    const kind = kinds.find((k) => k.apiKind === entry.apiKind);
    if (!kind) throw new Error(`no adapter kind "${entry.apiKind}" for repository "${entry.id}"`);
    return {
      __typename: repositoryTypeName(entry.id),
      id: entry.id,
      name: entry.name,
      country: entry.country,
      institution: entry.institution,
      apiKind: entry.apiKind,
      granularity: kind.granularity,
      capabilities: { criteria: kind.criteria, caseListing: kind.granularity === 'RECORD', facets: kind.facets },
    };
  });
  const byId = new Map(records.map((record) => [record.id, record]));
  const typeDefs = catalogTypeDefs(entries);

  const resolvers: Record<string, unknown> = {
    Query: {
      repositories: (_: unknown, args: QueryRepositoriesArgs) => selectRepositories(records, byId, args.where),
      repository: (_: unknown, args: QueryRepositoryArgs) => {
        const record = byId.get(args.id);
        if (!record) throw notFound([args.id], 'id');
        return record;
      },
    },
    Repository: {
      __resolveType: (record: CatalogRecord) => record.__typename,
      // Other subgraphs (the europe subgraph) refer to a repository by the entity interface.
      __resolveReference: (reference: { id: string }) => byId.get(reference.id) ?? null,
    },
  };
  for (const record of records) {
    resolvers[record.__typename] = { __resolveReference: (reference: { id: string }) => byId.get(reference.id) ?? null };
  }
  return {
    name: CATALOG_SUBGRAPH_NAME,
    typeDefs,
    schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as GraphQLResolverMap<unknown> }]),
  };
}

function selectRepositories(records: readonly CatalogRecord[], byId: ReadonlyMap<string, CatalogRecord>, where: RepositoryFilter | null | undefined): CatalogRecord[] {
  if (!where) return [...records];
  const unknown = (where.ids ?? []).filter((id) => !byId.has(id));
  if (unknown.length > 0) throw notFound(unknown, 'where.ids');
  const badCountry = (where.countries ?? []).find((c) => !/^[A-Z]{2}$/.test(c));
  if (badCountry !== undefined) {
    throw badUserInput(`repositories(where.countries): "${badCountry}" is not an ISO 3166-1 alpha-2 code such as "DE"`, 'where.countries');
  }
  const some = <T>(values: readonly T[] | null | undefined, value: T) => !values || values.length === 0 || values.includes(value);
  return records.filter((r) => some(where.ids, r.id) && some(where.countries, r.country)
    && some(where.apiKinds, r.apiKind) && (!where.granularity || r.granularity === where.granularity));
}

function notFound(ids: readonly string[], argument: string): GraphQLError {
  return new GraphQLError(`no repository with id ${ids.map((id) => `"${id}"`).join(', ')} in this federation`, {
    extensions: { code: ErrorCode.NOT_FOUND, argument, repositoryId: ids[0] },
  });
}
