/**
 * The catalog subgraph as a standalone HTTP server. The product always runs the catalog inside the gateway
 * (it is generated from the config); the peer gateways of the benchmark need it over HTTP like any subgraph.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCatalogSubgraph } from '../../subgraphs/catalog/catalog-subgraph';
import type { AdapterKind } from '../../subgraphs/sdk/adapter';
import { createApolloHandler } from '../../subgraphs/sdk/apollo-http';
import type { RequestContext } from '../../subgraphs/sdk/context';
import type { RepositoryEntry } from '../../subgraphs/sdk/entry';

export interface RunningCatalog {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function serveCatalogSubgraph(entries: readonly RepositoryEntry[], kinds: readonly AdapterKind[]): Promise<RunningCatalog> {
  const catalog = buildCatalogSubgraph(entries, kinds);
  const apollo = new ApolloServer<RequestContext>({
    schema: catalog.schema,
    plugins: [ApolloServerPluginLandingPageDisabled()],
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const handler = createApolloHandler(apollo, async (): Promise<RequestContext> => ({ accessLevel: 'anonymous' }));
  const server = createServer((req, res) => {
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'internal subgraph error' }] }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
