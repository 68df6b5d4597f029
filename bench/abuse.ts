/**
 * Scenario "abuse": the abusive requests of README "Limits no request can pass" sent by anonymous clients while a
 * normal client queries, against the demo federation as npm start runs it (its simulators and the gateway in one
 * process, cache on, adapters warmed up).
 *
 *   baseline - `duration` seconds: the normal client (the README query, a realistic filter that varies) and /healthz
 *              polls only;
 *   attack   - `duration` seconds: the same, while every kind of abusive request (bench/abuse-requests.ts) is sent in
 *              closed loops by another process (bench/abuse-client.ts), so that the runner times only the normal
 *              client and its own event loop never waits for megabyte bodies.
 *
 * Per phase: the normal client's answers, p50/p99, failures; /healthz p99; the gateway process's event-loop delay
 * (perf_hooks.monitorEventLoopDelay, 10 ms resolution, through the gateway child's `eventLoop` command) and RSS at
 * the end. Per abusive kind: requests sent, what became of them (HTTP status, error codes), latency. Everything is
 * bounded: each phase lasts `duration` seconds, each abusive kind sends at most `maxRequestsPerKind` requests
 * (fewer for the near-1 MB bodies and the manifest), every request gives up after `timeoutMs`, loopback only.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Pool } from 'undici';
import { DEFAULT_CONFIG_PATH } from '../gateway/defaults';
import type { AdmissionStats } from '../gateway/plugins/limits/fair-admission';
import type { AbuseKindResult, AbuseRunArgs } from './abuse-client';
import { abuseKinds, MAX_CLIENTS, NORMAL_QUERY, normalClientAddress, normalFilters, type AbuseNetworks } from './abuse-requests';
import type { Verdict } from './fanout';
import type { EventLoopDelay } from './gateways/this-gateway';
import { startChild, type Child } from './ipc';
import { int, mb, ms, ratio, summarize, table } from './stats';
import type { DemoSimulatorsReady } from './upstream/demo-simulators';

/**
 * Where the demo's simulators run: `thread`, a thread of the gateway's process as npm start runs them (their CPU
 * counts in the gateway's process); `main-thread`, in the gateway's own event loop; `separate`, a process of their
 * own, as with repositories elsewhere.
 */
export type AbuseSimulators = 'thread' | 'main-thread' | 'separate';

export interface AbuseOptions {
  /** Seconds per phase. */
  duration: number;
  /** Concurrent normal clients, each from a loopback address of its own. */
  normalConcurrency: number;
  /** Each normal client sends at most one request per this many ms (0: again as soon as its answer is read). */
  normalIntervalMs: number;
  /** Concurrent clients of the cache-defeating flood. */
  floodConcurrency: number;
  /** At most this many requests per abusive kind. */
  maxRequestsPerKind: number;
  /** Only these abusive kinds (keys of bench/abuse-requests.ts), to tell which one costs what; all when absent. */
  abuseKinds?: string[];
  /** Where the demo's simulators run (AbuseSimulators). */
  abuseSimulators: AbuseSimulators;
  /** The abusive clients' networks: one /24 per kind, or one per client (bench/abuse-requests.ts). */
  abuseNetworks: AbuseNetworks;
}

/** Every request, normal or abusive, gives up after this long: above the 30 s request deadline and its 2 s backstop. */
const REQUEST_TIMEOUT_MS = 40_000;
/** /healthz is polled this often. */
const HEALTH_POLL_MS = 100;
/** Targets of the issue. */
export const NORMAL_P99_TARGET_MS = 1_000;
export const EVENT_LOOP_TARGET_MS = 200;
/**
 * A refusal taking longer than this is reported as slow: the admission gate's longest wait (5 s) and a margin. The
 * gate puts callers whose requests keep being refused after the others (README "Limits no request can pass"), so
 * under attack their refusals may wait; a refusal slower than the gate lets anyone wait is a fault.
 */
