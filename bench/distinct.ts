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
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { Pool } from 'undici';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';
import type { Verdict } from './fanout';
import { startChild } from './ipc';
import { int, ms, ratio, summarize, table } from './stats';

export interface DistinctOptions {
  duration: number;
  /**
   * Client counts: the first is measured once, the others in turn in each round (default 1, then 10 and 50), their
   * order reversed every other round, so that a machine getting busier or quieter over the run favours none of them.
   */
  levels: number[];
  /** Rounds of the compared levels (default 2). */
  rounds: number;
}

export interface DistinctLevel {
  clients: number;
  seconds: number;
  /** Answers/s of each round at this level, in the order measured (one for a level measured once). */
  rounds: number[];
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
  /**
   * Share of the level's time each event loop was busy (the mean over its rounds): the gateway's, and the demo
   * simulators' thread's, whose saturation caps the answers/s of every level past it (undefined for older results).
   */
  busy?: BusyShares;
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

/** Cumulative event-loop utilisations read from the gateway child (its `utilization` command). */
interface Utilization { gateway: EventLoopUtilization; simulators: EventLoopUtilization | null }
/** Share of a span each event loop was busy: the gateway's, and the demo simulators' thread's. */
interface BusyShares { gateway: number; simulators: number | null }

function busyShares(before: Utilization, after: Utilization): BusyShares {
  // Node's own difference of two readings (they came over IPC as plain objects, which it takes as well).
  const share = (a: EventLoopUtilization, b: EventLoopUtilization) => performance.eventLoopUtilization(b, a).utilization;
  return { gateway: share(before.gateway, after.gateway), simulators: before.simulators && after.simulators ? share(before.simulators, after.simulators) : null };
}

/** ", event loops busy: gateway 47%, simulators' thread 99%, admission limit 11-58, at most 39 waiting": what was saturated. */
function describeGateway({ busy, admission }: Pick<LevelRun, 'busy' | 'admission'>): string {
  const loops = busy ? `, event loops busy: ${describeBusy(busy)}` : '';
  const gate = admission ? `, admission limit ${admission.minLimit === admission.maxLimit ? admission.minLimit : `${admission.minLimit}-${admission.maxLimit}`}, at most ${admission.maxQueued} waiting` : '';
  return loops + gate;
}

/** One measurement of a level: its raw times, pooled with its other rounds by `pooled`. */
interface LevelRun {
  clients: number;
  seconds: number;
  latencies: number[];
  everyAnswer: number[];
  errors: Record<string, number>;
  failed: number;
  healthTimes: number[];
  admission?: AdmissionSeen;
  busy?: BusyShares;
}

/** The gateway's admission gate as the level ran: the lowest and highest limit read (each second) and how many waited at most. */
interface AdmissionSeen { minLimit: number; maxLimit: number; maxQueued: number }

async function runLevel(url: string, clients: number, seconds: number, level: number, admissionStats: () => Promise<{ limit: number; queued: number } | null>): Promise<LevelRun> {
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
  let admission: AdmissionSeen | undefined;
  const watching = (async () => {
    while (performance.now() < ends) {
      await sleep(1_000);
      const stats = await admissionStats().catch(() => null);
      if (!stats) return;
      admission = {
        minLimit: Math.min(admission?.minLimit ?? Infinity, stats.limit), maxLimit: Math.max(admission?.maxLimit ?? 0, stats.limit),
        maxQueued: Math.max(admission?.maxQueued ?? 0, stats.queued),
      };
    }
  })();
  await Promise.all(pools.map(client));
  await polling;
  await watching;
  await Promise.all([...pools, health].map((pool) => pool.close()));
  return { clients, seconds, latencies, everyAnswer, errors, failed, healthTimes, admission };
}

/** A level's rounds as one: answers over all its seconds, latencies and errors of all its rounds. */
function pooled(runs: readonly LevelRun[]): DistinctLevel {
  const errors: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.errors)) errors[code] = (errors[code] ?? 0) + n;
  const seconds = runs.reduce((a, run) => a + run.seconds, 0);
  const answered = runs.reduce((a, run) => a + run.latencies.length, 0);
  return {
    clients: runs[0].clients, seconds, rounds: runs.map((run) => run.latencies.length / run.seconds), answered, answersPerSecond: answered / seconds, errors,
    failed: runs.reduce((a, run) => a + run.failed, 0), latency: summarize(runs.flatMap((run) => run.latencies)),
    allAnswers: summarize(runs.flatMap((run) => run.everyAnswer)), healthz: summarize(runs.flatMap((run) => run.healthTimes)),
    busy: meanBusy(runs.map((run) => run.busy)),
  };
}

function meanBusy(shares: ReadonlyArray<BusyShares | undefined>): BusyShares | undefined {
  if (shares.length === 0 || shares.some((x) => !x)) return undefined;
  const known = shares as BusyShares[];
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const simulators = known.every((x) => x.simulators !== null) ? mean(known.map((x) => x.simulators!)) : null;
  return { gateway: mean(known.map((x) => x.gateway)), simulators };
}

