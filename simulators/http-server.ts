/**
 * What every native-API simulator shares: an HTTP server on loopback, request counting (tests assert how many
 * native calls an adapter makes), optional basic auth, and fault knobs to watch the federation degrade
 * (simulators/README.md describes them).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Fault knobs, changeable while the simulator runs (set or delete a property). Every count-based knob is
 * deterministic: it counts the requests that arrive while it is set, from the moment its value last changed.
 */
export interface Faults {
  /** Added latency in milliseconds before answering. */
  latencyMs?: number;
  /** Answer every request with this HTTP status and an HTML error page. */
  httpStatus?: number;
  /** Answer 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Accept the connection and never answer. */
  hang?: boolean;
  /**
   * Answer this fraction (0-1) of requests with `errorStatus` (503 by default) and an HTML error page, spread
   * evenly and deterministically: request n (counted from when the knob was set) fails when
   * floor(n * errorRate) > floor((n - 1) * errorRate). 0.5 fails every second request, 0.25 every fourth, 1 all.
   */
  errorRate?: number;
  /** The status of `errorRate` failures (default 503). */
  errorStatus?: number;
  /**
   * Down: the listener is closed (new connections are refused: ECONNREFUSED) and open connections are destroyed.
   * Setting it to false (or deleting it) listens again on the same port. Refused requests are not counted.
   */
  down?: boolean;
  /**
   * Flapping by request count: serve `flapEvery` requests, then drop the connection of the next `flapEvery`
   * without answering (the client sees a reset), and so on. Dropped requests are counted.
   */
  flapEvery?: number;
  /** Flapping by time: up for `flapMs` milliseconds, then down (refusing connections, as `down`) as long, and so on. */
  flapMs?: number;
}

/** The knobs, their types, for validating knobs from outside (the demo's fault endpoint). */
export const FAULT_KNOBS: Readonly<Record<keyof Faults, 'boolean' | 'milliseconds' | 'status' | 'fraction' | 'count'>> = {
  latencyMs: 'milliseconds',
  httpStatus: 'status',
  malformed: 'boolean',
  hang: 'boolean',
  errorRate: 'fraction',
  errorStatus: 'status',
  down: 'boolean',
  flapEvery: 'count',
  flapMs: 'milliseconds',
};

/** Checks knobs given as JSON; returns the problems ("knob: what is wrong"), none when valid. */
export function validateFaults(json: unknown): string[] {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return ['the knobs must be a JSON object'];
  const problems: string[] = [];
  for (const [knob, value] of Object.entries(json)) {
    const kind = (FAULT_KNOBS as Record<string, string | undefined>)[knob];
    if (!kind) {
      problems.push(`${knob}: unknown knob (known: ${Object.keys(FAULT_KNOBS).join(', ')})`);
      continue;
    }
    if (value === null) continue;
    const ok = kind === 'boolean' ? typeof value === 'boolean'
      : kind === 'fraction' ? typeof value === 'number' && value >= 0 && value <= 1
        : kind === 'status' ? Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599
          : kind === 'milliseconds' ? Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 600_000
            : Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 1_000_000;
    if (!ok) {
      problems.push(`${knob}: must be ${{
        boolean: 'true or false', fraction: 'a number between 0 and 1', status: 'an HTTP error status (400-599)',
        milliseconds: 'an integer number of milliseconds (0-600000)', count: 'an integer of at least 1',
      }[kind]}`);
    }
  }
  return problems;
}

/** Replaces every knob by `next` (null or absent values remove a knob): `{}` heals the simulator. */
export function replaceFaults(faults: Faults, next: Record<string, unknown>): void {
  for (const knob of Object.keys(faults) as (keyof Faults)[]) if (!(knob in next) || next[knob] === null) delete faults[knob];
  for (const [knob, value] of Object.entries(next)) if (value !== null) (faults as Record<string, unknown>)[knob] = value;
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
  /**
   * Requests received since start (or since resetCounts), by path; `hungUp`: those whose client closed the connection
   * before the answer was written (a server's "client closed request", nginx's 499).
   */
  requests: { total: number; byPath: Map<string, number>; log: string[]; hungUp: number };
  resetCounts(): void;
  /** Change fault knobs while running. */
  faults: Faults;
  close(): Promise<void>;
}

