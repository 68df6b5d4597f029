/**
 * Connects Apollo Server to a plain node:http server (Apollo Server 5 ships no framework integration we want to
 * depend on): reads the body, hands the request to executeHTTPGraphQLRequest, writes the answer.
 */
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientGoneSignal, withSignal } from './cancellation';

/**
 * Largest request body accepted. The largest filter the limits let through (100 values of 200 characters in each
 * list) is about 200 KB; a portal's questions are a few KB. Bigger bodies only cost memory and garbage collection:
 * 1 MB bodies sent in a loop made up most of what the gateway allocated under attack, and its collector's pauses.
 */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * A GraphQL error answer written by hand, for refusals before Apollo Server sees the request (body too large, rate
 * limits, the gateway's gate and deadline): `{ "errors": [{ message, extensions }] }` as JSON, with `headers` (e.g.
 * Retry-After) unless the headers went out already.
 */
export function writeErrorAnswer(
  res: ServerResponse, status: number, message: string, extensions: Record<string, unknown>, headers: Record<string, string> = {},
): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ errors: [{ message, extensions }] }));
}

export interface ApolloHandlerOptions<TContext = BaseContext> {
  /** Changes Apollo's answer before it is written (the gateway's status codes for `application/json`). */
  adjustResponse?: (response: HTTPGraphQLResponse) => HTTPGraphQLResponse;
  /** Identical requests in flight share one execution (InboundSharing). */
  sharing?: InboundSharing<TContext, unknown>;
  /**
   * Waits for the request's turn to execute (the gateway's admission gate), called only for a request that will
   * execute: one that shares an execution already running takes no turn, as it costs next to nothing. Resolves with
   * the release, called once the answer is written, or undefined when the request was answered there (refused).
   */
  admit?: (req: IncomingMessage, res: ServerResponse) => Promise<((res: ServerResponse) => void) | undefined>;
}

/**
 * Inbound de-duplication: a request identical to one already being executed (same key: the request and whatever
 * decides its answer, such as the caller's access) waits for that one's answer instead of being executed again,
 * when the first answer may be given to others (`reusable`). A first answer that may not be shared (it released
 * records, which each caller's audit must list; its client went away and it was cancelled; it streamed) makes the
 * waiting requests execute on their own, so nothing is lost.
 */
export interface InboundSharing<TContext, TFirst = unknown> {
  /** The key under which identical requests share, or undefined when this one must run on its own. */
  keyOf(request: HTTPGraphQLRequest, context: TContext): string | undefined;
  /**
   * Whether the answer executed for `context` may be given to the requests that waited for it: not when it says
   * something of that request alone (its deadline, its caller's share, records it released).
   */
  reusable(context: TContext, answer: HTTPGraphQLResponse & { body: { kind: 'complete'; string: string } }): boolean;
  /**
   * What a request given another's answer learns of that first request (for its logs), taken from the first one's
   * context once its answer is ready: the context itself (its loaders, tallies, everything its execution kept) is not
   * held with the answer.
   */
  firstOf?(context: TContext): TFirst;
  /** A request (`context`) was answered with the answer executed for another (what `firstOf` took of it). */
  onShared?(context: TContext, first: TFirst | undefined): void;
  /**
   * For how long after its execution a reusable answer is also given to identical requests that arrive (0 or
   * absent: only to those that came while it ran). Answers held at once are bounded by MAX_HELD_ANSWERS.
   */
  reuseForMs?(context: TContext, answer: HTTPGraphQLResponse & { body: { kind: 'complete'; string: string } }): number;
}

/** Answers held past their execution for identical requests (InboundSharing.reuseForMs) at most at once. */
export const MAX_HELD_ANSWERS = 1_000;
/** Larger answers are not held past their execution: the memory is better spent elsewhere. */
export const MAX_HELD_ANSWER_BYTES = 64 * 1024;