/** "gateway 44%, simulators' thread 99%". */
function describeBusy(busy: BusyShares): string {
  const percent = (x: number) => `${Math.round(x * 100)}%`;
  return `gateway ${percent(busy.gateway)}${busy.simulators !== null ? `, simulators' thread ${percent(busy.simulators)}` : ''}`;
}

export async function runDistinct(options: DistinctOptions, log: (line: string) => void): Promise<DistinctResult> {
  const gateway = await startChild<GatewayReady>('this gateway (distinct)', `${__dirname}/gateways/this-gateway.ts`, {
    // No per-caller rate limit: the scenario asks what the gateway does with more work than it can do.
    env: { BENCH_CONFIG_FILE: DEFAULT_CONFIG_PATH, BENCH_DEMO: '1', BENCH_WARM_UP: '1', RATE_LIMIT_PER_MINUTE: '0' }, timeoutMs: 120_000,
  });
  try {
    const harvest = await gateway.call<{ ms: number; failures: string[] }>('harvest');
    log(`distinct: demo gateway ready in ${(gateway.ready.startMs / 1000).toFixed(1)} s, warm-up ${(harvest.ms / 1000).toFixed(1)} s`);
    const [single, ...compared] = options.levels;
    const schedule = [single, ...Array.from({ length: options.rounds }, (_, round) => (round % 2 === 0 ? compared : [...compared].reverse())).flat()];
    const runs: LevelRun[] = [];
    for (const clients of schedule) {
      // Each level its own client addresses (127.<30 + its place in options.levels>.<client>.1), the same in every round.
      const before = await gateway.call<Utilization>('utilization').catch(() => null);
      const run = await runLevel(gateway.ready.url, clients, options.duration, options.levels.indexOf(clients), () => gateway.call('admission'));
      const after = await gateway.call<Utilization>('utilization').catch(() => null);
      if (before && after) run.busy = busyShares(before, after);
      log(`distinct: ${clients} clients: ${(run.latencies.length / run.seconds).toFixed(1)} answers/s, p99 ${ms(summarize(run.latencies).p99)}, /healthz max ${ms(Math.max(...run.healthTimes))}${describeGateway(run)}`);
      runs.push(run);
      // The queues of the last level drain before the next begins.
      await sleep(3_000);
    }
    const levels = options.levels.map((clients) => pooled(runs.filter((run) => run.clients === clients)));
    const at = (n: number) => levels.find((l) => l.clients === n);
    const verdicts: Verdict[] = [];
    const ten = at(10);
    const fifty = at(50);
    if (ten && fifty) {
      // Past saturation both levels run as fast as the machine lets them, so their rates differ by the measurement's
      // own noise: met when 50 clients get at least what 10 got in one of their own rounds (a collapse is far below).
      const slowestTen = Math.min(...ten.rounds);
      verdicts.push({
        target: 'distinct filters: answers/s at 50 clients at least those at 10 (no collapse past saturation; at least the slowest round of 10)',
        met: fifty.answersPerSecond >= slowestTen,
        figure: `${fifty.answersPerSecond.toFixed(1)}/s at 50 (rounds ${fifty.rounds.map((r) => r.toFixed(1)).join(', ')}), `
          + `${ten.answersPerSecond.toFixed(1)}/s at 10 (rounds ${ten.rounds.map((r) => r.toFixed(1)).join(', ')}): ${ratio(fifty.answersPerSecond / ten.answersPerSecond)}`
          + (ten.busy && fifty.busy ? `; event loops busy at 10: ${describeBusy(ten.busy)}; at 50: ${describeBusy(fifty.busy)}` : ''),
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
        "loops busy: the share of the level's time the gateway's event loop and the demo simulators' thread (the repositories, one thread for all eleven) ran; a loop near 100% is what caps the answers/s of that level",
      ],
    };
  } finally {
    await gateway.stop();
  }
}

export function printDistinct(result: DistinctResult): string {
  const rows = [['clients', 'answers/s', 'rounds (answers/s)', 'answered', 'p50', 'p99', 'max', 'with errors (by code)', 'failed', '/healthz p99', '/healthz max', 'loops busy']];
  for (const l of result.levels) {
    const errors = Object.entries(l.errors).sort((a, b) => b[1] - a[1]).map(([code, n]) => `${code} ${n}`).join(', ') || '-';
    rows.push([String(l.clients), l.answersPerSecond.toFixed(1), (l.rounds ?? []).map((r) => r.toFixed(1)).join(', '), int(l.answered), ms(l.latency.p50), ms(l.latency.p99), ms(l.latency.max), errors, int(l.failed), ms(l.healthz.p99), ms(l.healthz.max), l.busy ? describeBusy(l.busy) : '']);
  }
  return [`distinct filters (cache defeated), demo federation: ${result.query}`, table(rows), ...result.notes.map((n) => `note: ${n}`)].join('\n');
}
