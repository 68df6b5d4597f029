/**
 * Runs one repository's subgraph as a standalone HTTP server, as a provider does at its own site: the gateway
 * reaches it through the config entry's `subgraph` URL.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { AdapterKind } from './adapter';
import { createApolloHandler } from './apollo-http';
import type { RequestContext } from './context';
import type { RepositoryEntry } from './entry';
import { buildRepositorySubgraph } from './subgraph';

export interface RunningSubgraph {
  /** The URL to put in the config entry's `subgraph`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveRepositorySubgraph(options: {
  entry: RepositoryEntry; kind: AdapterKind; port: number; host?: string; credentials?: string;
}): Promise<RunningSubgraph> {
  const adapter = options.kind.create(options.entry, { credentials: options.credentials });
  const subgraph = buildRepositorySubgraph(options.entry, options.kind, adapter);
  const served = await serveSubgraphSchema(subgraph.schema, options);
  return { ...served, close: async () => { await served.close(); await adapter.close?.(); } };
}

/** Serves any subgraph schema over HTTP at /graphql (the benchmark serves the catalog this way too). */
export async function serveSubgraphSchema(schema: GraphQLSchema, options: { port: number; host?: string }): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // The gateway introspects nothing (it composes from the config), but owners debug with introspection.
    introspection: true,
    // No federated traces: the gateway reports no usage to Apollo's cloud, so ftv1 would only cost time.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  // The caller's access level travels from the gateway in a header once authentication lands; anonymous until then.
  const handler = createApolloHandler(apollo, async (): Promise<RequestContext> => ({ accessLevel: 'anonymous' }));
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'internal subgraph error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}/graphql`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