export async function startSimulator(options: SimulatorOptions, handler: SimulatorHandler): Promise<RunningSimulator> {
  const requests = { total: 0, byPath: new Map<string, number>(), log: [] as string[], hungUp: 0 };
  const hanging = new Set<ServerResponse>();
  const delaying = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void serve(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  let port = options.port ?? 0;
  let closed = false;
  // Count-based knobs count from the moment their value changes.
  const counters = { errorRate: 0, flapEvery: 0 };
  let flapDown = false;
  let flapTimer: NodeJS.Timeout | undefined;

  /** Listens or stops listening as `down` and the time-based flapping say. */
  const applyAvailability = (): void => {
    if (closed) return;
    const down = faults.down === true || flapDown;
    if (down && server.listening) {
      server.close();
      for (const socket of sockets) socket.destroy();
      for (const res of hanging) res.destroy();
    } else if (!down && !server.listening) {
      const failed = (error: Error) => console.error(`${options.name}: cannot listen again on port ${port}: ${error.message}`);
      server.once('error', failed);
      server.listen(port, '127.0.0.1', () => server.off('error', failed));
    }
  };
  const restartFlapping = (): void => {
    clearInterval(flapTimer);
    flapTimer = undefined;
    flapDown = false;
    if (faults.flapMs && faults.flapMs > 0) {
      flapTimer = setInterval(() => {
        flapDown = !flapDown;
        applyAvailability();
      }, faults.flapMs);
      flapTimer.unref();
    }
    applyAvailability();
  };
  const faults: Faults = new Proxy<Faults>({}, {
    set(target, knob, value) {
      const changed = (target as Record<string | symbol, unknown>)[knob] !== value;
      (target as Record<string | symbol, unknown>)[knob] = value;
      if (changed) react(knob);
      return true;
    },
    deleteProperty(target, knob) {
      const had = knob in target;
      delete (target as Record<string | symbol, unknown>)[knob];
      if (had) react(knob);
      return true;
    },
  });
  function react(knob: string | symbol): void {
    if (knob === 'errorRate' || knob === 'flapEvery') counters[knob] = 0;
    if (knob === 'down') applyAvailability();
    if (knob === 'flapMs') restartFlapping();
  }

  async function serve(req: IncomingMessage, res: ServerResponse, body: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.total++;
    requests.byPath.set(url.pathname, (requests.byPath.get(url.pathname) ?? 0) + 1);
    requests.log.push(`${req.method} ${url.pathname}${url.search}`);
    if (faults.flapEvery && faults.flapEvery > 0) {
      const n = counters.flapEvery++;
      if (Math.floor(n / faults.flapEvery) % 2 === 1) {
        req.socket.destroy();
        return;
      }
    }
    // Counted from here: the flapping above drops connections itself.
    res.on('close', () => {
      if (!res.writableFinished && !closed) requests.hungUp++;
    });
    if (faults.hang) {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (faults.latencyMs) {
      // Tracked so close() does not wait for (or leak) a long injected latency.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          delaying.delete(timer);
          resolve();
        }, faults.latencyMs);
        delaying.add(timer);
      });
      if (closed) return;
    }
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
    if (faults.errorRate && faults.errorRate > 0) {
      const n = ++counters.errorRate;
      if (Math.floor(n * faults.errorRate + 1e-9) > Math.floor((n - 1) * faults.errorRate + 1e-9)) {
        const status = faults.errorStatus ?? 503;
        res.writeHead(status, { 'Content-Type': 'text/html' });
        res.end(`<html><body><h1>${status}</h1><p>${options.name}: injected fault (errorRate ${faults.errorRate})</p></body></html>`);
        return;
      }
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
  port = (server.address() as AddressInfo).port;
  // Knobs given at start go through the proxy, so `down` and `flapMs` take effect.
  Object.assign(faults, options.faults);
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    resetCounts() {
      requests.total = 0;
      requests.byPath.clear();
      requests.log.length = 0;
      requests.hungUp = 0;
    },
    faults,
    async close() {
      closed = true;
      clearInterval(flapTimer);
      for (const timer of delaying) clearTimeout(timer);
      delaying.clear();
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

function authorised(req: IncomingMessage, auth: { username: string; password: string }): boolean {
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}
