/**
 * An answer held for identical requests after its execution (inbound sharing's reuse, up to a second in the gateway)
 * holds what those requests learn of the first one (its access-log fields), not the first request's whole context:
 * a context carries its execution's loaders, tallies and answers, and under load a thousand held answers would keep
 * a thousand of them. Driven through the gateway's HTTP handling (subgraphs/sdk/apollo-http.ts) with a real Apollo
 * Server; the garbage collector says what is still held.
 */
import { ApolloServer } from '@apollo/server';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { request } from 'undici';
import { createApolloHandler } from '../../subgraphs/sdk/apollo-http';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

interface Context { caller: string; executionState: number[] }

let server: Server;
let apollo: ApolloServer<Context>;
let url: string;
const contexts: Array<WeakRef<Context>> = [];
const shared: Array<{ follower: string; first: unknown }> = [];

beforeAll(async () => {
  apollo = new ApolloServer<Context>({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'world' } } });
  await apollo.start();
  let made = 0;
  const handle = createApolloHandler<Context>(apollo, async () => {
    const context = { caller: `request ${++made}`, executionState: new Array(10_000).fill(made) };
    contexts.push(new WeakRef(context));
    return context;
  }, {
    sharing: {
      keyOf: () => 'every request alike',
      reusable: () => true,
      reuseForMs: () => 30_000,
      firstOf: (context) => ({ caller: context.caller }),
      onShared: (context, first) => shared.push({ follower: context.caller, first }),
    },
  });
  server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await apollo?.stop();
});

const ask = async () => {
  const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ hello }' }) });
  return response.body.json();
};

test('a held answer is given with what its first request said of itself, and that request\'s context is let go', async () => {
  expect(await ask()).toEqual({ data: { hello: 'world' } });
  // Held: the next identical request gets it without an execution, and learns who asked first.
  expect(await ask()).toEqual({ data: { hello: 'world' } });
  expect(shared).toEqual([{ follower: 'request 2', first: { caller: 'request 1' } }]);
  // The answer is still held (30 s), its first request's context no longer.
  for (let i = 0; i < 5 && contexts[0].deref(); i++) {
    await new Promise((resolve) => setImmediate(resolve));
    collectGarbage();
  }
  expect(contexts[0].deref()).toBeUndefined();
  expect(await ask()).toEqual({ data: { hello: 'world' } });
  expect(shared.map((s) => s.follower)).toEqual(['request 2', 'request 3']);
});
