/**
 * A repository subgraph running elsewhere (at the provider's site), over an undici Pool (keep-alive) with the
 * repository's timeout. Fixes the second @apollo/gateway 2.14.4 defect: when a data source throws (timeout,
 * refused connection), the gateway reports an error with no path and no repository. Here a transport failure
 * becomes a GraphQL answer with one error per requested field, each with its path, a stable code and the
 * repository id, and null data for those fields, so the other repositories' data stays intact.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Pool, errors as undiciErrors } from 'undici';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import { context, propagation } from '@opentelemetry/api';
import { currentSignal } from '../../../subgraphs/sdk/cancellation';
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { GATEWAY_GRANT_HEADER } from '../../../subgraphs/sdk/serve';
import { forwardedGrant } from '../auth/forward-grant';
import { failureResponse } from './failure-response';

export interface RemoteSubgraphOptions {
  /** Subgraph name in the supergraph: the repository id. */
  name: string;
  url: string;
  timeoutMs: number;
}

export class RemoteSubgraphDataSource implements GraphQLDataSource {
  private readonly pool: Pool;
  private readonly path: string;

  constructor(private readonly options: RemoteSubgraphOptions) {
    const url = new URL(options.url);
    this.pool = new Pool(url.origin, { connections: 32 });
    this.path = `${url.pathname}${url.search}`;
  }

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    // The call's cancellation (subgraphs/sdk/cancellation.ts): nobody waits for it any more, so its request is aborted.
    const signal = currentSignal();
    try {
      // The caller's grant for this repository, signed by the gateway: the subgraph checks it again (README "Who may see what").
      const grant = await forwardedGrant(options.context as RequestContext | undefined, this.options.name);
      return await this.send(request.query ?? '', request.variables, request.operationName, grant, signal);
    } catch (error) {
      const described = signal?.aborted
        ? { code: ErrorCode.CANCELLED, message: `repository "${this.options.name}": call to the subgraph at ${this.options.url} cancelled: nobody waits for it any more` }
        : this.describe(error);
      return failureResponse(options, { ...described, repositoryId: this.options.name });
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined, grant: string | undefined, signal: AbortSignal | undefined): Promise<GatewayGraphQLResponse> {
    const answer = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: {
        'content-type': 'application/json', accept: 'application/graphql-response+json, application/json',
        ...(grant ? { [GATEWAY_GRANT_HEADER]: grant } : {}),
        // The trace goes on at the repository's subgraph (W3C traceparent), when tracing is on.
        ...traceHeaders(),
      },
      body: JSON.stringify({ query, variables, operationName }),
      signal,
      headersTimeout: this.options.timeoutMs,
      bodyTimeout: this.options.timeoutMs,
    });
    const text = await answer.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SubgraphAnswerError(answer.statusCode, 'answered something that is not JSON');
    }
    if (body === null || typeof body !== 'object' || (!('data' in body) && !('errors' in body))) {
      throw new SubgraphAnswerError(answer.statusCode, 'answered JSON that is not a GraphQL response');
    }
    return body as GatewayGraphQLResponse;
  }

  private describe(error: unknown): { code: string; message: string; extensions?: Record<string, unknown> } {
    const where = `repository "${this.options.name}": subgraph at ${this.options.url}`;
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
      return { code: ErrorCode.TIMEOUT, message: `${where} did not answer within ${this.options.timeoutMs} ms` };
    }
    if (error instanceof SubgraphAnswerError) {
      // The status travels along: a 5xx error page from a subgraph's proxy is transient and worth a retry.
      return { code: ErrorCode.BAD_RESPONSE, message: `${where} ${error.message} (HTTP ${error.status})`, extensions: { httpStatus: error.status } };
    }
    const cause = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return { code: ErrorCode.UNAVAILABLE, message: `${where} could not be reached${cause ? ` (${cause})` : ''}` };
  }
}

function traceHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

class SubgraphAnswerError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

