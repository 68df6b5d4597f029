/**
 * How the europe subgraph's per-repository questions reach the repositories (subgraphs/europe/gateway-link.ts)
 * without a GraphQL operation each through the whole gateway (parsing, validation, plugins, query planning, the
 * catalog): a question about one repository, `repository(id: $id) { cohort(…) { … } }`, is sent as the entity fetch
 * the query planner would send, straight to that repository's data source. It passes the same middlewares as any
 * client's call there (de-duplication, answer cache, fair share, circuit breaker, retries, timeout, audit report),
 * with (a copy of) the caller's context, so its access, deadline and cancellation apply. The catalog's
 * `repositories(where: …)` goes straight to the catalog's data source. Any other operation is executed through
 * Apollo Server as before.
 *
 * Errors come back as the gateway would give them: placed on `repository`, and masked like the gateway's answers
 * (an internal message never reaches a repository's status).
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, print, type FieldNode, type GraphQLFormattedError, type OperationDefinitionNode } from 'graphql';
import { CATALOG_SUBGRAPH_NAME } from '../subgraphs/catalog/catalog-subgraph';
import type { RequestContext } from '../subgraphs/sdk/context';
import { boundedMemo } from '../subgraphs/sdk/bounded-memo';
import { repositoryTypeName } from '../subgraphs/sdk/type-name';
import { FROM_CACHE_EXTENSION, type ExecuteThroughGateway, type InnerAnswer, type InnerError, type InnerOperation } from '../subgraphs/europe/gateway-link';

/** Fields of `Repository` that a repository's own subgraph serves (the others come from the catalog). */
const REPOSITORY_DATA_FIELDS = new Set(['cohort', 'cases', 'collections', 'id', '__typename']);
/** Operation texts planned: the europe subgraph sends a handful of fixed ones. */
const MAX_PLANS = 256;

type Plan =
  | { kind: 'repository'; idVariable: string; entityQuery: (typeName: string) => string }
  | { kind: 'catalog' };

export interface EuropeLinkOptions {
  /** The data sources of the federation being served now (they change with reloads). */
  dataSources: () => ReadonlyMap<string, GraphQLDataSource>;
  /** Executes any other operation (Apollo Server's executeOperation with the gateway's plugins). */
  fallback: ExecuteThroughGateway;
  /** The gateway's error masking (http/mask-internal-errors.ts). */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

export function directEuropeLink(options: EuropeLinkOptions): ExecuteThroughGateway {
  const planOf = boundedMemo<string, Plan | null>(MAX_PLANS);
  const entityQueries = boundedMemo<string, string>(MAX_PLANS);
  const catalogAnswers = new CatalogAnswers();
  const mask = (errors: readonly InnerError[] | undefined): InnerError[] | undefined =>
    errors?.map((error) => options.formatError(error as GraphQLFormattedError, error) as InnerError);

  return async (operation: InnerOperation, context: RequestContext): Promise<InnerAnswer> => {
    const plan = planOf(operation.query, planOperation);
    if (!plan) return options.fallback(operation, context);
    if (plan.kind === 'catalog') {
      const catalog = options.dataSources().get(CATALOG_SUBGRAPH_NAME)!;
      const ask = async (): Promise<InnerAnswer> => {
        const response = await send(catalog, { query: operation.query, operationName: operation.operationName, variables: operation.variables }, context);
        return { data: response.data as InnerAnswer['data'], errors: mask(response.errors as InnerError[] | undefined) };
      };
      return catalogAnswers.of(catalog, `${operation.operationName ?? ''}\n${operation.query}\n${JSON.stringify(operation.variables ?? {})}`, ask);
    }
    const { [plan.idVariable]: id, ...variables } = operation.variables ?? {};
    const dataSource = typeof id === 'string' ? options.dataSources().get(id) : undefined;
    // Not (or no longer, after a reload) a repository of the federation: the catalog would answer null.
    if (typeof id !== 'string' || !dataSource || id === CATALOG_SUBGRAPH_NAME) return { data: { repository: null } };
    const typeName = repositoryTypeName(id);
    const query = entityQueries(`${typeName}\n${operation.query}`, () => plan.entityQuery(typeName));
    const response = await send(dataSource, {
      query, operationName: operation.operationName, variables: { ...variables, representations: [{ __typename: typeName, id }] },
    }, context, id);
    const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
    const errors = response.errors?.map((error): InnerError => ({
      ...(error as InnerError),
      // ['_entities', 0, 'cohort', …] as the gateway places it: ['repository', 'cohort', …].
      path: error.path ? ['repository', ...error.path.slice(error.path[0] === '_entities' ? 2 : 0)] : undefined,
    }));
    return {
      data: { repository: (entities?.[0] ?? null) as Record<string, unknown> | null }, errors: mask(errors),
      ...(response.extensions?.[FROM_CACHE_EXTENSION] === true ? { fromCache: true } : {}),
    };
  };
}

/**
 * The catalog's answers, kept per catalog (a reload brings a new one, and with it new answers). The catalog answers
 * from the federation config alone, the same for every caller, and a Europe-wide question asks it first, before any
 * repository is asked: kept, that step costs nothing (scale scenario: 0.3 ms of each cold question's overhead).
 * Answers with errors are not kept (they go on to the caller as they came).
 */
class CatalogAnswers {
  private readonly byCatalog = new WeakMap<GraphQLDataSource, Map<string, Promise<InnerAnswer>>>();

