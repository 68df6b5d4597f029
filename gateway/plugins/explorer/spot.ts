/**
 * A Spot-compatible endpoint (samply/spot, as `querySpot` of `@samply/lens` 0.6 speaks it): results per repository
 * as Server-Sent Events, so a Lens page fills in as repositories answer.
 *
 *   POST {base}/beam          {"id": "<task id>", "sites": ["<repository id>", ...]?, "query": "<base64>"}
 *   GET  {base}/beam/<id>     text/event-stream; one `new_result` event per repository and state:
 *                             {"task", "from": "explorer.<repository id>.gateway", "to": [], "status", "body"}
 *
 * `query` is what Lens applications send: base64 of {"lang": "ast", "payload" | "query": base64 of {"ast", "id"}}
 * (the Lens book's form and EUCAIM's explorer's). `status` is `claimed` for every repository at once, then
 * `succeeded` (body: base64 of the Lens result, repository-answer.ts) or `tempfailed` (failed, timed out, circuit
 * open, overloaded: asking later may work) / `permafailed` (cannot answer this question), body: base64 of the report.
 *
 * The POST is the request the gateway admits: it passes authentication, rate limits and fair admission as a GraphQL
 * request does, and the fan-out runs with its caller's context and within its admission slot (the POST's answer is
 * written at once; the slot is held until the fan-out ends). EventSource cannot send headers, but a browser sends
 * its cookies: the POST's answer sets a cookie holding a secret the gateway drew for the task (HttpOnly, SameSite
 * Strict, its path the task's stream), and the stream is given only to a request that carries it, once. The task
 * id alone, which the client chose, never gives anyone its results. A client without cookies (curl) sends the
 * cookie back itself (README).
 * The fan-out is cancelled (subgraphs/sdk/cancellation.ts) when the stream's client goes away before the end, or
 * when no stream is fetched within STREAM_CLAIM_MS.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { RepositoryFilter } from '../../../schema/generated/graphql';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import { ReleaseTally } from '../../../subgraphs/sdk/release-tally';
import { withSignal } from '../../../subgraphs/sdk/cancellation';
import { contextGatewayLink, type GatewayLink } from '../../../subgraphs/europe/gateway-link';
import { dispatchOrder } from '../../../subgraphs/europe/dispatch-order';
import { ask } from '../../../subgraphs/europe/status';
import { LensQueryError, translateLensAst, type TranslatedQuery } from './lens-ast';
import { answerRepository, groupsFor, type ExplorerRepository } from './repository-answer';

export const SPOT_BASE_PATH = '/explorer/spot';
/** How long a task waits for its stream before its fan-out is cancelled. */
export const STREAM_CLAIM_MS = 10_000;
/** How long a finished task's events stay to be fetched. */
const KEEP_FINISHED_MS = 30_000;
const MAX_BODY_BYTES = 256 * 1024;

export type SpotStatus = 'claimed' | 'succeeded' | 'tempfailed' | 'permafailed';

/** Lens's `SpotResult`. */
export interface SpotResult {
  task: string;
  from: string;
  to: string[];
  status: SpotStatus;
  body: string;
}

interface Task {
  /** What the stream's request must carry in its cookie (streamCookie). */
  secret: string;
  events: SpotResult[];
  done: boolean;
  streaming: boolean;
  listeners: Set<() => void>;
  controller: AbortController;
}

const REPOSITORIES = `query ExplorerRepositories($where: RepositoryFilter) {
  repositories(where: $where) { id name country institution apiKind granularity capabilities { caseListing } }
}`;

/** The site name Lens reads from `from` (`result.from.split(".")[1]`). */
export function siteOf(from: string): string {
  return from.split('.')[1];
}

const base64 = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64');

/** Decodes a Lens application's query string to its AST; a LensQueryError names what is wrong. */
export function decodeSpotQuery(query: unknown): unknown {
  const parse = (text: unknown, part: string): Record<string, unknown> => {
    if (typeof text !== 'string') throw new LensQueryError(part, 'expected a string');
    // Lens applications base64-encode; JSON as it is is taken too, for people trying the endpoint with curl.
    for (const candidate of [Buffer.from(text, 'base64').toString('utf8'), text]) {
      try {
        const value = JSON.parse(candidate) as unknown;
        if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
      } catch { /* try the next reading */ }
    }
    throw new LensQueryError(part, 'neither base64 of a JSON object nor a JSON object');
  };
  const outer = parse(query, 'query');
  if (outer.lang !== 'ast') {
    throw new LensQueryError(`query.lang (${JSON.stringify(outer.lang)})`, 'this endpoint answers Lens ASTs ("lang": "ast"); CQL and other languages are for Focus behind Beam');
  }
  const inner = parse(outer.payload ?? outer.query, 'query.payload');
  if (!('ast' in inner)) throw new LensQueryError('query.payload', 'it has no "ast"');
  return inner.ast;
}