export function createApolloHandler<TContext extends BaseContext>(
  server: ApolloServer<TContext>, contextFor: (req: IncomingMessage) => Promise<TContext>, options: ApolloHandlerOptions<TContext> = {},
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  type Executed = Awaited<ReturnType<typeof server.executeHTTPGraphQLRequest>>;
  /**
   * Executions in flight that identical requests may share: their answer, what the sharing takes of the first request,
   * and for how long the answer is held once executed; undefined when it may not be shared.
   */
  type Offer = { answer: Executed; first: unknown; holdMs: number };
  const shared = new Map<string, Promise<Offer | undefined>>();
  let held = 0;
  /** Forgets an execution once it is answered, or once its answer's reuse time is over. */
  const forget = (key: string, offered: Promise<Offer | undefined>) => {
    void offered.then((offer) => {
      const holdMs = offer && held < MAX_HELD_ANSWERS ? offer.holdMs : 0;
      if (holdMs <= 0) {
        shared.delete(key);
        return;
      }
      held++;
      setTimeout(() => {
        held--;
        if (shared.get(key) === offered) shared.delete(key);
      }, holdMs).unref();
    });
  };
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    let body: unknown;
    try {
      body = await readBody(req, headers.get('content-type'));
    } catch (error) {
      writeErrorAnswer(res, (error as { status?: number }).status ?? 400, (error as Error).message, { code: 'BAD_REQUEST' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const httpGraphQLRequest: HTTPGraphQLRequest = { method: req.method?.toUpperCase() ?? 'GET', headers, search: url.search, body };
    const sharing = options.sharing;
    let context: TContext | undefined;
    let key: string | undefined;
    if (sharing) {
      try {
        context = await contextFor(req);
        key = sharing.keyOf(httpGraphQLRequest, context);
      } catch {
        // Apollo Server calls it again below and answers its failure as it always does.
        context = undefined;
      }
    }
    let executed: Executed | undefined;
    const first = key === undefined ? undefined : shared.get(key);
    if (first) {
      const given = await first;
      if (given) {
        executed = given.answer;
        sharing!.onShared?.(context!, given.first);
      }
    }
    let release: ((res: ServerResponse) => void) | undefined;
    if (!executed) {
      // Followers arriving while this one waits for its turn share it too: the offer is made before the wait.
      let settleOffer: ((offer: Offer | undefined) => void) | undefined;
      if (key !== undefined && !shared.has(key)) {
        const mine = key;
        const offered = new Promise<Offer | undefined>((resolve) => (settleOffer = resolve));
        shared.set(mine, offered);
        forget(mine, offered);
      }
      try {
        release = options.admit ? await options.admit(req, res) : () => undefined;
        // Its context (and so its deadline) starts when it may run; a follower whose first could not share gets its own.
        if (release && context !== undefined && (options.admit || first)) context = await contextFor(req);
      } catch (error) {
        // Nothing may leave the waiting requests hanging, nor keep the slot.
        settleOffer?.(undefined);
        release?.(res);
        throw error;
      }
      if (!release) {
        // Refused at the gate (answered there): whoever waited for it executes on its own.
        settleOffer?.(undefined);
        return;
      }
      // Everything this request starts is cancelled if its client goes away before the answer is written (cancellation.ts).
      const clientGone = clientGoneSignal(res);
      const known = context;
      const run = withSignal(clientGone.signal, () => server.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: known ? async () => known : () => contextFor(req) }));
      void run.then(
        (answer) => settleOffer?.(answer.body.kind === 'complete' && !clientGone.signal.aborted && sharing!.reusable(known!, answer as CompleteAnswer)
          ? offerOf(sharing!, known!, answer as CompleteAnswer) : undefined),
        () => settleOffer?.(undefined),
      );
      try {
        executed = await run;
      } catch (error) {
        release(res);
        throw error;
      } finally {
        clientGone.dispose();
      }
    }
    try {
      await writeAnswer(res, options.adjustResponse ? options.adjustResponse(executed) : executed);
    } finally {
      release?.(res);
    }
  };
}

type CompleteAnswer = HTTPGraphQLResponse & { body: { kind: 'complete'; string: string } };

/** A reusable answer as identical requests take it: with what they learn of the first, not the first's whole context. */
function offerOf<TContext>(sharing: InboundSharing<TContext, unknown>, first: TContext, answer: CompleteAnswer): { answer: CompleteAnswer; first: unknown; holdMs: number } {
  const holdMs = answer.body.string.length <= MAX_HELD_ANSWER_BYTES ? sharing.reuseForMs?.(first, answer) ?? 0 : 0;
  return { answer, first: sharing.firstOf?.(first), holdMs };
}

/** Writes Apollo's answer, unless the request was answered already (the gateway's deadline backstop) or its client went away. */
async function writeAnswer(res: ServerResponse, answer: HTTPGraphQLResponse): Promise<void> {
  if (res.headersSent || res.writableEnded) return;
  for (const [key, value] of answer.headers) res.setHeader(key, value);
  res.statusCode = answer.status ?? 200;
  if (answer.body.kind === 'complete') {
    res.end(answer.body.string);
    return;
  }
  for await (const chunk of answer.body.asyncIterator) res.write(chunk);
  res.end();
}

async function readBody(req: IncomingMessage, contentType: string | undefined): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // Apollo Server expects JSON bodies already parsed; anything else is passed as text and Apollo answers 400.
  if (contentType?.toLowerCase().includes('json')) {
    if (text.trim() === '') return undefined;
    try {
      return JSON.parse(text);
    } catch {
      throw Object.assign(new Error('request body is not valid JSON'), { status: 400 });
    }
  }
  return text;
}