  async of(catalog: GraphQLDataSource, key: string, ask: () => Promise<InnerAnswer>): Promise<InnerAnswer> {
    let kept = this.byCatalog.get(catalog);
    if (!kept) this.byCatalog.set(catalog, (kept = new Map()));
    const pending = kept.get(key);
    if (pending) {
      const answer = await pending;
      // Another caller's failure (its request cancelled while the catalog answered) is not this caller's answer.
      return answer.errors?.length ? ask() : answer;
    }
    // Bounded: the europe subgraph asks a few fixed operations, but the variables are the callers'.
    if (kept.size >= MAX_PLANS) kept.clear();
    const mine = ask();
    kept.set(key, mine);
    const answer = await mine;
    if (answer.errors?.length && kept.get(key) === mine) kept.delete(key);
    return answer;
  }
}

/**
 * One fetch to a data source, as the gateway's executor sends one (the caller's context, its cancellation with it).
 * A data source that throws (a middleware's bug) gives an internal error placed as the gateway places one (on the
 * entity for a repository, on the root for the catalog), which the caller masks like any other.
 */
async function send(
  dataSource: GraphQLDataSource, request: { query: string; operationName?: string; variables?: Record<string, unknown> }, context: RequestContext,
  repositoryId?: string,
): Promise<GatewayGraphQLResponse> {
  // Middlewares read the request and context; the incoming request is the europe subgraph's question itself.
  const incomingRequestContext = { request, context } as unknown as GatewayGraphQLRequestContext<RequestContext>;
  try {
    // The enum's value ('incoming operation'): @apollo/gateway exports its type, not the enum.
    return await dataSource.process({ kind: 'incoming operation', request, context, incomingRequestContext } as unknown as GraphQLDataSourceProcessOptions);
  } catch (error) {
    const extensions = { code: 'INTERNAL_SERVER_ERROR', ...(repositoryId ? { repositoryId } : {}) };
    const message = (error as Error)?.message ?? String(error);
    return repositoryId
      ? { data: { _entities: [null] }, errors: [{ message, path: ['_entities', 0], extensions }] as GatewayGraphQLResponse['errors'] }
      : { data: null, errors: [{ message, path: ['repositories'], extensions }] as GatewayGraphQLResponse['errors'] };
  }
}

/**
 * How an operation can be sent without the gateway: one root field, `repository(id: $var)` selecting only the
 * repository's own fields, or `repositories` of the catalog; null otherwise.
 */
function planOperation(query: string): Plan | null {
  let operation: OperationDefinitionNode | undefined;
  try {
    const document = parse(query);
    if (document.definitions.length !== 1 || document.definitions[0].kind !== Kind.OPERATION_DEFINITION) return null;
    operation = document.definitions[0];
  } catch {
    return null;
  }
  if (operation.operation !== 'query' || operation.selectionSet.selections.length !== 1) return null;
  const root = operation.selectionSet.selections[0];
  if (root.kind !== Kind.FIELD || root.alias || root.directives?.length) return null;
  // The catalog's list, asking only what the catalog holds (the in-process catalog does not validate what it runs).
  if (root.name.value === 'repositories') return root.selectionSet && !selectsRepositoryData(root.selectionSet) ? { kind: 'catalog' } : null;
  if (root.name.value !== 'repository' || !root.selectionSet) return null;
  const idArgument = root.arguments?.length === 1 && root.arguments[0].name.value === 'id' ? root.arguments[0].value : undefined;
  if (idArgument?.kind !== Kind.VARIABLE) return null;
  const fields = root.selectionSet.selections;
  if (!fields.every((field): field is FieldNode => field.kind === Kind.FIELD && REPOSITORY_DATA_FIELDS.has(field.name.value))) return null;
  const idVariable = idArgument.name.value;
  const selection = print(root.selectionSet);
  // The id's variable goes into the representation; a selection that uses it as well is left to the gateway.
  if (new RegExp(`\\$${idVariable}\\b`).test(selection)) return null;
  const definitions = (operation.variableDefinitions ?? []).filter((definition) => definition.variable.name.value !== idVariable).map(print);
  const name = operation.name ? ` ${operation.name.value}` : '';
  return {
    kind: 'repository',
    idVariable,
    entityQuery: (typeName) => `query${name}(${['$representations: [_Any!]!', ...definitions].join(', ')}) `
      + `{ _entities(representations: $representations) { ... on ${typeName} ${selection} } }`,
  };
}

/** Whether a selection under `repositories` asks for a repository's own data (served by its subgraph, not the catalog). */
function selectsRepositoryData(selectionSet: NonNullable<FieldNode['selectionSet']>): boolean {
  return selectionSet.selections.some((selection) => selection.kind !== Kind.FIELD
    || (REPOSITORY_DATA_FIELDS.has(selection.name.value) && !['id', '__typename'].includes(selection.name.value)));
}
