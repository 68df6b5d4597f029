/**
 * A client's Europe-wide question answered by the europe subgraph without the query planner around it: an
 * operation that the europe subgraph alone can answer (its every field is the europe subgraph's, as validation
 * against that subgraph's schema shows) is run there as the client wrote it, through the europe subgraph's data
 * source and middlewares, instead of being planned, turned into the planner's own operation, sent as a fetch and
 * shaped again into the client's answer. The planner would plan one fetch to the europe subgraph for it anyway;
 * the steps around that fetch (the operation converted into the planner's, the variables coerced, the fetch, the
 * answer shaped again) cost a cold Europe-wide question about 1.2 ms (scale bench: overhead above the slowest
 * repository 5.3-5.7 -> 4.1-4.4 ms, interleaved runs), much of it after the slowest repository answered.
 *
 * The answer is the one the planner's way gives: the same schema types and nullability (the europe subgraph's
 * fields are the supergraph's), and errors as the gateway passes a subgraph's errors on (the subgraph's message,
 * path and extensions, `serviceName` added, DOWNSTREAM_SERVICE_ERROR when it had no code, no locations). Anything
 * else (a field of another subgraph, such as a repository's name from the catalog; introspection; a mutation) goes
 * through the planner as before.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { BREAK, getVariableValues, GraphQLError, Kind, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { inSpan } from '../subgraphs/sdk/tracing';
import { withExecutor, type GatewayExecutor, type GatewayInterface } from './executor-wrapper';

type ExecutorRequest = Parameters<GatewayExecutor>[0];
type ExecutorResult = Awaited<ReturnType<GatewayExecutor>>;

/** The europe subgraph of the federation served now (a reload brings another). */
export interface EuropeTarget {
  name: string;
  schema: GraphQLSchema;
  dataSource: GraphQLDataSource;
}

/** Per europe schema, per parsed document (Apollo Server keeps one per operation text): whether europe alone answers it. */
const answerable = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, boolean>>();

/** Whether the europe subgraph alone answers every operation of the document. */
export function europeAnswers(schema: GraphQLSchema, document: DocumentNode): boolean {
  let bySchema = answerable.get(schema);
  if (!bySchema) answerable.set(schema, (bySchema = new WeakMap()));
  let verdict = bySchema.get(document);
  if (verdict === undefined) {
    verdict = onlyQueries(document) && !asksIntrospection(document) && validate(schema, document).length === 0;
    bySchema.set(document, verdict);
  }
  return verdict;
}

function onlyQueries(document: DocumentNode): boolean {
  return document.definitions.every((definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition.operation === 'query');
}

/** `__schema` or `__type` anywhere: answered from the supergraph's API schema, never a subgraph's. */
function asksIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function direct(executor: GatewayExecutor, europe: () => EuropeTarget | undefined): GatewayExecutor {
  return async (requestContext) => {
    const target = europe();
    if (!target || !europeAnswers(target.schema, requestContext.document)) return executor(requestContext);
    return answerOnEurope(target, requestContext);
  };
}

async function answerOnEurope(target: EuropeTarget, requestContext: ExecutorRequest): Promise<ExecutorResult> {
  const { request } = requestContext;
  // The variables checked against the supergraph's schema first, as the gateway's executor does: a wrong one is the
  // client's error, answered as the planner's way answers it (not as the europe subgraph's).
  const definitions = requestContext.operation.variableDefinitions;
  if (definitions?.length) {
    const { errors } = getVariableValues(requestContext.schema, definitions, request.variables ?? {});
    if (errors) return { errors };
  }
  // In the trace, between the server's span and the repositories' (where the planner's fetch span would be). The
  // request kind is the enum's value ('incoming operation'): @apollo/gateway exports the enum's type, not the enum.
  const response = await inSpan(`subgraph ${target.name}`, { 'eucaim.subgraph': target.name }, () => target.dataSource.process({
    kind: 'incoming operation',
    request: { query: requestContext.source, operationName: requestContext.operationName ?? undefined, variables: request.variables, http: request.http },
    incomingRequestContext: requestContext,
    context: requestContext.context,
    document: requestContext.document,
  } as unknown as GraphQLDataSourceProcessOptions));
  const errors = response.errors?.map((error) => new GraphQLError(error.message || `Error while fetching subquery from service "${target.name}"`, {
    path: error.path,
    extensions: { ...error.extensions, code: error.extensions?.code ?? 'DOWNSTREAM_SERVICE_ERROR', serviceName: target.name },
  }));
  return { data: response.data ?? null, ...(errors?.length ? { errors } : {}) };
}

/** The gateway, answering what the europe subgraph alone can answer without planning it. */
export function withEuropeAnsweredDirectly(gateway: GatewayInterface, europe: () => EuropeTarget | undefined): GatewayInterface {
  return withExecutor(gateway, (executor) => direct(executor, europe));
}
