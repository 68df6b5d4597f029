/**
 * Runs a co-located subgraph inside the gateway process: no HTTP hop, no serialisation. Unlike Apollo's
 * LocalGraphQLDataSource it executes the planner's already-parsed and validated fetch document instead of
 * re-parsing the query text on every fetch.
 */
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import { recordRootAnswer } from './entity-error-paths';

export class InProcessDataSource implements GraphQLDataSource {
  private readonly parsed = new Map<string, DocumentNode>();

  /** `isCatalog`: record root answers so repository errors can be placed on the right list index. */
  constructor(private readonly schema: GraphQLSchema, private readonly isCatalog: boolean) {}

  async process(options: GraphQLDataSourceProcessOptions): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    const document = ('document' in options && options.document) || this.parse(request.query ?? '');
    const result = await execute({
      schema: this.schema,
      document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: options.context,
    });
    const response: GatewayGraphQLResponse = {
      data: result.data as GatewayGraphQLResponse['data'],
      errors: result.errors?.map((error) => error.toJSON()) as GatewayGraphQLResponse['errors'],
    };
    if (this.isCatalog && 'incomingRequestContext' in options) {
      recordRootAnswer(options.incomingRequestContext, response.data as Record<string, unknown> | undefined);
    }
    return response;
  }

  private parse(query: string): DocumentNode {
    let document = this.parsed.get(query);
    if (!document) this.parsed.set(query, (document = parse(query)));
    return document;
  }
}
