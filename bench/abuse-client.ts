/**
 * Child process of the abuse scenario: the anonymous abusive clients (bench/abuse-requests.ts), in a process of
 * their own so that building, sending and reading their requests (300 KB to 1 MB bodies, answers of megabytes)
 * never delays the runner, which times the normal client. Command `run` sends every kind in closed loops for a
 * number of seconds (each kind at most its maxRequests, each request at most `timeoutMs`), waits for the requests
 * still in flight, and returns what became of them per kind.
 */
import { Pool } from 'undici';
import { abuseKinds, abusiveClientAddress, classify, SHED_CODES, type AbuseKind, type AbuseNetworks, type Outcome } from './abuse-requests';
import { exitOnTerm, serveCommands } from './ipc';
import { summarize } from './stats';

export interface AbuseRunArgs {
  url: string;
  seconds: number;
  floodConcurrency: number;
  maxRequestsPerKind: number;
  timeoutMs: number;
  /** Only these kinds (AbuseKind.key); all when absent. */
  kinds?: string[];
  /** One network per kind or per client (abusiveClientAddress). */
  networks: AbuseNetworks;
}

export interface AbuseKindResult {
  key: string;
  label: string;
  concurrency: number;
  sent: number;
  /** How many ended in each outcome. */
  outcomes: Partial<Record<Outcome, number>>;
  /** "HTTP 400 GRAPHQL_PARSE_FAILED" (status and the error codes of the answer) -> count. */
  answers: Record<string, number>;
  /** Transport errors (no HTTP answer) -> count. */
  transportErrors: Record<string, number>;
  /** Refused for load (SHED_CODES: rate limit, admission share, overload): acceptable for any abusive request. */
  rateLimited: number;
  /** Requests whose outcome is neither one this kind expects (AbuseKind.expected and expectedCode) nor shed for load. */
  unexpected: number;
  firstUnexpected?: string;
  /** Request latency, ms, over every request that ended (answered or not). */
  p50: number;
  p99: number;
  max: number;
  /** Largest answer body, bytes. */
  maxAnswerBytes: number;
  expected: Outcome[];
  expectedCode?: string;
  /** Requests still going when the time was up (sent before, awaited). */
  finishedAfterWindow: number;
  /** maxRequests reached before the time was up. */
  capped: boolean;
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

async function runKind(kind: AbuseKind, index: number, args: AbuseRunArgs): Promise<AbuseKindResult> {
  const origin = new URL(args.url).origin;
  const path = new URL(args.url).pathname;
  // One connection per client, each from its own loopback address: separate anonymous callers.
  const pools = Array.from({ length: kind.concurrency }, (_, c) => new Pool(origin, {
    connections: 1, pipelining: 1, keepAliveTimeout: 10_000, localAddress: abusiveClientAddress(index, c, args.networks),
  }));
  const latencies: number[] = [];
  const result: AbuseKindResult = {
    key: kind.key, label: kind.label, concurrency: kind.concurrency, sent: 0, outcomes: {}, answers: {}, transportErrors: {}, rateLimited: 0, unexpected: 0,
    p50: NaN, p99: NaN, max: NaN, maxAnswerBytes: 0, expected: kind.expected, expectedCode: kind.expectedCode, finishedAfterWindow: 0, capped: false,
  };
  const ends = performance.now() + args.seconds * 1000;
  let next = 0;
  const client = async (pool: Pool) => {
    while (performance.now() < ends && next < kind.maxRequests) {
      const body = kind.body(next++);
      result.sent++;
      const started = performance.now();
      let outcome: Outcome;
      let what: string;
      let codes: string[] = [];
      try {
        const answer = await pool.request({
          method: 'POST', path, headers: HEADERS, body, headersTimeout: args.timeoutMs, bodyTimeout: args.timeoutMs,
          signal: AbortSignal.timeout(args.timeoutMs),
        });
        const text = await answer.body.text();
        result.maxAnswerBytes = Math.max(result.maxAnswerBytes, Buffer.byteLength(text));
        ({ outcome, codes } = classify(answer.statusCode, text));
        what = `HTTP ${answer.statusCode}${codes.length ? ` ${codes.join(',')}` : ''}`;
        result.answers[what] = (result.answers[what] ?? 0) + 1;
      } catch (error) {
        outcome = 'failed';
        const e = error as Error & { code?: string };
        what = `${e.code ?? e.name}: ${e.message}`.slice(0, 200);
        result.transportErrors[what] = (result.transportErrors[what] ?? 0) + 1;
      }
      const ended = performance.now();
      latencies.push(ended - started);
      if (ended > ends) result.finishedAfterWindow++;
      result.outcomes[outcome] = (result.outcomes[outcome] ?? 0) + 1;
      const rateLimited = outcome === 'refused' && codes.some((code) => SHED_CODES.includes(code));
      if (rateLimited) result.rateLimited++;
      const expectedOutcome = kind.expected.includes(outcome);
      const expectedCode = kind.expectedCode === undefined || codes.includes(kind.expectedCode);
      if (!rateLimited && (!expectedOutcome || !expectedCode)) {
        result.unexpected++;
        result.firstUnexpected ??= `${what} after ${(ended - started).toFixed(0)} ms`;
      }
      if (outcome === 'failed') await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await Promise.all(pools.map(client));
  result.capped = next >= kind.maxRequests;
  await Promise.all(pools.map((pool) => pool.close().catch(() => undefined)));
  const s = summarize(latencies);
  return { ...result, p50: s.p50, p99: s.p99, max: s.max };
}

exitOnTerm(async () => undefined);

serveCommands({
  run: async (args: AbuseRunArgs): Promise<AbuseKindResult[]> => {
    const kinds = abuseKinds({ floodConcurrency: args.floodConcurrency, maxRequestsPerKind: args.maxRequestsPerKind });
    // The index (each kind's loopback addresses) stays that of the full list whichever kinds run.
    return Promise.all(kinds.map((kind, index) => ({ kind, index }))
      .filter(({ kind }) => !args.kinds || args.kinds.includes(kind.key))
      .map(({ kind, index }) => runKind(kind, index, args)));
  },
}, async () => ({ pid: process.pid }));
