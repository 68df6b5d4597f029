/**
 * Turns an adapter into a federation subgraph: the repository's own type `XRepository @key(fields: "id")` owning
 * the data fields, the shared value types, argument validation, per-request DataLoader batching of studies, and
 * errors that name the repository. An adapter author writes none of this.
 */
import { buildSubgraphSchema, type GraphQLResolverMap } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { GraphQLError, Kind, type DocumentNode, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { cancerCaseSdl, FEDERATION_LINK, repositoryDataSdl } from '../../schema';
import type { RepositoryCasesArgs, RepositoryCohortArgs } from '../../schema/generated/graphql';
import { MAX_PAGE_SIZE, type AdapterKind, type RepositoryAdapter } from './adapter';
import { mayReadRecords, mayReadSomeRecords, type RequestContext } from './context';
import type { RepositoryEntry } from './entry';
import { asRepositoryError, ErrorCode, RepositoryError } from './errors';
import { normaliseFilter } from './filter';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from './records';
import { noteIncompleteAnswer } from './incomplete-answer';
import { countPrivacyPolicy, discloseCohort } from './privacy';
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
  const countPrivacy = countPrivacyPolicy(entry);
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

  const listCases = (args: RepositoryCasesArgs, context: RequestContext) => guarded(async () => {
    if (!adapter.cases) {
      throw new RepositoryError(ErrorCode.NOT_SUPPORTED, entry.id,
        `answers counts only (${kind.granularity} granularity): ask for cohort instead of cases`);
    }
    const where = withinGrantedCollections(context, entry.id, args.where);
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
      throw new RepositoryError(ErrorCode.BAD_USER_INPUT, entry.id, `argument first is ${first}; it must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
    }
    const page = await adapter.cases(normaliseFilter(where, entry.id), { first, after: args.after ?? null }, context);
    recordReleasesOf(context)?.cases(entry.id, page.edges.map((edge) => edge.node));
    return {
      edges: page.edges,
      nodes: page.edges.map((edge) => edge.node),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.edges.at(-1)?.cursor ?? null },
      totalCount: page.totalCount,
    };
  });

  const resolvers = {
    [typeName]: {
      __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
      cohort: (_: unknown, args: RepositoryCohortArgs, context: RequestContext, info: GraphQLResolveInfo) => guarded(async () => {
        const filter = normaliseFilter(args.where, entry.id);
        return { filter, cohort: await adapter.cohort(filter, context, { facets: selectsField(info, 'facets') }) };
      })
        // Small cells, and counts without their noise, never leave this subgraph for a caller without a record grant (privacy/).
        .then(({ filter, cohort }) => {
          if (cohort.coverage) noteIncompleteAnswer(context);
          return discloseCohort(cohort, entry.id, countPrivacy, context, filter);
        }),
      cases: (_: unknown, args: RepositoryCasesArgs, context: RequestContext) => {
        // Records only with a grant for this repository (README "Who may see what"), limited to its collections.
        // Count-only repositories say NOT_SUPPORTED first: they release no records to anyone.
        const refusal = adapter.cases ? recordRefusal(context, entry.id, args.where?.collections) : undefined;
        if (refusal) throw refusal;
        return listCases(args, context);
      },
      collections: (_: unknown, __: unknown, context: RequestContext) => guarded(() => adapter.collections(context)),
    },
    Collection: {
      unmappedModalities: (collection: CollectionRecord) => collection.unmappedModalities ?? [],
    },
    Cohort: {
      incompleteFacets: (cohort: CohortRecord) => cohort.incompleteFacets ?? [],
      // Left out, it follows from `subjects`; null says unknown (a part of the repository matched none).
      exists: (cohort: CohortRecord) => (cohort.exists !== undefined ? cohort.exists : cohort.subjects === null ? null : cohort.subjects > 0),
      coverage: (cohort: CohortRecord) => cohort.coverage ?? null,
    },
    Case: {
      studies: async (record: CaseRecord, _: unknown, context: RequestContext) => {
        // Checked again per case: a case reaches this resolver only through a granted listing, but the check is cheap.
        if (!mayReadRecords(context, entry.id, record.collection)) {
          throw recordRefusal(context, entry.id, record.collection ? [record.collection] : undefined)
            ?? forbidden(entry.id, 'the caller has no grant for this case\'s collection');
        }
        const studies = record.studies ?? await guarded(() => studiesLoader(context).load(record));
        recordReleasesOf(context)?.series(entry.id, record.id, studies.reduce((sum, study) => sum + (study.series?.length ?? 0), 0));
        return studies;
      },
    },
  } as unknown as GraphQLResolverMap<unknown>;

  return { name: entry.id, typeName, typeDefs, schema: buildSubgraphSchema([{ typeDefs, resolvers }]), adapter };
}

/**
 * Why this caller may not read records of this repository (of these collections, when named), or undefined when
 * it may: UNAUTHENTICATED for anonymous callers (a token with a grant would open them), FORBIDDEN for callers
 * whose token holds no grant for them. The message names the repository and the collections, never the filter.
 */
export function recordRefusal(context: RequestContext | undefined, repositoryId: string, collections?: readonly string[] | null): GraphQLError | undefined {
  if (!mayReadSomeRecords(context, repositoryId)) {
    return context?.subject === undefined
      ? new GraphQLError(`repository "${repositoryId}": its records need a bearer token with a grant for it; anonymous callers get counts only`,
        { extensions: { code: 'UNAUTHENTICATED', repositoryId } })
      : forbidden(repositoryId, 'the caller holds no grant for its records (counts only)');
  }
  const refused = (collections ?? []).filter((collection) => !mayReadRecords(context, repositoryId, collection));
  if (refused.length > 0) return forbidden(repositoryId, `the caller holds no grant for the records of collection${refused.length > 1 ? 's' : ''} ${refused.join(', ')}`);
  return undefined;
}

function forbidden(repositoryId: string, message: string): GraphQLError {
  return new GraphQLError(`repository "${repositoryId}": ${message}`, { extensions: { code: 'FORBIDDEN', repositoryId } });
}

/** The filter, limited to the collections the caller's grant names when it does not cover the whole repository. */
function withinGrantedCollections<T extends { collections?: readonly string[] | null }>(context: RequestContext | undefined, repositoryId: string, where: T | null | undefined): T | null | undefined {
  if (mayReadRecords(context, repositoryId)) return where;
  if (where?.collections && where.collections.length > 0) return where; // each named collection was checked
  const granted = [...new Set((context?.recordGrants ?? []).filter((g) => g.repositoryId === repositoryId).flatMap((g) => g.collections ?? []))];
  return { ...(where ?? {}), collections: granted } as unknown as T;
}

/**
 * Where the record-level answers are tallied for the audit log (audit-log.ts): the gateway puts a sink on each
 * repository subgraph call's context (gateway/plugins/datasources/use-release-report.ts, which reports it with the call's
 * answer), a standalone subgraph (serve.ts) on each call's; the subgraph tells it which cases (and how many series)
 * it released. Identifiers stay in memory; the log gets counts and collections only.
 */
export interface RecordReleaseSink {
  cases(repositoryId: string, cases: ReadonlyArray<{ id: string; collection?: string | null }>): void;
  series(repositoryId: string, caseId: string, count: number): void;
}

const RELEASES = Symbol.for('eucaim.recordReleases');

export function bindRecordReleases(context: object, sink: RecordReleaseSink | undefined): void {
  (context as { [RELEASES]?: RecordReleaseSink })[RELEASES] = sink;
}

export function recordReleasesOf(context: unknown): RecordReleaseSink | undefined {
  return context !== null && typeof context === 'object' ? (context as { [RELEASES]?: RecordReleaseSink })[RELEASES] : undefined;
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
