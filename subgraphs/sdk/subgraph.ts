/**
 * Turns an adapter into a federation subgraph: the repository's own type `XRepository @key(fields: "id")` owning
 * the data fields, the shared value types, argument validation, per-request DataLoader batching of studies, and
 * errors that name the repository. An adapter author writes none of this.
 */
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { Kind, type DocumentNode, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { cancerCaseSdl, FEDERATION_LINK, repositoryDataSdl } from '../../schema';
import type { RepositoryCasesArgs, RepositoryCohortArgs } from '../../schema/generated/graphql';
import { MAX_PAGE_SIZE, type AdapterKind, type RepositoryAdapter } from './adapter';
import type { RequestContext } from './context';
import type { RepositoryEntry } from './entry';
import { asRepositoryError, ErrorCode, RepositoryError } from './errors';
import { normaliseFilter } from './filter';
import type { CaseRecord, CohortRecord, StudyRecord } from './records';
import { perRequest } from './request-scope';
import { entityImplementing, interfaceNamed, parseSdl } from './sdl';
import { repositoryTypeName } from './type-name';

export interface RepositorySubgraph {
  name: string;
  typeName: string;
  typeDefs: DocumentNode;
  schema: GraphQLSchema;
  adapter: RepositoryAdapter;
}

/** The SDL of a repository subgraph (also what composition reads, so it needs no running adapter). */
export function repositorySubgraphTypeDefs(entry: RepositoryEntry): DocumentNode {
  const typeName = repositoryTypeName(entry.id);
  const entity = entityImplementing(interfaceNamed(repositoryDataSdl, 'Repository'), typeName,
    `${entry.name} (${entry.country}), served by the ${entry.apiKind} adapter.`);
  return parseSdl([FEDERATION_LINK, cancerCaseSdl, repositoryDataSdl, entity]);
}

export function buildRepositorySubgraph(entry: RepositoryEntry, kind: AdapterKind, adapter: RepositoryAdapter): RepositorySubgraph {
  const typeName = repositoryTypeName(entry.id);
  const typeDefs = repositorySubgraphTypeDefs(entry);
  const guarded = <T>(work: () => Promise<T>): Promise<T> => work().catch((error: unknown) => {
    const repositoryError = asRepositoryError(error, entry.id);
    if (repositoryError.code === ErrorCode.ADAPTER_ERROR) {
      // Only the error's own message: adapters keep native payloads and query values out of their messages.
      console.error(`[${entry.id}] adapter defect: ${(error as Error)?.stack ?? String(error)}`);
    }
    throw repositoryError;
  });

  const studiesLoader = (context: RequestContext) => perRequest(context, `studies:${entry.id}`, () =>
    new DataLoader<CaseRecord, StudyRecord[], string>(async (cases) => {
      if (!adapter.loadStudies) throw new RepositoryError(ErrorCode.ADAPTER_ERROR, entry.id, 'the adapter returned cases without studies and cannot load them');
      return adapter.loadStudies(cases, context);
    }, { cacheKeyFn: (c) => c.id, maxBatchSize: MAX_PAGE_SIZE }));

  const resolvers = {
    [typeName]: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      cohort: (_: unknown, args: RepositoryCohortArgs, context: RequestContext, info: GraphQLResolveInfo) =>
        guarded(() => adapter.cohort(normaliseFilter(args.where, entry.id), context, { facets: selectsField(info, 'facets') })),
      cases: (_: unknown, args: RepositoryCasesArgs, context: RequestContext) => guarded(async () => {
        if (!adapter.cases) {
          throw new RepositoryError(ErrorCode.NOT_SUPPORTED, entry.id,
            `answers counts only (${kind.granularity} granularity): ask for cohort instead of cases`);
        }
        const first = args.first ?? 20;
        if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
          throw new RepositoryError(ErrorCode.BAD_USER_INPUT, entry.id, `argument first is ${first}; it must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
        }
        const page = await adapter.cases(normaliseFilter(args.where, entry.id), { first, after: args.after ?? null }, context);
        return {
          edges: page.edges,
          nodes: page.edges.map((edge) => edge.node),
          pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null },
          totalCount: page.totalCount,
        };
      }),
      collections: (_: unknown, __: unknown, context: RequestContext) => guarded(() => adapter.collections(context)),
    },
    Cohort: {
      incompleteFacets: (cohort: CohortRecord) => cohort.incompleteFacets ?? [],
      exists: (cohort: CohortRecord) => cohort.exists ?? (cohort.subjects === null ? null : cohort.subjects > 0),
    },
    Case: {
      studies: (record: CaseRecord, _: unknown, context: RequestContext) =>
        record.studies ?? guarded(() => studiesLoader(context).load(record)),
    },
  } as unknown as GraphQLResolverMap<unknown>;

  return { name: entry.id, typeName, typeDefs, schema: buildSubgraphSchema([{ typeDefs, resolvers }]), adapter };
}

/** Whether the field being resolved selects `name` directly (fragments included). */
function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (selections: readonly import('graphql').SelectionNode[]): boolean => selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name;
    if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet.selections);
    const fragment = info.fragments[selection.name.value];
    return fragment ? visit(fragment.selectionSet.selections) : false;
  });
  return info.fieldNodes.some((node) => node.selectionSet ? visit(node.selectionSet.selections) : false);
}
