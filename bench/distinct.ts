/**
 * The distinct-filter scenario (issue 10): every request a filter nobody asked before, so the answer cache and the
 * sharing of identical calls never help, at 1, 10 and 50 concurrent clients (closed loop: a client asks again as
 * soon as its answer is read), against the demo federation as npm start serves it (its simulators in a thread of
 * the gateway's process). Each client connects from a network (/24) of its own, as separate portals would, so the
 * gateway's fair admission cannot simply queue them as one caller. /healthz is polled meanwhile.
 *
 * What it shows: whether the gateway collapses past saturation (answers/s at 50 clients at least those at 10, p99
 * bounded by the request deadline, health answers within 100 ms), with answers and refusals for load counted apart.
 */
import { Pool } from 'undici';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';
import type { Verdict } from './fanout';
import { startChild } from './ipc';
import { int, ms, ratio, summarize, table } from './stats';

export interface DistinctOptions {
  duration: number;
  /** Client counts, in order (default 1, 10, 50). */
  levels: number[];
}

export interface DistinctLevel {
  clients: number;
  seconds: number;
  answered: number;
  answersPerSecond: number;
  /** Answers with a repository's error (REPOSITORY_TIMEOUT, REPOSITORY_OVERLOADED...) or refused for load, by code. */
  errors: Record<string, number>;
  /** HTTP failures or no answer at all. */
  failed: number;
  latency: ReturnType<typeof summarize>;
  /** Every answer's latency, those with errors included (the deadline bounds them all). */
  allAnswers: ReturnType<typeof summarize>;
  healthz: ReturnType<typeof summarize>;
}

export interface DistinctResult {
  scenario: 'distinct';
  query: string;
  levels: DistinctLevel[];
  notes: string[];
  verdicts: Verdict[];
}

interface GatewayReady { url: string; startMs: number }

/** Europe-wide and per repository in turn, each with an age range no request asked before. */
const QUERIES = [
  'query Distinct($where: CaseFilter) { cohort(where: $where) { complete total { subjects } } }',
  'query DistinctPerRepository($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }',
];
const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
/** The gateway's request deadline (REQUEST_DEADLINE_MS default): no answer should take much longer. */
const DEADLINE_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let asked = 0;
/** A filter no earlier request used: an age range and a diagnosis-year window (60,000 combinations). */
function freshBody(): string {
  const n = asked++;
  const ageMin = n % 100;
  const ageMax = 120 - (Math.floor(n / 100) % 20);
  const since = 1980 + (Math.floor(n / 2_000) % 30);
  return JSON.stringify({ query: QUERIES[n % QUERIES.length], variables: { where: { ageAtDiagnosis: { min: ageMin, max: ageMax }, yearOfDiagnosis: { min: since, max: 2030 } } } });
}

function codesOf(text: string): string[] {
  return [...new Set([...text.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]))];
}

async function runLevel(url: string, clients: number, seconds: number, level: number): Promise<DistinctLevel> {
  const origin = new URL(url).origin;
  const path = new URL(url).pathname;
  const pools = Array.from({ length: clients }, (_, c) => new Pool(origin, { connections: 1, localAddress: `127.${30 + level}.${c}.1` }));
  const latencies: number[] = [];
  const everyAnswer: number[] = [];
  const errors: Record<string, number> = {};
  let failed = 0;
  const started = performance.now();
  const ends = started + seconds * 1000;
  const client = async (pool: Pool) => {
    while (performance.now() < ends) {
      const at = performance.now();
      try {
        const answer = await pool.request({ method: 'POST', path, headers: HEADERS, body: freshBody(), headersTimeout: 60_000, bodyTimeout: 60_000 });
        const text = await answer.body.text();
        const done = performance.now();
        if (done > ends) break;
        everyAnswer.push(done - at);
        if (answer.statusCode !== 200 && !text.includes('"code":')) failed++;
        else if (text.includes('"errors":')) for (const code of codesOf(text)) errors[code] = (errors[code] ?? 0) + 1;
        else latencies.push(done - at);
      } catch {
        if (performance.now() <= ends) failed++;
        await sleep(10);
      }
    }
  };
  const health = new Pool(origin, { connections: 1 });
  const healthTimes: number[] = [];
  const polling = (async () => {
    while (performance.now() < ends) {
      const at = performance.now();
      try {
        const answer = await health.request({ method: 'GET', path: '/healthz', headersTimeout: 10_000 });
        await answer.body.text();
      } catch {
        // No answer counts as the longest wait.
      }
      healthTimes.push(performance.now() - at);
      await sleep(200);
    }
  })();
  await Promise.all(pools.map(client));
  await polling;
  await Promise.all([...pools, health].map((pool) => pool.close()));
  const measured = (performance.now() - started) / 1000;
  return {
    clients, seconds: measured, answered: latencies.length, answersPerSecond: latencies.length / seconds, errors, failed,
    latency: summarize(latencies), allAnswers: summarize(everyAnswer), healthz: summarize(healthTimes),
  };
}