export const REFUSAL_TARGET_MS = 6_000;
/**
 * Errors the normal client may get in an answer without it counting as failed: none. A repository timing out or
 * its circuit opening under attack is a failure of the normal client's request, whatever the other repositories
 * answered.
 */
const EXPECTED_NORMAL_CODES: readonly string[] = [];

interface GatewayReady {
  url: string; startMs: number; rss: number; cache?: { description: string } | null; demo?: { repositories: number; cases: number };
}

export interface AbusePhaseResult {
  phase: 'baseline' | 'attack';
  seconds: number;
  normal: {
    concurrency: number; intervalMs: number; sent: number; ok: number; failed: number; rps: number;
    p50: number; p90: number; p99: number; max: number;
    /** "HTTP 200 REPOSITORY_TIMEOUT" or a transport error -> count. */
    failures: Record<string, number>;
    firstFailure?: string;
  };
  healthz: { polls: number; failed: number; p50: number; p99: number; max: number };
  /** The gateway process's event-loop delay over the phase (every sample includes the 10 ms resolution). */
  eventLoop: EventLoopDelay | null;
  eventLoopProblem?: string;
  /**
   * The runner's own event-loop delay over the phase (it only sends the normal requests and polls): a control. A
   * long delay here too means the machine starved the processes (other load on the cores), not the gateway's code.
   */
  runnerEventLoopMax: number;
  /** Cores the gateway process used over the phase (CPU time / wall time). */
  gatewayCores: number;
  /** Cores the simulators' process used (NaN when they run in the gateway's process). */
  simulatorsCores: number;
  /** The gateway's fair admission gate at the end of the phase (its counters run from the gateway's start). */
  admission: AdmissionStats | null;
  /** At the end of the phase. */
  rssMB: number;
  heapUsedMB: number;
  /** After a full GC at the end of the phase: what the phase left behind. */
  heapUsedAfterGcMB: number;
}

export interface AbuseResult {
  scenario: 'abuse';
  federation: { config: string; repositories: number; cases: number; simulators: AbuseOptions['abuseSimulators'] };
  gateway: { startMs: number; harvestMs: number; cache: string };
  normalQuery: string;
  secondsPerPhase: number;
  floodConcurrency: number;
  maxRequestsPerKind: number;
  phases: AbusePhaseResult[];
  abuse: AbuseKindResult[];
  ratios: { normalP99AttackOverBaseline: number; normalP50AttackOverBaseline: number; normalRpsAttackOverBaseline: number; healthzP99AttackOverBaseline: number };
  notes: string[];
  verdicts: Verdict[];
}

