/**
 * A request answered by the gateway's deadline backstop (work the deadline could not cut, such as a resolver stuck
 * in process) has its work cancelled: nobody waits for it any more, so it must not go on using the repositories.
 * Driven through the gateway's HTTP handling (subgraphs/sdk/apollo-http.ts) with a real Apollo Server.
 */
import { ApolloServer } from '@apollo/server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createApolloHandler, writeErrorAnswer } from '../../subgraphs/sdk/apollo-http';
import { currentSignal } from '../../subgraphs/sdk/cancellation';

let server: Server;
let apollo: ApolloServer;
let url: string;
let cancelled: unknown;

beforeAll(async () => {
  apollo = new ApolloServer({
    typeDefs: 'type Query { stuck: String }',
    resolvers: {
      Query: {
        // Work that only its cancellation ends (or 10 s).
        stuck: () => new Promise<string>((resolve) => {
          const signal = currentSignal();
          const timer = setTimeout(() => resolve('finished'), 10_000);
          signal?.addEventListener('abort', () => {
            cancelled = signal.reason;
            clearTimeout(timer);
            resolve('cancelled');
          }, { once: true });
        }),
      },
    },
  });
  await apollo.start();
  const handle = createApolloHandler(apollo, async () => ({}), {
    // As the gateway's admission does: past 200 ms the request is answered 503 whatever its work is doing.
    admit: async (_req, res) => {
      const backstop = setTimeout(() => writeErrorAnswer(res, 503, 'past the deadline', { code: 'GATEWAY_DEADLINE_EXCEEDED' }), 200);
      return () => clearTimeout(backstop);
    },
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await apollo?.stop();
});

test('the backstop\'s answer cancels the work it answered for', async () => {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ stuck }' }) });
  expect(response.statusCode).toBe(503);
  expect(await response.body.json()).toMatchObject({ errors: [{ extensions: { code: 'GATEWAY_DEADLINE_EXCEEDED' } }] });
  for (let i = 0; i < 50 && cancelled === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(String(cancelled)).toContain('answered without this work');
});