export async function runDistinct(options: DistinctOptions, log: (line: string) => void): Promise<DistinctResult> {
  const gateway = await startChild<GatewayReady>('this gateway (distinct)', `${__dirname}/gateways/this-gateway.ts`, {
    // No per-caller rate limit: the scenario asks what the gateway does with more work than it can do.
    env: { BENCH_CONFIG_FILE: DEFAULT_CONFIG_PATH, BENCH_DEMO: '1', BENCH_WARM_UP: '1', RATE_LIMIT_PER_MINUTE: '0' }, timeoutMs: 120_000,
  });
  try {
    const harvest = await gateway.call<{ ms: number; failures: string[] }>('harvest');
    log(`distinct: demo gateway ready in ${(gateway.ready.startMs / 1000).toFixed(1)} s, warm-up ${(harvest.ms / 1000).toFixed(1)} s`);
    const levels: DistinctLevel[] = [];
    for (const [i, clients] of options.levels.entries()) {
      const level = await runLevel(gateway.ready.url, clients, options.duration, i);
      log(`distinct: ${clients} clients: ${level.answersPerSecond.toFixed(1)} answers/s, p99 ${ms(level.latency.p99)}, /healthz max ${ms(level.healthz.max)}`);
      levels.push(level);
      // The queues of the last level drain before the next begins.
      await sleep(3_000);
    }
    const at = (n: number) => levels.find((l) => l.clients === n);
    const verdicts: Verdict[] = [];
    const ten = at(10);
    const fifty = at(50);
    if (ten && fifty) {
      verdicts.push({
        target: 'distinct filters: answers/s at 50 clients at least those at 10 (no collapse past saturation)', met: fifty.answersPerSecond >= ten.answersPerSecond,
        figure: `${fifty.answersPerSecond.toFixed(1)}/s at 50, ${ten.answersPerSecond.toFixed(1)}/s at 10 (${ratio(fifty.answersPerSecond / ten.answersPerSecond)})`,
      });
      verdicts.push({
        target: `distinct filters: p99 at 50 clients bounded by the request deadline (${DEADLINE_MS / 1000} s), answers with errors included`,
        met: fifty.allAnswers.n > 0 && fifty.allAnswers.p99 <= DEADLINE_MS + 1_000,
        figure: `p99 ${ms(fifty.allAnswers.p99)}, max ${ms(fifty.allAnswers.max)} over ${int(fifty.allAnswers.n)} answers`,
      });
    }
    const healthMax = Math.max(...levels.map((l) => l.healthz.max));
    verdicts.push({ target: 'distinct filters: /healthz answers within 100 ms at any load', met: healthMax < 100, figure: `max ${ms(healthMax)}` });
    return {
      scenario: 'distinct', query: QUERIES.join(' | '), levels, verdicts,
      notes: [
        'every request a new ageAtDiagnosis range and diagnosis-year window (cache and in-flight sharing never help), Europe-wide cohort and per-repository cohorts in turn; the per-caller rate limit is off (RATE_LIMIT_PER_MINUTE=0)',
        'each client from a /24 of its own (127.<30 + level>.<client>.1); answers with errors (a repository timed out or overloaded, the gateway shedding load) are counted by code, not as answers',
      ],
    };
  } finally {
    await gateway.stop();
  }
}

export function printDistinct(result: DistinctResult): string {
  const rows = [['clients', 'answers/s', 'answered', 'p50', 'p99', 'max', 'with errors (by code)', 'failed', '/healthz p99', '/healthz max']];
  for (const l of result.levels) {
    const errors = Object.entries(l.errors).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ') || '-';
    rows.push([String(l.clients), l.answersPerSecond.toFixed(1), int(l.answered), ms(l.latency.p50), ms(l.latency.p99), ms(l.latency.max), errors, int(l.failed), ms(l.healthz.p99), ms(l.healthz.max)]);
  }
  return [`distinct filters (cache defeated), demo federation: ${result.query}`, table(rows), ...result.notes.map((n) => `note: ${n}`)].join('\n');
}
