/**
 * A repository subgraph running elsewhere (at the provider's site), over an undici Pool (keep-alive) with the
 * repository's timeout. Fixes the second @apollo/gateway 2.14.4 defect: when a data source throws (timeout,
 * refused connection), the gateway reports an error with no path and no repository. Here a transport failure
 * becomes a GraphQL answer with one error per requested field, each with its path, a stable code and the
 * repository id, and null data for those fields, so the other repositories' data stays intact.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind, parse, type DocumentNode, type SelectionSetNode } from 'graphql';
import { Pool, errors as undiciErrors } from 'undici';
import { ErrorCode } from '../../subgraphs/sdk/errors';
import { fixEntityErrorPaths } from './entity-error-paths';

export interface RemoteSubgraphOptions {
  /** Subgraph name in the supergraph: the repository id. */
  name: string;
  url: string;
  timeoutMs: number;
}

type GraphQLErrorJson = NonNullable<GatewayGraphQLResponse['errors']>[number];

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
    let response: GatewayGraphQLResponse;
    try {
      response = await this.send(request.query ?? '', request.variables, request.operationName);
    } catch (error) {
      const document = ('document' in options && options.document) || parse(request.query ?? '');
      response = this.failure(error, document, request.variables?.representations);
    }
    if (!('incomingRequestContext' in options)) return response;
    return fixEntityErrorPaths(response, request.variables?.representations, options.incomingRequestContext, options.pathInIncomingRequest);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async send(query: string, variables: Record<string, unknown> | undefined, operationName: string | undefined): Promise<GatewayGraphQLResponse> {
    const answer = await this.pool.request({
      method: 'POST',
      path: this.path,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query, variables, operationName }),
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

  private failure(error: unknown, document: DocumentNode, representations: unknown): GatewayGraphQLResponse {
    const { code, message } = this.describe(error);
    const extensions = { code, repositoryId: this.options.name };
    const fields = topLevelFields(document);
    if (fields.entities && Array.isArray(representations)) {
      const errors: GraphQLErrorJson[] = representations.flatMap((_, index) =>
        fields.names.map((field) => ({ message, path: ['_entities', index, field], extensions })));
      return { data: { _entities: representations.map(() => null) }, errors };
    }
    return { data: null, errors: fields.names.map((field) => ({ message, path: [field], extensions })) };
  }

  private describe(error: unknown): { code: string; message: string } {
    const where = `repository "${this.options.name}": subgraph at ${this.options.url}`;
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError) {
      return { code: ErrorCode.TIMEOUT, message: `${where} did not answer within ${this.options.timeoutMs} ms` };
    }
    if (error instanceof SubgraphAnswerError) {
      return { code: ErrorCode.BAD_RESPONSE, message: `${where} ${error.message} (HTTP ${error.status})` };
    }
    const cause = (error as { code?: string }).code ?? (error as { cause?: { code?: string } }).cause?.code;
    return { code: ErrorCode.UNAVAILABLE, message: `${where} could not be reached${cause ? ` (${cause})` : ''}` };
  }
}

class SubgraphAnswerError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The fields a fetch asks for: under `_entities(...) { ... on T { f } }` for entity fetches, else the root fields. */
function topLevelFields(document: DocumentNode): { entities: boolean; names: string[] } {
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return { entities: false, names: [] };
  const roots = fieldNames(operation.selectionSet);
  const entitiesField = operation.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (entitiesField && entitiesField.kind === Kind.FIELD && entitiesField.selectionSet) {
    return { entities: true, names: fieldNames(entitiesField.selectionSet) };
  }
  return { entities: false, names: roots };
}

function fieldNames(selectionSet: SelectionSetNode): string[] {
  const names = new Set<string>();
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== '__typename') names.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      for (const name of fieldNames(selection.selectionSet)) names.add(name);
    }
  }
  return [...names];
}
