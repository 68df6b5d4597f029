/**
 * The load generator: N clients, each sending the same GraphQL request again as soon as its answer is read, over
 * one undici Pool per target (keep-alive, one connection per client), for a fixed time. Only answers that
 * complete within the window count; an answer with a non-200 status or GraphQL errors counts as an error and is
 * left out of the latencies.
 */
import { Pool } from 'undici';

export interface LoadTarget {
  url: string;
  pool: Pool;
  path: string;
}

export interface LoadRun {
  /** Answers completed within the window without error. */
  ok: number;
  errors: number;
  /** Requests sent within the window, including those still in flight when it closes (awaited, not counted). */
  sent: number;
  /** First error seen, for the report. */
  firstError?: string;
  seconds: number;
  rps: number;
  /** Latencies of the answers that count, in ms. */
  latencies: number[];
}

export function loadTarget(url: string, connections: number): LoadTarget {
  const parsed = new URL(url);
  return {
    url,
    pool: new Pool(parsed.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, keepAliveMaxTimeout: 600_000 }),
    path: `${parsed.pathname}${parsed.search}`,
  };
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };

export async function post(target: LoadTarget, body: string): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const answer = await target.pool.request({ method: 'POST', path: target.path, headers: HEADERS, body, headersTimeout: 60_000, bodyTimeout: 60_000 });
  const text = await answer.body.text();
  return { status: answer.statusCode, text, ms: performance.now() - started };
}

/** Sends one query and returns its parsed answer (for correctness checks, not timed). */
export async function query(target: LoadTarget, queryText: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any; ms: number }> {
  const answer = await post(target, JSON.stringify({ query: queryText, variables }));
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = { errors: [{ message: `not JSON: ${answer.text.slice(0, 200)}` }] };
  }
  return { status: answer.status, body, ms: answer.ms };
}

/**
 * Closed-loop load: `concurrency` clients, each sending again as soon as its answer is read. The measured window
 * opens after `warmupSeconds` and once every client has had an answer (so it sees the steady state even when a
 * slow gateway's answers take longer than the warm-up; at most `maxWarmupSeconds`), and lasts `seconds`. Only
 * answers completing inside it count; requests still in flight when it closes are awaited, not counted.
 */
export async function runLoad(
  target: LoadTarget, body: string, concurrency: number, seconds: number, warmupSeconds = 0,
  /** Called when the measured window opens and when it closes (e.g. to read counters of other processes). */
  hooks: { open?: () => Promise<unknown>; close?: () => Promise<unknown> } = {},
  maxWarmupSeconds = 120,
): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  let firstError: string | undefined;
  let opens = Infinity;
  let closes = Infinity;
  let stopped = false;
  let answered = 0;
  let allAnswered: (() => void) | undefined;
  const everyClientAnswered = new Promise<void>((resolve) => { allAnswered = resolve; });
  const client = async () => {
    let first = true;
    while (!stopped) {
      if (performance.now() >= opens) sent++;
      let answer: { status: number; text: string; ms: number } | undefined;
      let failure: string | undefined;
      try {
        answer = await post(target, body);
        // A cheap check that keeps the load generator light: GraphQL errors always carry this key.
        if (answer.status !== 200 || answer.text.includes('"errors":')) failure = `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
      } catch (error) {
        failure = (error as Error).message;
      }
      if (first) {
        first = false;
        if (++answered === concurrency) allAnswered?.();
      }
      const now = performance.now();
      if (now >= opens && now <= closes) {
        if (failure) {
          errors++;
          firstError ??= failure;
        } else latencies.push(answer!.ms);
      }
      if (failure && !answer) await sleep(10);
    }
  };
  const clients = Promise.all(Array.from({ length: concurrency }, client));
  await sleep(warmupSeconds * 1000);
  await Promise.race([everyClientAnswered, sleep(Math.max(0, maxWarmupSeconds - warmupSeconds) * 1000, true)]);
  await hooks.open?.();
  opens = performance.now();
  await sleep(seconds * 1000);
  closes = performance.now();
  stopped = true;
  await hooks.close?.();
  await clients;
  const measured = (closes - opens) / 1000;
  return { ok: latencies.length, errors, sent, firstError, seconds: measured, rps: latencies.length / measured, latencies };
}

/** `unref`: a timer that does not keep the process alive (the warm-up cap, usually overtaken). */
function sleep(ms: number, unref = false): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    if (unref) timer.unref();
  });
}
