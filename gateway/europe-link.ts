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
import { repositoryTypeName } from '../subgraphs/sdk/type-name';
import type { ExecuteThroughGateway, InnerAnswer, InnerError, InnerOperation } from '../subgraphs/europe/gateway-link';

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
  const plans = new Map<string, Plan | null>();
  const entityQueries = new Map<string, string>();
  const planOf = (query: string): Plan | null => {
    let plan = plans.get(query);
    if (plan === undefined) {
      if (plans.size >= MAX_PLANS) plans.clear();
      plans.set(query, (plan = planOperation(query)));
    }
    return plan;
  };
  const mask = (errors: readonly InnerError[] | undefined): InnerError[] | undefined =>
    errors?.map((error) => options.formatError(error as GraphQLFormattedError, error) as InnerError);

  /** A data source that threw (a middleware's bug): masked as the gateway masks it, placed on the question's root. */
  const thrown = (error: unknown, root: string, repositoryId?: string): InnerAnswer => ({
    data: root === 'repository' ? { repository: null } : null,
    errors: mask([{
      message: (error as Error)?.message ?? String(error), path: [root],
      extensions: { code: 'INTERNAL_SERVER_ERROR', ...(repositoryId ? { repositoryId } : {}) },
    }]),
  });

  return async (operation: InnerOperation, context: RequestContext): Promise<InnerAnswer> => {
    const plan = planOf(operation.query);
    if (!plan) return options.fallback(operation, context);
    if (plan.kind === 'catalog') {
      const catalog = options.dataSources().get(CATALOG_SUBGRAPH_NAME)!;
      let response: GatewayGraphQLResponse;
      try {
        response = await send(catalog, { query: operation.query, operationName: operation.operationName, variables: operation.variables }, context);
      } catch (error) {
        return thrown(error, 'repositories');
      }
      return { data: response.data as InnerAnswer['data'], errors: mask(response.errors as InnerError[] | undefined) };
    }
    const { [plan.idVariable]: id, ...variables } = operation.variables ?? {};
    const dataSource = typeof id === 'string' ? options.dataSources().get(id) : undefined;
    // Not (or no longer, after a reload) a repository of the federation: the catalog would answer null.
    if (typeof id !== 'string' || !dataSource || id === CATALOG_SUBGRAPH_NAME) return { data: { repository: null } };
    const typeName = repositoryTypeName(id);
    const key = `${typeName}\n${operation.query}`;
    let query = entityQueries.get(key);
    if (query === undefined) {
      if (entityQueries.size >= MAX_PLANS) entityQueries.clear();
      entityQueries.set(key, (query = plan.entityQuery(typeName)));
    }
    let response: GatewayGraphQLResponse;
    try {
      response = await send(dataSource, {
        query, operationName: operation.operationName, variables: { ...variables, representations: [{ __typename: typeName, id }] },
      }, context);
    } catch (error) {
      return thrown(error, 'repository', id);
    }
    const entities = (response.data as { _entities?: unknown[] } | null | undefined)?._entities;
    const errors = response.errors?.map((error): InnerError => ({
      ...(error as InnerError),
      // ['_entities', 0, 'cohort', …] as the gateway places it: ['repository', 'cohort', …].
      path: error.path ? ['repository', ...error.path.slice(error.path[0] === '_entities' ? 2 : 0)] : undefined,
    }));
    return { data: { repository: (entities?.[0] ?? null) as Record<string, unknown> | null }, errors: mask(errors) };
  };
}

/** One fetch to a data source, as the gateway's executor sends one (the caller's context, its cancellation with it). */
function send(dataSource: GraphQLDataSource, request: { query: string; operationName?: string; variables?: Record<string, unknown> }, context: RequestContext): Promise<GatewayGraphQLResponse> {
  // Middlewares read the request and context; the incoming request is the europe subgraph's question itself.
  const incomingRequestContext = { request, context } as unknown as GatewayGraphQLRequestContext<RequestContext>;
  // The enum's value ('incoming operation'): @apollo/gateway exports its type, not the enum.
  return dataSource.process({ kind: 'incoming operation', request, context, incomingRequestContext } as unknown as GraphQLDataSourceProcessOptions);
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