const HEADERS = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' };
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One normal request: its latency, and why it failed (undefined when it did not). */
async function normalRequest(pool: Pool, path: string, filter: Record<string, unknown>): Promise<{ ms: number; failure?: string }> {
  const started = performance.now();
  try {
    const answer = await pool.request({
      method: 'POST', path, headers: HEADERS, body: JSON.stringify({ query: NORMAL_QUERY, variables: { where: filter } }),
      headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await answer.body.text();
    const elapsed = performance.now() - started;
    let body: { data?: { repositories?: unknown[] }; errors?: Array<{ extensions?: { code?: string; repositoryId?: string } }> } = {};
    try {
      body = JSON.parse(text);
    } catch {
      return { ms: elapsed, failure: `HTTP ${answer.statusCode}, not JSON` };
    }
    if (answer.statusCode !== 200) return { ms: elapsed, failure: `HTTP ${answer.statusCode} ${(body.errors ?? []).map((e) => e.extensions?.code).join(',')}`.trim() };
    const unexpected = (body.errors ?? []).filter((e) => !EXPECTED_NORMAL_CODES.includes(e.extensions?.code ?? ''));
    if (unexpected.length > 0) {
      const codes = [...new Set(unexpected.map((e) => e.extensions?.code ?? 'no code'))].sort().join(',');
      return { ms: elapsed, failure: `HTTP 200 ${codes}` };
    }
    if (!Array.isArray(body.data?.repositories)) return { ms: elapsed, failure: 'HTTP 200 without data.repositories' };
    return { ms: elapsed };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { ms: performance.now() - started, failure: `${e.code ?? e.name}: ${e.message}`.slice(0, 200) };
  }
}

async function runPhase(
  phase: AbusePhaseResult['phase'], seconds: number, gateway: Child<GatewayReady>, simulators: Child<unknown> | undefined, options: AbuseOptions,
  attack?: () => Promise<AbuseKindResult[]>,
): Promise<{ result: AbusePhaseResult; abuse?: AbuseKindResult[] }> {
  const cpuOf = async (child: Child<unknown> | undefined) => {
    if (!child) return NaN;
    const usage = await child.call<NodeJS.CpuUsage>('cpu');
    return (usage.user + usage.system) / 1e6;
  };
  const url = new URL(gateway.ready.url);
  const normalPools = Array.from({ length: options.normalConcurrency }, (_, i) => new Pool(url.origin, {
    connections: 1, pipelining: 1, keepAliveTimeout: 10_000, localAddress: normalClientAddress(i),
  }));
  const healthPool = new Pool(url.origin, { connections: 1, pipelining: 1, keepAliveTimeout: 10_000 });
  const filters = normalFilters(phase === 'baseline' ? 0 : 1);
  let eventLoopProblem: string | undefined;
  await gateway.call('eventLoop', 'start').catch((error: Error) => { eventLoopProblem = error.message.split('\n')[0]; });
  const [cpuBefore, simulatorsCpuBefore] = await Promise.all([cpuOf(gateway), cpuOf(simulators)]);
  const runnerLoop = monitorEventLoopDelay({ resolution: 10 });
  runnerLoop.enable();
  const started = performance.now();
  const ends = started + seconds * 1000;
  // The normal client and the polls go on until the abusive requests still in flight when the time is up have
  // ended too (each 40 s at most): the attack lasts as long as its last request.
  let attackDone = !attack;
  const going = () => performance.now() < ends || !attackDone;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let sent = 0;
  let next = 0;
  const normalClient = async (pool: Pool) => {
    while (going()) {
      const filter = filters[next++ % filters.length];
      sent++;
      const answer = await normalRequest(pool, url.pathname, filter);
      if (answer.failure) {
        failures[answer.failure] = (failures[answer.failure] ?? 0) + 1;
        firstFailure ??= `${answer.failure} after ${answer.ms.toFixed(0)} ms (filter ${JSON.stringify(filter)})`;
      } else latencies.push(answer.ms);
      await sleep(Math.max(0, options.normalIntervalMs - answer.ms));
    }
  };
  const health: number[] = [];
  let healthFailed = 0;
  const healthPoller = async () => {
    while (going()) {
      const at = performance.now();
      try {
        const answer = await healthPool.request({ method: 'GET', path: '/healthz', headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS });
        await answer.body.text();
        if (answer.statusCode === 200) health.push(performance.now() - at);
        else healthFailed++;
      } catch {
        healthFailed++;
      }
      await sleep(Math.max(0, HEALTH_POLL_MS - (performance.now() - at)));
    }
  };
  const [abuse] = await Promise.all([
    attack?.().finally(() => { attackDone = true; }),
    ...normalPools.map(normalClient),
    healthPoller(),
  ]);
  const elapsed = (performance.now() - started) / 1000;
  runnerLoop.disable();
  const [cpuAfter, simulatorsCpuAfter] = await Promise.all([cpuOf(gateway), cpuOf(simulators)]);
  const eventLoop = eventLoopProblem ? null : await gateway.call<EventLoopDelay>('eventLoop', 'stop').catch((error: Error) => {
    eventLoopProblem = error.message.split('\n')[0];
    return null;
  });
  const memory = await gateway.call<NodeJS.MemoryUsage>('memory');
  const admission = await gateway.call<AdmissionStats | null>('admission').catch(() => null);
  // The gateway runs with --expose-gc: what the phase left behind once garbage is gone.
  const afterGc = await gateway.call<NodeJS.MemoryUsage>('gc');
  await Promise.all([...normalPools, healthPool].map((pool) => pool.close()));
  const n = summarize(latencies);
  const h = summarize(health);
  const failed = Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    result: {
      phase, seconds: elapsed,
      normal: {
        concurrency: options.normalConcurrency, intervalMs: options.normalIntervalMs, sent, ok: latencies.length, failed, rps: latencies.length / elapsed,
        p50: n.p50, p90: n.p90, p99: n.p99, max: n.max, failures, firstFailure,
      },
      healthz: { polls: health.length + healthFailed, failed: healthFailed, p50: h.p50, p99: h.p99, max: h.max },
      admission,
      eventLoop, eventLoopProblem, runnerEventLoopMax: runnerLoop.max / 1e6,
      gatewayCores: (cpuAfter - cpuBefore) / elapsed, simulatorsCores: (simulatorsCpuAfter - simulatorsCpuBefore) / elapsed,
      rssMB: memory.rss / 1024 / 1024, heapUsedMB: memory.heapUsed / 1024 / 1024, heapUsedAfterGcMB: afterGc.heapUsed / 1024 / 1024,
    },
    abuse: abuse ?? undefined,
  };
}

export async function runAbuse(options: AbuseOptions, log: (line: string) => void): Promise<AbuseResult> {
  if (options.normalConcurrency > MAX_CLIENTS || options.floodConcurrency > MAX_CLIENTS) throw new Error(`abuse: at most ${MAX_CLIENTS} normal or flood clients (one loopback address each)`);
  const known = abuseKinds({ floodConcurrency: 1, maxRequestsPerKind: 1 }).map((k) => k.key);
  const unknown = (options.abuseKinds ?? []).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new Error(`abuse: unknown kind(s) ${unknown.join(', ')}; the kinds are ${known.join(', ')}`);
  const children: Array<Child<unknown>> = [];
  const notes: string[] = [];
  let dir: string | undefined;
  try {
    let simulators: Child<DemoSimulatorsReady> | undefined;
    let env: Record<string, string> = {
      BENCH_CONFIG_FILE: DEFAULT_CONFIG_PATH, BENCH_DEMO: options.abuseSimulators === 'main-thread' ? 'main-thread' : '1', BENCH_WARM_UP: '1',
    };
    if (options.abuseSimulators === 'separate') {
      simulators = await startChild<DemoSimulatorsReady>('demo simulators', join(__dirname, 'upstream', 'demo-simulators.ts'), { timeoutMs: 120_000 });
      children.push(simulators);
      dir = mkdtempSync(join(tmpdir(), 'bench-abuse-'));
      const configFile = join(dir, 'federation.json');
      writeFileSync(configFile, JSON.stringify({ repositories: simulators.ready.repositories }, null, 2));
      env = { ...simulators.ready.env, BENCH_CONFIG_FILE: configFile, BENCH_WARM_UP: '1' };
    }
    const gateway = await startChild<GatewayReady>('this gateway (abuse)', join(__dirname, 'gateways', 'this-gateway.ts'), {
      env, execArgv: ['--expose-gc'], timeoutMs: 120_000,
    });
    children.push(gateway);
    const demo = gateway.ready.demo ?? (simulators && { repositories: simulators.ready.repositories.length, cases: simulators.ready.cases });
    const harvest = await gateway.call<{ ms: number; failures: string[] }>('harvest');
    if (harvest.failures.length > 0) notes.push(`warm-up failures: ${harvest.failures.join('; ')}`);
    const client = await startChild<{ pid: number }>('abusive clients', join(__dirname, 'abuse-client.ts'), { timeoutMs: 60_000 });
    children.push(client);
    // Query plans of the normal query built before the baseline, with a filter no phase asks.
    const priming = new Pool(new URL(gateway.ready.url).origin, { connections: 1 });
    const primed = await normalRequest(priming, new URL(gateway.ready.url).pathname, { sex: ['OTHER'] });
    await priming.close();
    if (primed.failure) notes.push(`the priming request failed: ${primed.failure}`);
    log(`abuse: gateway with the demo federation (${demo?.cases ?? '?'} cases, simulators ${options.abuseSimulators}) ready in ${(gateway.ready.startMs / 1000).toFixed(1)} s, warm-up ${(harvest.ms / 1000).toFixed(1)} s`);

    const baseline = await runPhase('baseline', options.duration, gateway, simulators, options);
    log(`abuse: baseline: normal p99 ${ms(baseline.result.normal.p99)}, ${baseline.result.normal.failed} failed, event loop max ${ms(baseline.result.eventLoop?.max ?? NaN)}`);
    const args: AbuseRunArgs = {
      url: gateway.ready.url, seconds: options.duration, floodConcurrency: options.floodConcurrency,
      maxRequestsPerKind: options.maxRequestsPerKind, timeoutMs: REQUEST_TIMEOUT_MS, kinds: options.abuseKinds, networks: options.abuseNetworks,
    };
    const attack = await runPhase('attack', options.duration, gateway, simulators, options, () => client.call<AbuseKindResult[]>('run', args));
    log(`abuse: attack: normal p99 ${ms(attack.result.normal.p99)}, ${attack.result.normal.failed} failed, event loop max ${ms(attack.result.eventLoop?.max ?? NaN)}`);

    const phases = [baseline.result, attack.result];
    const abuse = attack.abuse ?? [];
    const [b, a] = phases;
    const ratios = {
      normalP99AttackOverBaseline: a.normal.p99 / b.normal.p99,
      normalP50AttackOverBaseline: a.normal.p50 / b.normal.p50,
      normalRpsAttackOverBaseline: a.normal.rps / b.normal.rps,
      healthzP99AttackOverBaseline: a.healthz.p99 / b.healthz.p99,
    };
    notes.push('the runner (normal client, /healthz), the abusive clients\' process and the gateway with its simulators share the machine\'s cores; '
      + '"runner loop max" is the runner\'s own event-loop delay: long there too means the machine starved every process');
    notes.push(`every client connects from a loopback address of its own (normal clients 127.0.0.10+, abusive ${options.abuseNetworks === 'per-client'
      ? '127.<2 + kind>.<client>.1): a per-caller rate limit counts each apart, the fair admission queue and fair shares one network (/24) per abusive client (--abuse-networks per-client); '
      : '127.1.<kind>.<client>): a per-caller rate limit counts each apart, the fair admission queue and fair shares one network (/24) per kind; '}`
      + 'a refusal for load (429 RATE_LIMITED or TOO_MANY_CONCURRENT_REQUESTS, 503 OVERLOADED; column "shed") is acceptable for an abusive request, a failure for a normal one');
    notes.push(`event-loop delays are monitorEventLoopDelay's samples at ${a.eventLoop?.resolutionMs ?? 10} ms resolution: each includes that interval, so an idle loop reads about ${a.eventLoop?.resolutionMs ?? 10} ms`);
    if (options.abuseKinds) notes.push(`only these abusive kinds were sent (--abuse-kinds): ${options.abuseKinds.join(', ')}`);
    const capped = abuse.filter((k) => k.capped).map((k) => k.key);
    if (capped.length > 0) notes.push(`stopped at their request cap before the time was up: ${capped.join(', ')}`);
    return {
      scenario: 'abuse',
      federation: { config: DEFAULT_CONFIG_PATH, repositories: demo?.repositories ?? NaN, cases: demo?.cases ?? NaN, simulators: options.abuseSimulators },
      gateway: { startMs: gateway.ready.startMs, harvestMs: harvest.ms, cache: gateway.ready.cache?.description ?? 'off' },
      normalQuery: NORMAL_QUERY, secondsPerPhase: options.duration, floodConcurrency: options.floodConcurrency,
      maxRequestsPerKind: options.maxRequestsPerKind, phases, abuse, ratios, notes, verdicts: abuseVerdicts(b, a, abuse, ratios),
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

function abuseVerdicts(b: AbusePhaseResult, a: AbusePhaseResult, abuse: AbuseKindResult[], ratios: AbuseResult['ratios']): Verdict[] {
  const measured = a.normal.ok > 0;
  const loops = [b, a].filter((p) => p.eventLoop);
  const worst = loops.length === 2 ? Math.max(...loops.map((p) => p.eventLoop!.max)) : NaN;
  const badKinds = abuse.filter((k) => k.unexpected > 0 || (k.expected.every((o) => o === 'refused') && k.max > REFUSAL_TARGET_MS));
  return [
    {
      target: `abuse: normal client p99 under attack < ${NORMAL_P99_TARGET_MS / 1000} s`,
      met: measured ? a.normal.p99 < NORMAL_P99_TARGET_MS : null,
      figure: measured ? `p99 ${ms(a.normal.p99)} under attack, ${ms(b.normal.p99)} before: ${ratio(ratios.normalP99AttackOverBaseline)} (max ${ms(a.normal.max)})` : 'no normal answer under attack',
    },
    {
      target: 'abuse: no normal request failed',
      met: measured ? b.normal.failed + a.normal.failed === 0 : null,
      figure: `${int(a.normal.failed)} of ${int(a.normal.sent)} failed under attack, ${int(b.normal.failed)} of ${int(b.normal.sent)} before`
        + `${a.normal.firstFailure ?? b.normal.firstFailure ? ` (first: ${a.normal.firstFailure ?? b.normal.firstFailure})` : ''}`,
    },
    {
      target: `abuse: event loop never blocked > ${EVENT_LOOP_TARGET_MS} ms`,
      met: Number.isFinite(worst) ? worst <= EVENT_LOOP_TARGET_MS : null,
      figure: Number.isFinite(worst)
        ? `max delay ${ms(a.eventLoop!.max)} under attack (p99 ${ms(a.eventLoop!.p99)}), ${ms(b.eventLoop!.max)} before`
        : `not measured: ${a.eventLoopProblem ?? b.eventLoopProblem ?? 'no event-loop figures'}`,
    },
    {
      target: `abuse: every abusive request refused (within the admission gate's wait, ${REFUSAL_TARGET_MS / 1000} s) or answered`,
      met: abuse.length > 0 ? badKinds.length === 0 : null,
      figure: abuse.length === 0 ? 'no abusive request sent'
        : badKinds.length === 0 ? `${int(abuse.reduce((s, k) => s + k.sent, 0))} requests of ${abuse.length} kinds; refusals p99 ${ms(Math.max(...abuse.filter((k) => k.expected.every((o) => o === 'refused')).map((k) => k.p99)))}, slowest ${ms(Math.max(...abuse.filter((k) => k.expected.every((o) => o === 'refused')).map((k) => k.max)))}`
          : badKinds.map((k) => `${k.key}: ${k.unexpected ? `${k.unexpected} of ${k.sent} not as expected (first: ${k.firstUnexpected})` : `slowest ${ms(k.max)}`}`).join('; '),
    },
  ];
}

const outcomeText = (k: AbuseKindResult) => [
  ...Object.entries(k.answers).sort((x, y) => y[1] - x[1]).map(([what, n]) => `${what} x${n}`),
  ...Object.entries(k.transportErrors).sort((x, y) => y[1] - x[1]).map(([what, n]) => `${what} x${n}`),
].join('; ');

export function printAbuse(r: AbuseResult): string {
  const rows = [['phase', 'seconds', 'normal answers', 'answers/s', 'p50', 'p99', 'max', 'failed', '/healthz p99', '/healthz max', 'event loop p99', 'event loop max', 'GC max', 'runner loop max', 'cores: gateway/simulators', 'RSS at end', 'heap after GC', 'admission limit/admitted/shed']];
  for (const p of r.phases) {
    rows.push([
      p.phase, p.seconds.toFixed(1), int(p.normal.ok), p.normal.rps.toFixed(1), ms(p.normal.p50), ms(p.normal.p99), ms(p.normal.max), int(p.normal.failed),
      ms(p.healthz.p99), ms(p.healthz.max), p.eventLoop ? ms(p.eventLoop.p99) : 'n/a', p.eventLoop ? ms(p.eventLoop.max) : 'n/a',
      p.eventLoop?.gc ? `${ms(p.eventLoop.gc.maxMs)}` : 'n/a', ms(p.runnerEventLoopMax),
      `${p.gatewayCores.toFixed(2)} / ${Number.isFinite(p.simulatorsCores) ? p.simulatorsCores.toFixed(2) : 'in it'}`, mb(p.rssMB * 1024 * 1024), mb(p.heapUsedAfterGcMB * 1024 * 1024),
      p.admission ? `${p.admission.limit}/${int(p.admission.admitted)}/${int(p.admission.refusedGroupQueueFull + p.admission.refusedQueueFull + p.admission.refusedWaitedTooLong)}` : 'n/a',
    ]);
  }
  const kinds = [['abusive request', 'clients', 'sent', 'expected', 'as expected', 'shed', 'p50', 'p99', 'max', 'largest answer', 'what came back']];
  for (const k of r.abuse) {
    kinds.push([
      k.key, String(k.concurrency), int(k.sent), `${k.expected.join('/')}${k.expectedCode ? ` ${k.expectedCode}` : ''}`,
      `${int(k.sent - k.unexpected - k.rateLimited)}/${int(k.sent)}`, int(k.rateLimited), ms(k.p50), ms(k.p99), ms(k.max),
      k.maxAnswerBytes >= 1024 * 1024 ? mb(k.maxAnswerBytes) : `${(k.maxAnswerBytes / 1024).toFixed(1)} KB`, outcomeText(k),
    ]);
  }
  const failures = r.phases.flatMap((p) => Object.entries(p.normal.failures).map(([what, n]) => `${p.phase}: ${what} x${n}`));
  return [
    `abuse: the demo federation (${r.federation.repositories} repositories, ${int(r.federation.cases)} cases), `
      + `${{ separate: 'its simulators in a process of their own (--abuse-simulators separate)', 'main-thread': 'its simulators in the gateway\'s own thread (--abuse-simulators main-thread)', thread: 'its simulators in a thread of the gateway\'s process as npm start runs them (their CPU counts as the gateway\'s)' }[r.federation.simulators]}, `
      + `cache ${r.gateway.cache}; ${r.phases[0]?.normal.concurrency ?? '?'} normal client(s)`
      + `${r.phases[0]?.normal.intervalMs ? `, one request per ${r.phases[0].normal.intervalMs} ms each at most` : ', closed loop'}, /healthz every ${HEALTH_POLL_MS} ms; `
      + `${r.secondsPerPhase} s baseline, then ${r.secondsPerPhase} s with the abusive clients`,
    `normal query: ${r.normalQuery} (35 filters in turn: a modality, with a sex or a cancer site, and a diagnosis-year window new per phase)`,
    table(rows),
    `ratios attack/baseline: normal p99 ${ratio(r.ratios.normalP99AttackOverBaseline)}, p50 ${ratio(r.ratios.normalP50AttackOverBaseline)}, `
      + `answers/s ${ratio(r.ratios.normalRpsAttackOverBaseline)}, /healthz p99 ${ratio(r.ratios.healthzP99AttackOverBaseline)}`,
    ...(failures.length ? [`normal failures: ${failures.join('; ')}`] : []),
    '',
    table(kinds),
    ...r.abuse.map((k) => `  ${k.key}: ${k.label}${k.finishedAfterWindow ? ` (${k.finishedAfterWindow} finished after the ${r.secondsPerPhase} s window)` : ''}`),
    ...r.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
