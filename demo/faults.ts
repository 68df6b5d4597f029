/**
 * The demo's fault endpoint, so whoever runs the demo can watch the federation degrade gracefully: it sets the
 * fault knobs (simulators/README.md) of the simulators this gateway process started for the demo federation.
 * Served only when the gateway is started with it (npm start does, for the demo federation), only while the
 * federation has such simulators (it answers nothing for real repositories), and only to this machine:
 *
 *   GET  /demo/faults          every simulated repository's knobs and status
 *   GET  /demo/faults/<id>     one repository's
 *   POST /demo/faults/<id>     body: the repository's complete set of knobs, e.g. {"errorRate": 0.5}; {} heals it
 *
 * A change needs the secret printed when the gateway started (header x-demo-secret) and a JSON content type: a web
 * page in a browser can send neither to another origin without a CORS preflight, which this endpoint never grants,
 * so no page the operator visits can change the faults (cross-site request forgery). Requests from other machines
 * are refused whatever they carry.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FederationConfig } from '../config/federation-config';
import { FAULT_KNOBS, replaceFaults, validateFaults, type Faults } from '../simulators/http-server';
import type { RepositoryEntry } from '../subgraphs/sdk/entry';
import { getRepositoryStatus } from '../gateway/plugins/resilience/repository-status';

export const DEMO_FAULTS_PATH = '/demo/faults';
export const DEMO_SECRET_HEADER = 'x-demo-secret';
const MAX_BODY_BYTES = 16 * 1024;

/** What the endpoint needs of a simulator: in this process, or in the demo's simulator thread (demo/simulator-thread.ts). */
export interface FaultTarget {
  /** Its knobs now and the native requests it has served. */
  read(): Promise<{ faults: Faults; nativeRequests: number }>;
  /** Replaces its knobs (already validated). */
  replace(knobs: Record<string, unknown>): Promise<void>;
}

/** A simulator of this process as a fault target. */
export function localFaultTarget(simulator: { faults: Faults; requests: { total: number } }): FaultTarget {
  return {
    read: async () => ({ faults: { ...simulator.faults }, nativeRequests: simulator.requests.total }),
    replace: async (knobs) => replaceFaults(simulator.faults, knobs),
  };
}

export function createDemoFaultsHandler(
  config: () => FederationConfig,
  simulatorFor: (entry: RepositoryEntry) => FaultTarget | undefined,
  secret: string,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  if (secret.length < 16) throw new Error('the demo fault endpoint needs a secret of at least 16 characters');
  const simulated = (): Array<[RepositoryEntry, FaultTarget]> => config().repositories
    .flatMap((entry) => {
      const target = simulatorFor(entry);
      return target ? [[entry, target] as [RepositoryEntry, FaultTarget]] : [];
    });
  const describe = async (entry: RepositoryEntry, target: FaultTarget) => {
    const { faults, nativeRequests } = await target.read();
    return { id: entry.id, apiKind: entry.apiKind, faults, nativeRequests, status: getRepositoryStatus(entry.id) ?? null };
  };
  // Answers what `work` gives, or 500 when the simulator could not be reached (its thread ended).
  const answer = (res: ServerResponse, work: Promise<unknown>): true => {
    work.then((body) => send(res, 200, body), (error: Error) => send(res, 500, { error: `the demo simulator did not answer: ${error.message}` }));
    return true;
  };

  return (req, res) => {
    const path = (req.url ?? '').split('?')[0].replace(/\/+$/, '');
    if (path !== DEMO_FAULTS_PATH && !path.startsWith(`${DEMO_FAULTS_PATH}/`)) return false;
    const repositories = simulated();
    if (repositories.length === 0) return false;
    if (!fromLoopback(req)) return send(res, 403, { error: `${DEMO_FAULTS_PATH} answers requests from this machine only` });
    const id = path === DEMO_FAULTS_PATH ? undefined : decodeURIComponent(path.slice(DEMO_FAULTS_PATH.length + 1));
    if (id === undefined) {
      if (req.method !== 'GET') return send(res, 405, { error: `${DEMO_FAULTS_PATH} answers GET; POST to ${DEMO_FAULTS_PATH}/<repositoryId>` }, { allow: 'GET' });
      return answer(res, Promise.all(repositories.map(([entry, target]) => describe(entry, target))).then((described) => ({ knobs: FAULT_KNOBS, repositories: described })));
    }
    const found = repositories.find(([entry]) => entry.id === id);
    if (!found) {
      return send(res, 404, { error: `no simulated repository "${id}"; simulated: ${repositories.map(([entry]) => entry.id).join(', ')}` });
    }
    const [entry, target] = found;
    if (req.method === 'GET') return answer(res, describe(entry, target));
    if (req.method !== 'POST') return send(res, 405, { error: 'use GET or POST' }, { allow: 'GET, POST' });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return send(res, 415, { error: 'send the fault knobs as JSON (content-type: application/json)' });
    }
    if (!sameSecret(req.headers[DEMO_SECRET_HEADER], secret)) {
      return send(res, 403, { error: `changing faults needs the ${DEMO_SECRET_HEADER} header with the secret the gateway printed when it started` });
    }
    readBody(req).then((text) => {
      let knobs: unknown;
      try {
        knobs = text.trim() === '' ? {} : JSON.parse(text);
      } catch {
        send(res, 400, { error: 'the body must be a JSON object of fault knobs, e.g. {"errorRate": 0.5}', knobs: FAULT_KNOBS });
        return;
      }
      const problems = validateFaults(knobs);
      if (problems.length > 0) {
        send(res, 400, { error: 'invalid fault knobs', problems, knobs: FAULT_KNOBS });
        return;
      }
      answer(res, target.replace(knobs as Record<string, unknown>).then(() => describe(entry, target)));
    }, (error: Error) => send(res, 413, { error: error.message }));
    return true;
  };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 addresses. */
function fromLoopback(req: IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  return address === '::1' || /^(::ffff:)?127\./.test(address);
}

function sameSecret(given: string | string[] | undefined, secret: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => (size > MAX_BODY_BYTES
      ? reject(new Error(`the body is larger than ${MAX_BODY_BYTES} bytes`))
      : resolve(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body, null, 2));
  return true;
}
