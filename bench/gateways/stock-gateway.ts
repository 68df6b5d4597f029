/**
 * Child process: stock @apollo/gateway (default RemoteGraphQLDataSource for every subgraph) in a plain Apollo
 * Server (startStandaloneServer), over the supergraph file the runner wrote to BENCH_SUPERGRAPH_FILE.
 */
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readFileSync } from 'node:fs';
import { exitOnTerm, serveCommands } from '../ipc';

let server: ApolloServer | undefined;
exitOnTerm(async () => {
  await server?.stop();
});

serveCommands({}, async () => {
  const started = performance.now();
  const file = process.env.BENCH_SUPERGRAPH_FILE;
  if (!file) throw new Error('BENCH_SUPERGRAPH_FILE is not set');
  const gateway = new ApolloGateway({ supergraphSdl: readFileSync(file, 'utf8') });
  server = new ApolloServer({ gateway, stopOnTerminationSignals: false });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' } });
  return { url: `${url.replace(/\/$/, '')}/`, startMs: performance.now() - started, rss: process.memoryUsage().rss };
});
