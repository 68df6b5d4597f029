/**
 * Precomputed subgraph answers, so that upstream capacity caps no gateway in the fan-out scenario: an HTTP server in
 * front of a subgraph that asks it once per distinct request body and from then on answers that body with the same
 * status, media type, cache headers and bytes. Every gateway under test still sends every request it would send
 * (the counts per answer are measured here), and the subgraph's own CPU leaves the comparison: at 50 clients the
 * live subgraphs of 11 repositories in one process answered about 45 calls/s, which capped every gateway that does
 * not de-duplicate. `--upstream live` measures with the live subgraphs instead.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';

interface Recorded { status: number; headers: Record<string, string>; body: Buffer }

/** Headers of a subgraph answer that gateways read (Hive's response cache reads cache-control). */
const KEPT_HEADERS = ['content-type', 'cache-control'];
/** Headers of a gateway's request that the subgraph reads. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'authorization', 'x-eucaim-grant', 'apollo-require-preflight'];

export interface ReplayServer { url: string; port: number; close(): Promise<void> }

export async function startReplayServer(subgraphUrl: string): Promise<ReplayServer> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const recorded = new Map<string, Promise<Recorded>>();
  const ask = async (method: string, headers: Record<string, string>, body: Buffer): Promise<Recorded> => {
    const answer = await request(subgraphUrl, { method: method as 'POST', headers, body: method === 'GET' ? undefined : body, dispatcher: agent });
    const bytes = Buffer.from(await answer.body.arrayBuffer());
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = answer.headers[name];
      if (typeof value === 'string') kept[name] = value;
    }
    return { status: answer.statusCode, headers: kept, body: bytes };
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const key = `${req.method} ${req.url} ${body.toString('utf8')}`;
      let answer = recorded.get(key);
      if (!answer) {
        const headers: Record<string, string> = {};
        for (const name of FORWARDED_HEADERS) {
          const value = req.headers[name];
          if (typeof value === 'string') headers[name] = value;
        }
        answer = ask(req.method ?? 'POST', headers, body);
        // Only answers the subgraph gave are kept: a failed ask is asked again next time.
        answer.then((done) => { if (done.status !== 200) recorded.delete(key); }, () => recorded.delete(key));
        recorded.set(key, answer);
      }
      answer.then((done) => {
        res.writeHead(done.status, { ...done.headers, 'content-length': String(done.body.length) });
        res.end(done.body);
      }, (error: Error) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: `replay: the subgraph did not answer: ${error.message}` }] }));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const path = new URL(subgraphUrl).pathname;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    port,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await agent.close();
    },
  };
}
