/**
 * How the europe subgraph reaches the repositories: through the gateway. It never holds an adapter or a data
 * source; it asks ordinary GraphQL operations about one repository (`repository(id: $id) { cohort(…) { … } }`) or of
 * the catalog, with the caller's context, and the gateway answers them. The gateway's executor
 * (gateway/europe-link.ts) sends each straight to that repository's data source as the entity fetch the query
 * planner would send, so every per-repository request passes the middlewares a client's request passes (timeouts,
 * retries, circuit breaker, caching, fair share, access and audit) without a plan of its own; anything else goes
 * through the gateway's Apollo Server.
 *
 * The executor is put on each request's context by the gateway process (gateway/server.ts), under a symbol, like
 * the answer cache: it outlives config reloads (which rebuild the subgraphs), and a symbol-keyed enumerable
 * property survives the shallow copies Apollo Server makes of the context. Inner operations run with a copy of
 * the caller's context, so the caller's access level, cache and limits apply to them.
 */
import type { ApolloServer, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../sdk/context';

export interface InnerOperation {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

export interface InnerError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: Record<string, unknown>;
}

export interface InnerAnswer {
  data?: Record<string, unknown> | null;
  errors?: readonly InnerError[];
  /** The gateway's answer cache gave it: how long it took says nothing of the repository. */
  fromCache?: boolean;
}

/**
 * The extension the gateway's answer cache marks the subgraph answers it gives with (never sent to clients: the
 * gateway keeps subgraph extensions to itself), so that a Europe-wide question knows them from the repository's own.
 */
export const FROM_CACHE_EXTENSION = 'eucaimFromCache';

export type ExecuteThroughGateway = (operation: InnerOperation, context: RequestContext) => Promise<InnerAnswer>;

/** How the europe subgraph sends an operation through the gateway. */
export interface GatewayLink {
  execute(operation: InnerOperation, context: RequestContext): Promise<InnerAnswer>;
}

const EXECUTOR = Symbol('eucaim.gatewayExecutor');

/** Puts the gateway's executor on a request's context (gateway/server.ts does, for every request). */
export function bindGatewayExecutor(context: object, executor: ExecuteThroughGateway): void {
  (context as { [EXECUTOR]?: ExecuteThroughGateway })[EXECUTOR] = executor;
}

export function gatewayExecutorOf(context: unknown): ExecuteThroughGateway | undefined {
  return context !== null && typeof context === 'object' ? (context as { [EXECUTOR]?: ExecuteThroughGateway })[EXECUTOR] : undefined;
}

/** The link a gateway provides: the executor bound to the request's context. */
export const contextGatewayLink: GatewayLink = {
  execute(operation, context) {
    const executor = gatewayExecutorOf(context);
    if (!executor) {
      throw new GraphQLError('Europe-wide answers need the gateway: this request came without its executor', { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    }
    return executor(operation, context);
  },
};

/**
 * An executor over an Apollo Server: `executeOperation` runs the whole request pipeline (plugins included) with a
 * shallow copy of the caller's context, as Apollo does for each operation of a batched HTTP request.
 */
export function executeThroughApollo<TContext extends BaseContext>(server: ApolloServer<TContext>): ExecuteThroughGateway {
  return async (operation, context) => {
    const response = await server.executeOperation(
      { query: operation.query, operationName: operation.operationName, variables: operation.variables },
      { contextValue: context as unknown as TContext },
    );
    if (response.body.kind !== 'single') {
      return { errors: [{ message: 'the gateway answered an inner operation incrementally', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] };
    }
    const { data, errors } = response.body.singleResult;
    return { data: data as InnerAnswer['data'], errors: errors as InnerAnswer['errors'] };
  };
}
