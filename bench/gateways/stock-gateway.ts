/**
 * Child process: stock @apollo/gateway in a plain Apollo Server (startStandaloneServer), over the supergraph file the
 * runner wrote to BENCH_SUPERGRAPH_FILE. Its default RemoteGraphQLDataSource fetches with make-fetch-happen; with
 * BENCH_STOCK_FETCHER=undici each data source gets an undici fetch over one keep-alive Agent, as a user tuning the
 * stock gateway would configure it (`fetcher` is RemoteGraphQLDataSource's documented option).
 */
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import { exitOnTerm, serveCommands } from '../ipc';

let server: ApolloServer | undefined;
const agent = new Agent({ keepAliveTimeout: 4_000, connections: 64 });
exitOnTerm(async () => {
  await server?.stop();
  await agent.close();
});

type Fetcher = NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher'];

/** undici's fetch over the shared keep-alive Agent, in the Fetcher shape @apollo/gateway expects. */
const keepAliveFetcher = ((url: string, init?: Record<string, unknown>) => undiciFetch(url, { ...init, dispatcher: agent })) as unknown as Fetcher;

serveCommands({}, async () => {
  const started = performance.now();
  const file = process.env.BENCH_SUPERGRAPH_FILE;
  if (!file) throw new Error('BENCH_SUPERGRAPH_FILE is not set');
  const undici = process.env.BENCH_STOCK_FETCHER === 'undici';
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(file, 'utf8'),
    ...(undici ? { buildService: ({ url }: { url?: string }) => new RemoteGraphQLDataSource({ url, fetcher: keepAliveFetcher }) } : {}),
  });
  server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: `${url.replace(/\/$/, '')}/`, startMs: performance.now() - started, rss: process.memoryUsage().rss };
});
