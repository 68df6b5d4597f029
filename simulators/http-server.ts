/**
 * What every native-API simulator shares: an HTTP server on loopback, request counting (tests assert how many
 * native calls an adapter makes), optional basic auth, and fault knobs to watch the federation degrade.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Faults {
  /** Added latency in milliseconds before answering. */
  latencyMs?: number;
  /** Answer every request with this HTTP status and an HTML error page. */
  httpStatus?: number;
  /** Answer 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Accept the connection and never answer. */
  hang?: boolean;
}

export interface SimulatorRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface SimulatorResponse {
  status?: number;
  headers?: Record<string, string>;
  /** A string is sent as is; anything else as JSON. Undefined sends an empty body. */
  body?: unknown;
}

export type SimulatorHandler = (request: SimulatorRequest) => SimulatorResponse | Promise<SimulatorResponse>;

export interface SimulatorOptions {
  /** Name used in logs and error pages, e.g. "QIDO-RS simulator". */
  name: string;
  port?: number;
  basicAuth?: { username: string; password: string };
  faults?: Faults;
}

export interface RunningSimulator {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Requests received since start (or since resetCounts), by path. */
  requests: { total: number; byPath: Map<string, number>; log: string[] };
  resetCounts(): void;
  /** Change fault knobs while running. */
  faults: Faults;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions, handler: SimulatorHandler): Promise<RunningSimulator> {
  const requests = { total: 0, byPath: new Map<string, number>(), log: [] as string[] };
  const faults: Faults = { ...options.faults };
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void serve(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.total++;
    requests.byPath.set(url.pathname, (requests.byPath.get(url.pathname) ?? 0) + 1);
    requests.log.push(`${req.method} ${url.pathname}${url.search}`);
    if (faults.hang) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (faults.latencyMs) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    if (options.basicAuth && !authorised(req, options.basicAuth)) {
      res.writeHead(401, { 'WWW-Authenticate': `Basic realm="${options.name}"`, 'Content-Type': 'text/plain' });
      res.end('Unauthorized');
      return;
    }
    if (faults.httpStatus) {
      res.writeHead(faults.httpStatus, { 'Content-Type': 'text/html' });
      res.end(`<html><body><h1>${faults.httpStatus}</h1><p>${options.name}: injected fault</p></body></html>`);
      return;
    }
    let response: SimulatorResponse;
    try {
      response = await handler({ method: req.method ?? 'GET', url, headers: req.headers, body });
    } catch (error) {
      response = { status: 500, headers: { 'Content-Type': 'text/plain' }, body: `${options.name}: ${(error as Error).message}` };
    }
    const status = response.status ?? 200;
    let payload = response.body === undefined ? '' : typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
    const headers = { ...response.headers };
    if (typeof response.body !== 'string' && response.body !== undefined && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
    if (faults.malformed && payload.length > 0) payload = payload.slice(0, Math.max(1, Math.floor(payload.length / 2)));
    res.writeHead(status, headers);
    res.end(payload);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    resetCounts() {
      requests.total = 0;
      requests.byPath.clear();
      requests.log.length = 0;
    },
    faults,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function authorised(req: IncomingMessage, auth: { username: string; password: string }): boolean {
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}