export interface SpotEndpoint {
  /** Whether this request is a task submission: the gateway admits it as it admits GraphQL requests. */
  isSubmission(req: IncomingMessage): boolean;
  /** Answers a submission with the caller's context; settles when the task's fan-out has ended. */
  submit(req: IncomingMessage, res: ServerResponse, context: RequestContext): Promise<void>;
  /** Serves a task's stream; false when the request is not for one. */
  stream(req: IncomingMessage, res: ServerResponse): boolean;
  /** Fan-outs running now (tests watch it go to 0 after an abort). */
  readonly running: number;
}

/**
 * `auditReads`: told, once a task's fan-out has ended, of the records read for its caller and not released (the case
 * lists a union is counted from); the gateway writes them to its audit log.
 */
export function createSpotEndpoint(
  link: GatewayLink = contextGatewayLink, auditReads?: (context: RequestContext, reads: ReleaseTally) => void,
): SpotEndpoint {
  const tasks = new Map<string, Task>();
  let running = 0;

  const publish = (task: Task, event: SpotResult) => {
    task.events.push(event);
    for (const listener of task.listeners) listener();
  };

  return {
    get running() {
      return running;
    },
    isSubmission(req) {
      return req.method === 'POST' && pathOf(req) === `${SPOT_BASE_PATH}/beam`;
    },

    async submit(req, res, context) {
      let id: string;
      let query: TranslatedQuery;
      let sites: string[] | undefined;
      try {
        const body = await readJson(req);
        if (typeof body.id !== 'string' || !/^[A-Za-z0-9_-]{8,64}$/.test(body.id)) throw new LensQueryError('id', 'a task id of 8 to 64 letters, digits, "-" or "_" (Lens sends a UUID)');
        id = body.id;
        if (body.sites !== undefined && body.sites !== null && (!Array.isArray(body.sites) || body.sites.some((s) => typeof s !== 'string'))) {
          throw new LensQueryError('sites', 'a list of repository ids');
        }
        sites = (body.sites as string[] | undefined) ?? undefined;
        query = translateLensAst(decodeSpotQuery(body.query));
      } catch (error) {
        if (error instanceof LensQueryError) answerJson(res, 400, { error: error.message, part: error.part, code: 'BAD_USER_INPUT' });
        else answerJson(res, 400, { error: (error as Error).message, code: 'BAD_REQUEST' });
        return;
      }
      if (tasks.has(id)) {
        answerJson(res, 409, { error: `task ${id} exists already: draw a new id`, code: 'BAD_REQUEST' });
        return;
      }

      // Only repositories some group can apply to (a group limited to countries), and only the sites asked for.
      const countries = query.groups.some((g) => !g.countries) ? undefined : [...new Set(query.groups.flatMap((g) => g.countries!))];
      const where: RepositoryFilter = { ...(sites ? { ids: sites } : {}), ...(countries ? { countries } : {}) };
      const { answer } = await ask(link, context, { query: REPOSITORIES, operationName: 'ExplorerRepositories', variables: { where } });
      const listed = answer.data?.repositories as Array<Omit<ExplorerRepository, 'caseListing'> & { capabilities: { caseListing: boolean } }> | undefined;
      if (answer.errors?.length || !listed) {
        answerJson(res, 502, { error: answer.errors?.[0]?.message ?? 'the catalog did not list the repositories', code: 'INTERNAL_SERVER_ERROR' });
        return;
      }
      const unknown = (sites ?? []).filter((site) => !listed.some((r) => r.id === site) && !countries);
      if (unknown.length > 0) {
        answerJson(res, 400, { error: `unknown repositories in sites: ${unknown.join(', ')}`, part: 'sites', code: 'BAD_USER_INPUT' });
        return;
      }
      const repositories: ExplorerRepository[] = listed
        .map(({ capabilities, ...r }) => ({ ...r, caseListing: capabilities.caseListing }))
        .filter((r) => groupsFor(r, query).length > 0);

      const task: Task = { secret: randomBytes(16).toString('base64url'), events: [], done: false, streaming: false, listeners: new Set(), controller: new AbortController() };
      tasks.set(id, task);
      answerJson(res, 200, { id, sites: repositories.map((r) => r.id), groups: query.groups.length }, { 'set-cookie': streamCookie(id, task.secret, overTls(req)) });

      const from = (repositoryId: string) => `explorer.${repositoryId}.gateway`;
      for (const r of repositories) publish(task, { task: id, from: from(r.id), to: [], status: 'claimed', body: '' });
      // No stream fetched in time: nobody will read the answers, so none are asked.
      const unclaimed = setTimeout(() => { if (!task.streaming) task.controller.abort(new Error('no stream was fetched for this task')); }, STREAM_CLAIM_MS);
      running++;
      const reads = new ReleaseTally();
      try {
        // Slow repositories first, in the order Query.cohort's answers taught (subgraphs/europe/dispatch-order.ts).
        await withSignal(task.controller.signal, () => dispatchOrder.askAll(repositories, (r) => r.id, async (repository) => {
          const { report, result } = await answerRepository(link, context, repository, query, reads);
          if (task.controller.signal.aborted) return;
          const status: SpotStatus = result ? 'succeeded' : report.status.state === 'NOT_SUPPORTED' ? 'permafailed' : 'tempfailed';
          publish(task, { task: id, from: from(repository.id), to: [], status, body: base64(result ?? { eucaim: report }) });
        }));
      } catch (error) {
        // A task whose stream went away ends with its repositories not asked: no failure to log.
        if (!(error instanceof GraphQLError) && !task.controller.signal.aborted) console.error(`explorer: a Spot task failed: ${(error as Error).message}`);
      } finally {
        running--;
        clearTimeout(unclaimed);
        auditReads?.(context, reads);
        task.done = true;
        for (const listener of task.listeners) listener();
        setTimeout(() => tasks.delete(id), KEEP_FINISHED_MS).unref();
      }
    },

    stream(req, res) {
      const path = pathOf(req);
      const prefix = `${SPOT_BASE_PATH}/beam/`;
      if (req.method !== 'GET' || !path.startsWith(prefix)) return false;
      let id: string;
      try {
        id = decodeURIComponent(path.slice(prefix.length));
      } catch {
        return answerJson(res, 400, { error: 'the task id in the path is not valid percent-encoding' });
      }
      const task = tasks.get(id);
      if (!task) return answerJson(res, 404, { error: `no task ${id}: POST it to ${SPOT_BASE_PATH}/beam first` });
      if (!carriesSecret(req, id, task.secret)) {
        return answerJson(res, 403, {
          error: `task ${id}'s stream is given only to the client that submitted it: send back the cookie ${cookieName(id)} its POST set`, code: 'FORBIDDEN',
        });
      }
      if (task.streaming) return answerJson(res, 409, { error: `task ${id} is being streamed to another client already` });
      task.streaming = true;
      // The cookie has served: the browser forgets it now rather than when it expires.
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no', 'set-cookie': expiredCookie(id),
      });
      let sent = 0;
      const flush = () => {
        while (sent < task.events.length) res.write(`event: new_result\ndata: ${JSON.stringify(task.events[sent++])}\n\n`);
        if (task.done) {
          task.listeners.delete(flush);
          res.end();
        }
      };
      task.listeners.add(flush);
      // The client went away before the last answer: the repositories still working are asked no further.
      res.once('close', () => {
        task.listeners.delete(flush);
        if (!task.done) task.controller.abort(new Error('the client went away'));
      });
      flush();
      return true;
    },
  };
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}

/** The cookie that carries a task's secret: one per task (ids are letters, digits, "-" and "_", valid in a name). */
function cookieName(id: string): string {
  return `eucaim-spot-${id}`;
}

/**
 * Sent back by the browser only with the task's stream request, not readable by scripts, not sent cross-site, and
 * over TLS only when the POST came over TLS (directly, or per the proxy's X-Forwarded-Proto: a client that fakes
 * it only keeps its own cookie from coming back).
 */
function streamCookie(id: string, secret: string, secure: boolean): string {
  return taskCookie(id, secret, Math.ceil((STREAM_CLAIM_MS + KEEP_FINISHED_MS) / 1000) * 4, secure);
}

/** The same cookie, empty and expired: the browser forgets it. */
function expiredCookie(id: string): string {
  return taskCookie(id, '', 0, false);
}

function taskCookie(id: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${cookieName(id)}=${value}; Path=${SPOT_BASE_PATH}/beam/${id}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}

function overTls(req: IncomingMessage): boolean {
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0].trim().toLowerCase();
  return (req.socket as { encrypted?: boolean }).encrypted === true || proto === 'https';
}

/** Whether the request's cookies hold the task's secret (compared in constant time). */
function carriesSecret(req: IncomingMessage, id: string, secret: string): boolean {
  const name = `${cookieName(id)}=`;
  const sent = (req.headers.cookie ?? '').split(';').map((part) => part.trim()).find((part) => part.startsWith(name))?.slice(name.length);
  if (sent === undefined) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function answerJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify(body));
  return true;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('the body must be a JSON object');
  return value as Record<string, unknown>;
}
