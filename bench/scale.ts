/**
 * Scenario "scale": 30 repositories in 15 countries, every simulated native API kind, 100,000 cases and about
 * 60 million images, native latencies of 50-300 ms, subgraphs in process (npm start's mode). Measures the
 * Europe-wide cohort cold (the cache has not seen the filter) and warm (the cache answers), the gateway's
 * overhead above the slowest repository, and the gateway's memory. The simulators run in a process of their own,
 * the gateway in another, the runner (the client) in a third. Then, to say which runtime the figures come from, a
 * fresh gateway process as it was right before the move to Node 24 (bench/baseline.ts) on the machine's Node 20,
 * and on Node 24, measured the same way over the same simulators, one after another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gatewayRuntimes, type BaselineSetup, type GatewayRuntime } from './baseline';
import type { EventLoopDelay, Window } from './gateways/this-gateway';
import { PRODUCTION_NODE_FLAGS, PRODUCTION_RUNTIME_ENV } from './production-env';
import { startChild, type Child } from './ipc';
import { loadTarget, query, runLoad, type LoadTarget } from './load';
import { scaleFederation, type ScaleOptions } from './scale-data';
import { int, mb, ms, ratio, summarize, table } from './stats';
import type { Verdict } from './fanout';
import type { ScaleSimulatorsReady } from './upstream/scale-simulators';

export interface ScaleRunOptions extends ScaleOptions {
  /** Cold samples: distinct filters, each asked once. */
  cold: number;
  /** Warm samples: the first filter asked again. */
  warm: number;
  /** Seconds of concurrent warm load after the samples (0: none), to see memory under load. */
  duration: number;
  concurrency: number;
  /** Apply the native latency while the adapters harvest their indexes too (slow at full scale). */
  latencyDuringHarvest: boolean;
  /** Processes the simulators are spread over (generation runs in parallel). */
  simulatorProcesses: number;
  /** Where to write a CPU profile of this gateway (work tree) during its cold queries. */
  profileCold?: string;
  /** Also run the gateway from before the move on Node 20 (and on Node 24 with beforeOnNode24). */
  node20: boolean;
  beforeOnNode24: boolean;
  baseline?: BaselineSetup;
}

/** One runtime's gateway run (NaN figures and `problem` when it did not run). */
export interface ScaleRuntimeRow {
  gateway: GatewayRuntime['key'];
  label: string;
  node: string;
  tree: string;
  gatewayStartMs: number;
  harvestMs: number;
  firstQueryMs: number;
  queryForm?: 'Query.cohort' | 'repositories { cohort }';
  cold: { p50: number; p99: number };
  warmP50: number;
  /** Warm queries that reached a native API (0: the cache answered every one). */
  warmWithNativeRequests: number;
  overheadP50: number;
  rssAfterWarmUpMB: number;
  rssAfterGcMB: number;
  heapUsedAfterGcMB: number;
  rssAfterLoadMB?: number;
  load?: ScaleResult['load'];
  incomplete?: string;
  problems: string[];
  problem?: string;
}

/** One runtime's figures over another's. */
export interface ScaleRatioSet { coldP50: number; coldP99: number; warmP50: number; overheadP50: number; rssAfterWarmUp: number; rssAfterGc: number }

export const OVERHEAD_TARGET_MS = 3;
export const COLD_TARGET_MS = { p50: 600, p99: 1500 };
export const WARM_TARGET_MS = 50;
export const RSS_TARGET_MB = 300;
/**
 * Quiet time before the second memory reading of each phase: past the gateway's idle memory release (2 s without a
 * request, gateway/runtime/idle-memory-release.ts), which gives back what V8 keeps after a burst of garbage.
 */
const QUIET_MS = 3000;

interface GatewayReady { url: string; startMs: number; rss: number; cache?: { description: string; stats?: Record<string, number> } | null }

interface Sample {
  filter: Record<string, unknown>;
  e2eMs: number;
  /** Slowest repository by its native requests (first start to last end). */
  slowestNativeMs: number;
  slowestNativeRepository?: string;
  /** Slowest repository subgraph call (adapter + native). */
  slowestSubgraphMs: number;
  /** In the gateway: from the request's arrival to its answer handed to the operating system (absent for older code). */
  gatewayMs?: number;
  /**
   * The slowest repository's own work inside its subgraph call: before its first native request was sent, and
   * after its last native answer came (parsing, mapping, counting). Where the overhead above it goes.
   */
  slowestAdapterMs?: { before: number; after: number };
  nativeRequests: number;
  native: Record<string, number>;
  nativeCount: Record<string, number>;
  problems: string[];
  /** Repositories that did not answer this query. */
  failed: string[];
}

export interface ScaleResult {
  scenario: 'scale';
  federation: {
    repositories: number; countries: number; kinds: Record<string, number>; latencyMs: [number, number]; timeoutMs: number;
    cases: number; studies: number; series: number; images: number;
  };
  setup: { generateMs: number; simulatorsStartMs: number; simulatorProcesses: number; gatewayStartMs: number; harvestMs: number; latencyDuringHarvest: boolean; simulatorsRssMB: number };
  queryForm: 'Query.cohort' | 'repositories { cohort }';
  query: string;
  /** The first query after start (plans built, nothing cached), ms. */
  firstQueryMs: number;
  /** The question asked while the indexes harvested: its time and how many repositories answered in each state. */
  duringHarvest: {
    ms: number; states: Record<string, number>; kinds?: Record<string, Record<string, number>>;
    /** The repositories whose part took longest (Query.cohort form): what the question waited for. */
    slowest?: Array<{ id: string; kind: string; state: string; latencyMs: number }>;
    /** The gateway's event loop meanwhile: its longest and p99 delay, and the time in garbage collection. */
    eventLoop?: { maxMs: number; p99Ms: number; gcMs: number };
  };
  cache: string;
  cold: {
    n: number; p50: number; p90: number; p99: number; overheadP50: number; overheadP90: number; overheadOverSubgraphP50: number; slowestNativeP50: number; nativeRequestsPerQuery: number;
    /**
     * The overhead split, p50 of each (null for older code): in the gateway, from the request's arrival to its answer
     * handed to the operating system, above the slowest repository's native time; and the client's side of the HTTP
     * exchange (end to end minus the time in the gateway: the client's sending and reading, the loopback between).
     */
    inGatewayOverheadP50: number | null; clientExchangeP50: number | null;
    /**
     * What any request costs end to end, p50 (ms), asked right after another and after the gateway was idle for
     * `idleMs`: the HTTP exchange alone (GET /healthz), and the whole pipeline asking the catalog only.
     */
    fixedCost: { idleMs: number; healthz: { backToBackP50: number; afterIdleP50: number }; catalogOnly: { backToBackP50: number; afterIdleP50: number } };
    /** The slowest repository's adapter work before its first and after its last native request, p50 (ms), and its kinds. */
    slowestAdapter: { beforeP50: number; afterP50: number; kinds: Record<string, number> };
    slowest: Array<{ filter: Record<string, unknown>; e2eMs: number; repository: string | null; nativeMs: number; nativeRequests: number; problems: string[] }>;
  };
  warm: { n: number; p50: number; p90: number; p99: number; withNativeRequests: number; overheadP50: number };
  repositories: Array<{ id: string; apiKind: string; country: string; configuredLatencyMs: number; nativeP50Ms: number | null; nativeRequestsPerColdQuery: number }>;
  memory: { rssAfterWarmUpMB: number; rssAfterQuietMB: number; rssAfterLoadQuietMB?: number; memoryReleases: GatewayMeasurement['memoryReleases']; heapUsedAfterWarmUpMB: number; rssAfterGcMB: number; heapUsedAfterGcMB: number; rssAfterLoadMB?: number; heapUsedAfterLoadGcMB?: number; heapTotalAfterGcMB: number; externalAfterGcMB: number; arrayBuffersAfterGcMB: number };
  load?: { concurrency: number; seconds: number; rps: number; p50: number; p99: number; errors: number };
  /** Which repositories did not answer, in how many queries. */
  incomplete?: string;
  /** This gateway now, then before the move on Node 20 and on Node 24: a fresh gateway each, same simulators. */
  runtimes: ScaleRuntimeRow[];
  /** Now (Node 24) / before (Node 20); runtime only: before on 24 / before on 20; code only: now / before on 24. */
  runtimeRatios: { nowOverBeforeNode20: ScaleRatioSet; runtimeOnly: ScaleRatioSet; codeOnly: ScaleRatioSet };
  problems: string[];
  verdicts: Verdict[];
}

const MODALITIES = ['MR', 'CT', 'PT', 'MG', 'US', 'NM'];
const SEXES = ['FEMALE', 'MALE'];
const SITES = ['LUNG', 'BREAST', 'PROSTATE', 'COLON'];

/** Distinct filters, the first one being the fan-out scenario's {modalities: [MR]}. */
export function coldFilters(n: number): Array<Record<string, unknown>> {
  const filters: Array<Record<string, unknown>> = MODALITIES.map((m) => ({ modalities: [m] }));
  for (const sex of SEXES) for (const m of MODALITIES) filters.push({ modalities: [m], sex: [sex] });
  for (const site of SITES) for (const m of MODALITIES) filters.push({ cancerSites: [site], modalities: [m] });
  for (let low = 20; filters.length < n; low += 5) filters.push({ ageAtDiagnosis: { min: low, max: low + 30 } });
  return filters.slice(0, n);
}

/** Not among the cold filters. */
const PRIMING_FILTER = { sex: ['OTHER'] };
/**
 * The gateway's fixed cost of a request, for comparison with the overhead: the same HTTP exchange and Apollo pipeline
 * (plan, one in-process fetch, result shaping, answer written) asking only the catalog, for repositories of an API
 * kind no one has (an empty list). A new kind each time, so that no held answer is given instead.
 */
const CATALOG_ONLY_QUERY = 'query CatalogOnly($apiKinds: [String!]) { repositories(where: { apiKinds: $apiKinds }) { id } }';
/** The question asked while the indexes harvest: a filter and an operation name no other sample uses (its own plan). */
const DURING_HARVEST_FILTER = { sex: ['MALE'], modalities: ['PT'] };

const EUROPE_QUERY = 'query Cohort($where: CaseFilter) { cohort(where: $where) { total { subjects studies series images exact } complete repositories { repositoryId status { state code } } } }';
const FANOUT_QUERY = 'query Cohort($where: CaseFilter) { repositories { id cohort(where: $where) { subjects studies series images exact } } }';

/** Query.cohort when the supergraph has the Europe-wide subgraph, else the per-repository fan-out. */
async function detectQueryForm(target: LoadTarget): Promise<ScaleResult['queryForm']> {
  const answer = await query(target, '{ __type(name: "Query") { fields { name type { name kind ofType { name } } } } }');
  const fields = (answer.body?.data?.__type?.fields ?? []) as Array<{ name: string; type: { name: string | null; ofType?: { name: string | null } } }>;
  const cohort = fields.find((f) => f.name === 'cohort');
  return cohort && (cohort.type.name ?? cohort.type.ofType?.name) === 'FederatedCohort' ? 'Query.cohort' : 'repositories { cohort }';
}

/** What went wrong in an answer, and the repositories that did not answer (failed, timed out, circuit open). */
function problemsOf(body: any, form: ScaleResult['queryForm']): { problems: string[]; failed: string[] } {
  const errors = (body?.errors ?? []) as Array<{ message: string; extensions?: { repositoryId?: string; code?: string } }>;
  const problems = errors.map((e) => `${e.extensions?.code ?? 'error'}: ${e.message}`);
  const failed = errors.map((e) => e.extensions?.repositoryId).filter((id): id is string => typeof id === 'string');
  if (form === 'Query.cohort') {
    for (const r of body?.data?.cohort?.repositories ?? []) {
      if (!['OK', 'PARTIAL', 'INCOMPLETE', 'NOT_SUPPORTED'].includes(r.status?.state)) {
        problems.push(`${r.repositoryId}: ${r.status?.state} ${r.status?.code ?? ''}`.trim());
        failed.push(r.repositoryId);
      }
    }
  }
  return { problems, failed: [...new Set(failed)] };
}

/**
 * How each repository answered: its state in a Europe-wide answer, or OK / its error code in the fan-out form; and,
 * per state, the repositories' API kinds.
 */
function statesOf(
  answer: { status: number; body: any; ms: number }, form: ScaleResult['queryForm'], kindOf: ReadonlyMap<string, string>,
): ScaleResult['duringHarvest'] {
  const states: Record<string, number> = {};
  const kinds: Record<string, Record<string, number>> = {};
  const add = (state: string, id?: string) => {
    states[state] = (states[state] ?? 0) + 1;
    const kind = (id && kindOf.get(id)) || 'unknown';
    kinds[state] = { ...kinds[state], [kind]: (kinds[state]?.[kind] ?? 0) + 1 };
  };
  if (answer.status !== 200) add(`HTTP ${answer.status}`);
  else if (form === 'Query.cohort') {
    const parts: any[] = answer.body?.data?.cohort?.repositories ?? [];
    for (const r of parts) add(String(r.status?.state), r.repositoryId);
    const slowest = parts.filter((r) => typeof r.status?.latencyMs === 'number').sort((a, b) => b.status.latencyMs - a.status.latencyMs).slice(0, 3)
      .map((r) => ({ id: String(r.repositoryId), kind: kindOf.get(r.repositoryId) ?? 'unknown', state: String(r.status.state), latencyMs: r.status.latencyMs as number }));
    return { ms: answer.ms, states, kinds, slowest };
  } else {
    const failed = new Map<string, string>();
    for (const e of answer.body?.errors ?? []) if (e.extensions?.repositoryId) failed.set(e.extensions.repositoryId, String(e.extensions.code));
    for (const r of answer.body?.data?.repositories ?? []) add(failed.get(r.id) ?? 'OK', r.id);
  }
  return { ms: answer.ms, states, kinds };
}

/** "slowest: nbia-3 (nbia, INCOMPLETE) 9,870 ms, …": what a question waited for. */
function describeSlowest({ slowest, eventLoop }: ScaleResult['duringHarvest']): string {
  return (slowest?.length ? `; slowest: ${slowest.map((s) => `${s.id} (${s.kind}, ${s.state}) ${ms(s.latencyMs, 0)}`).join(', ')}` : '')
    + (eventLoop ? `; the gateway's event loop meanwhile: longest delay ${ms(eventLoop.maxMs, 0)}, p99 ${ms(eventLoop.p99Ms, 0)}, ${ms(eventLoop.gcMs, 0)} collecting garbage` : '');
}

/** "OK 14, WARMING 7 (xnat 4, dicomweb 3)": the kinds of the repositories in each state but OK. */
function describeStates(states: Record<string, number>, kinds: Record<string, Record<string, number>> = {}): string {
  const kindsOf = (state: string) => Object.entries(kinds[state] ?? {}).sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(', ');
  return Object.entries(states).sort((a, b) => b[1] - a[1])
    .map(([state, n]) => `${state} ${n}${state !== 'OK' && kinds[state] ? ` (${kindsOf(state)})` : ''}`).join(', ') || 'no repository';
}

async function sample(
  gateway: Child<GatewayReady>, target: LoadTarget, text: string, filter: Record<string, unknown>, form: ScaleResult['queryForm'], repositoryIds: ReadonlySet<string>,
): Promise<Sample> {
  await gateway.call('mark');
  const answer = await query(target, text, { where: filter });
  const window = await gateway.call<Window>('collect');
  const native: Record<string, number> = {};
  const nativeCount: Record<string, number> = {};
  let slowestNativeMs = 0;
  let slowestNativeRepository: string | undefined;
  let nativeRequests = 0;
  for (const [id, list] of Object.entries(window.native)) {
    const call = window.subgraph[id];
    // Requests sent before this query asked the repository are left over from an earlier query (an adapter that
    // goes on paging after its timeout), and the gateway stops waiting when the repository's call ends.
    const requests = call ? list.filter(([sent]) => sent >= call.first - 1) : list;
    if (requests.length === 0) continue;
    const first = Math.min(...requests.map(([sent]) => sent));
    const last = Math.min(Math.max(...requests.map(([, answered]) => answered)), call?.last ?? Infinity);
    native[id] = Math.max(0, last - first);
    nativeCount[id] = requests.length;
    nativeRequests += requests.length;
    if (native[id] > slowestNativeMs) {
      slowestNativeMs = native[id];
      slowestNativeRepository = id;
    }
  }
  const slowestCall = slowestNativeRepository ? window.subgraph[slowestNativeRepository] : undefined;
  const slowestRequests = slowestNativeRepository ? window.native[slowestNativeRepository].filter(([sent]) => !slowestCall || sent >= slowestCall.first - 1) : [];
  const slowestAdapterMs = slowestCall && slowestRequests.length > 0 ? {
    before: Math.max(0, Math.min(...slowestRequests.map(([sent]) => sent)) - slowestCall.first),
    after: Math.max(0, slowestCall.last - Math.max(...slowestRequests.map(([, answered]) => answered))),
  } : undefined;
  // Repository subgraph calls only: the catalog's and the Europe-wide subgraph's calls are the gateway's own work.
  const repositorySpans = Object.entries(window.subgraph).filter(([name]) => repositoryIds.has(name));
  const slowestSubgraphMs = Math.max(0, ...repositorySpans.map(([, span]) => span.last - span.first));
  // The window's one GraphQL request (the runner asks nothing else of the gateway over HTTP meanwhile).
  const http = window.http?.at(-1);
  return {
    filter, e2eMs: answer.ms, slowestNativeMs, slowestNativeRepository, slowestSubgraphMs, slowestAdapterMs, nativeRequests, native, nativeCount,
    gatewayMs: http ? http[1] - http[0] : undefined,
    ...(answer.status === 200 ? problemsOf(answer.body, form) : { problems: [`HTTP ${answer.status}`], failed: [] }),
  };
}

/** What the runs of every gateway share: the simulators (started once), the config pointing at them, the filters. */
interface ScaleContext {
  options: ScaleRunOptions;
  configFile: string;
  simulators: { call: (cmd: string, args?: unknown) => Promise<unknown[]> };
  ids: ReadonlySet<string>;
  /** Each repository's API kind, by id. */
  kindOf: ReadonlyMap<string, string>;
  filters: Array<Record<string, unknown>>;
}

/** Everything one gateway process gave, before it is summarized. */
/**
 * End-to-end times (ms) of requests any client makes, asked one at a time after the cold queries: GET /healthz and
 * CATALOG_ONLY_QUERY, each one right after another, and each after `idleMs` without a request (the cold queries'
 * slowest native time, p50).
 */
interface FixedCost {
  idleMs: number;
  healthz: { backToBack: number[]; afterIdle: number[] };
  catalogOnly: { backToBack: number[]; afterIdle: number[] };
}

/** GET /healthz, timed as `query` times a GraphQL request. */
async function healthz(target: LoadTarget): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const answer = await target.pool.request({ method: 'GET', path: '/healthz', headersTimeout: 60_000, bodyTimeout: 60_000 });
  await answer.body.text();
  return { status: answer.statusCode, body: null, ms: performance.now() - started };
}

interface GatewayMeasurement {
  startMs: number;
  harvestMs: number;
  form: ScaleResult['queryForm'];
  text: string;
  first: Sample;
  /** The question asked while the indexes harvested: its time and the repositories' states (or error codes). */
  duringHarvest: ScaleResult['duringHarvest'];
  cold: Sample[];
  fixedCost: FixedCost;
  warm: Sample[];
  afterWarmUp: NodeJS.MemoryUsage;
  /** After QUIET_MS without a request: the gateway's idle memory release has had its chance. */
  afterQuiet: NodeJS.MemoryUsage;
  afterGc: NodeJS.MemoryUsage;
  rssAfterLoadQuiet?: number;
  /** The idle memory release's counters at the end (null: the gateway has none). */
  memoryReleases: { releases: number; seconds: number; bytesReleased: number } | null;
  load?: ScaleResult['load'];
  rssAfterLoad?: number;
  heapUsedAfterLoadGc?: number;
  cacheInfo: GatewayReady['cache'];
  problems: string[];
}

/**
 * Starts a fresh gateway of the given runtime over the running simulators, lets it harvest, samples it cold and
 * warm, reads its memory, loads it, and stops it (so the next runtime's gateway has the machine's memory).
 */
async function measureGateway(runtime: GatewayRuntime, ctx: ScaleContext, log: (line: string) => void): Promise<GatewayMeasurement> {
  const { options, simulators, ids, filters } = ctx;
  const say = (line: string) => log(`scale${runtime.key === 'now' ? '' : ` [${runtime.label}]`}: ${line}`);
  const problems: string[] = [];
  // Every gateway harvests from scratch: the native latency is off for its harvest again (unless kept on), on for its queries.
  await simulators.call('latency', options.latencyDuringHarvest);
  const gateway = await startChild<GatewayReady>(`${runtime.label} (scale)`, runtime.module, {
    // The C library's memory settings the production image sets (deploy/Dockerfile, deploy/runtime.env).
    env: { BENCH_CONFIG_FILE: ctx.configFile, BENCH_INSTRUMENT: '1', BENCH_WARM_UP: '1', RATE_LIMIT_PER_MINUTE: '0', ...PRODUCTION_RUNTIME_ENV },
    // --expose-gc only to read the live memory after a full collection as well (the gateway's own idle release
    // makes its collector apart); and the V8 flags of the production start (package.json start:prod).
    execArgv: ['--expose-gc', ...PRODUCTION_NODE_FLAGS],
    execPath: runtime.execPath,
    cwd: runtime.cwd,
  });
  let target: LoadTarget | undefined;
  try {
    say(`gateway up in ${ms(gateway.ready.startMs, 0)} on Node ${runtime.node}; one question while the adapters harvest their indexes ...`);
    target = loadTarget(gateway.ready.url, Math.max(1, options.concurrency));
    const form = await detectQueryForm(target);
    const text = form === 'Query.cohort' ? EUROPE_QUERY : FANOUT_QUERY;
    // As a portal asking right after a start would (README "Ready means warm"): how long, and how each repository
    // answered. Under its own operation name, so that the first query below still builds its plans.
    // Each repository's latency too: what the question waited for.
    const duringHarvestText = text.replace(/^query Cohort\b/, 'query CohortDuringHarvest').replace('status { state code }', 'status { state code latencyMs }');
    // (A gateway child of older code may not sample its event loop.)
    const sampling = await gateway.call('eventLoop', 'start').then(() => true, () => false);
    const duringHarvest = statesOf(await query(target, duringHarvestText, { where: DURING_HARVEST_FILTER }), form, ctx.kindOf);
    const loop = sampling ? await gateway.call<EventLoopDelay | null>('eventLoop', 'stop') : null;
    if (loop) duringHarvest.eventLoop = { maxMs: loop.max, p99Ms: loop.p99, gcMs: loop.gc.totalMs };
    say(`  asked while harvesting: ${ms(duringHarvest.ms, 0)}, ${describeStates(duringHarvest.states, duringHarvest.kinds)}${describeSlowest(duringHarvest)}; waiting for the harvests ...`);
    const harvest = await gateway.call<{ ms: number; failures: string[] }>('harvest');
    problems.push(...harvest.failures);
    say(`harvests done in ${ms(harvest.ms, 0)}${harvest.failures.length ? ` (${harvest.failures.length} failed)` : ''}`);
    if (!options.latencyDuringHarvest) await simulators.call('latency', true);

    say(`${options.cold} cold and ${options.warm} warm ${form} queries, one at a time ...`);
    // The first query after start also builds the query plans (cached by query text afterwards): timed apart,
    // with a filter the samples do not use.
    const first = await sample(gateway, target, text, PRIMING_FILTER, form, ids);
    problems.push(...first.problems.map((p) => `first query: ${p}`));
    const cold: Sample[] = [];
    const profile = runtime.key === 'now' ? options.profileCold : undefined;
    if (profile) await gateway.call('profile', { action: 'start' });
    for (const filter of filters) cold.push(await sample(gateway, target, text, filter, form, ids));
    if (profile) say(`CPU profile of the cold queries: ${await gateway.call<string>('profile', { action: 'stop', file: resolve(profile) })}`);
    // Any request's fixed cost, for comparison with the overhead: the HTTP exchange alone (GET /healthz) and a request
    // through the whole pipeline asking the catalog only. Each twice: one right after another (as the cold queries
    // are sent), and each after the gateway has been idle as long as a cold query waits for its slowest repository
    // (a process that has slept answers more slowly: its caches are cold, the machine may have given its core away).
    const idleMs = Math.round(summarize(cold.map((s) => s.slowestNativeMs)).p50);
    const fixedCost: FixedCost = { idleMs, healthz: { backToBack: [], afterIdle: [] }, catalogOnly: { backToBack: [], afterIdle: [] } };
    for (const probe of ['healthz', 'catalogOnly'] as const) {
      for (const phase of ['backToBack', 'afterIdle'] as const) {
        for (let i = 0; i < filters.length; i++) {
          // As each cold query was asked: between the instrumentation's mark and collect.
          await gateway.call('mark');
          if (phase === 'afterIdle') await sleep(idleMs);
          const answer = probe === 'healthz' ? await healthz(target) : await query(target, CATALOG_ONLY_QUERY, { apiKinds: [`no-such-kind-${phase}-${i}`] });
          await gateway.call('collect');
          const ok = answer.status === 200 && (probe === 'healthz' || (!answer.body?.errors && Array.isArray(answer.body?.data?.repositories)));
          if (ok) fixedCost[probe][phase].push(answer.ms);
          else problems.push(`${probe} probe: HTTP ${answer.status} ${JSON.stringify(answer.body?.errors ?? null).slice(0, 200)}`);
        }
      }
    }
    // Untimed: fills the cache again should the first cold answer have expired since (cacheTtlSeconds).
    await query(target, text, { where: filters[0] });
    const warm: Sample[] = [];
    for (let i = 0; i < options.warm; i++) warm.push(await sample(gateway, target, text, filters[0], form, ids));
    for (const s of [...cold, ...warm]) for (const p of s.problems) problems.push(`${JSON.stringify(s.filter)}: ${p}`);

    const afterWarmUp = await gateway.call<NodeJS.MemoryUsage>('memory');
    await sleep(QUIET_MS);
    const afterQuiet = await gateway.call<NodeJS.MemoryUsage>('memory');
    const afterGc = await gateway.call<NodeJS.MemoryUsage>('gc');
    let load: ScaleResult['load'];
    let rssAfterLoad: number | undefined;
    let rssAfterLoadQuiet: number | undefined;
    let heapUsedAfterLoadGc: number | undefined;
    if (options.duration > 0) {
      say(`${options.duration} s of warm load from ${options.concurrency} clients ...`);
      const run = await runLoad(target, JSON.stringify({ query: text, variables: { where: filters[0] } }), options.concurrency, options.duration);
      const s = summarize(run.latencies);
      load = { concurrency: options.concurrency, seconds: options.duration, rps: run.rps, p50: s.p50, p99: s.p99, errors: run.errors };
      if (run.firstError) problems.push(`under load: ${run.firstError}`);
      rssAfterLoad = (await gateway.call<NodeJS.MemoryUsage>('memory')).rss;
      await sleep(QUIET_MS);
      rssAfterLoadQuiet = (await gateway.call<NodeJS.MemoryUsage>('memory')).rss;
      // What stays of the load once collected: garbage V8 had not yet collected, or something kept.
      heapUsedAfterLoadGc = (await gateway.call<NodeJS.MemoryUsage>('gc')).heapUsed;
    }
    const cacheInfo = await gateway.call<GatewayReady['cache']>('cache');
    // A gateway of older code has no such command.
    const memoryReleases = await gateway.call<GatewayMeasurement['memoryReleases']>('memoryRelease').catch(() => null);
    return {
      startMs: gateway.ready.startMs, harvestMs: harvest.ms, form, text, first, duringHarvest, cold, fixedCost, warm, afterWarmUp, afterQuiet, afterGc, load, rssAfterLoad, rssAfterLoadQuiet,
      heapUsedAfterLoadGc, cacheInfo, memoryReleases, problems,
    };
  } finally {
    await target?.pool.close();
    await gateway.stop();
  }
}

/** Which repositories did not answer, in how many queries; undefined when every query was complete. */
function incompleteOf(cold: Sample[], warm: Sample[]): string | undefined {
  const coldFailed = cold.filter((s) => s.failed.length > 0);
  const warmFailed = warm.filter((s) => s.failed.length > 0);
  const failedIds = [...new Set([...cold, ...warm].flatMap((s) => s.failed))];
  return coldFailed.length + warmFailed.length > 0
    ? `repositories that did not answer (${failedIds.join(', ')}) in ${coldFailed.length}/${cold.length} cold and ${warmFailed.length}/${warm.length} warm queries`
    : undefined;
}

/** One runtime's row of the runtime comparison. */
function runtimeRow(runtime: GatewayRuntime, m: GatewayMeasurement): ScaleRuntimeRow {
  const cold = summarize(m.cold.map((s) => s.e2eMs));
  return {
    gateway: runtime.key, label: runtime.label, node: runtime.node, tree: runtime.tree,
    gatewayStartMs: m.startMs, harvestMs: m.harvestMs, firstQueryMs: m.first.e2eMs, queryForm: m.form,
    cold: { p50: cold.p50, p99: cold.p99 }, warmP50: summarize(m.warm.map((s) => s.e2eMs)).p50,
    warmWithNativeRequests: m.warm.filter((s) => s.nativeRequests > 0).length,
    overheadP50: summarize(m.cold.map((s) => s.e2eMs - s.slowestNativeMs)).p50,
    rssAfterWarmUpMB: m.afterWarmUp.rss / 1024 / 1024, rssAfterGcMB: m.afterGc.rss / 1024 / 1024, heapUsedAfterGcMB: m.afterGc.heapUsed / 1024 / 1024,
    rssAfterLoadMB: m.rssAfterLoad ? m.rssAfterLoad / 1024 / 1024 : undefined, load: m.load,
    incomplete: incompleteOf(m.cold, m.warm),
    problems: [...new Set(m.problems)].slice(0, 5),
  };
}

function missingRow(runtime: GatewayRuntime, problem: string): ScaleRuntimeRow {
  return {
    gateway: runtime.key, label: runtime.label, node: runtime.node, tree: runtime.tree, gatewayStartMs: NaN, harvestMs: NaN, firstQueryMs: NaN,
    cold: { p50: NaN, p99: NaN }, warmP50: NaN, warmWithNativeRequests: NaN, overheadP50: NaN, rssAfterWarmUpMB: NaN, rssAfterGcMB: NaN, heapUsedAfterGcMB: NaN, problems: [], problem,
  };
}

function scaleRatioSet(a: ScaleRuntimeRow | undefined, b: ScaleRuntimeRow | undefined): ScaleRatioSet {
  const of = (pick: (r: ScaleRuntimeRow) => number) => (a && b ? pick(a) / pick(b) : NaN);
  return {
    coldP50: of((r) => r.cold.p50), coldP99: of((r) => r.cold.p99), warmP50: of((r) => r.warmP50), overheadP50: of((r) => r.overheadP50),
    rssAfterWarmUp: of((r) => r.rssAfterWarmUpMB), rssAfterGc: of((r) => r.rssAfterGcMB),
  };
}

/** The extra runtimes, one after another, each a fresh gateway over the same simulators; a failure only fails its row. */
async function measureRuntimes(runtimes: GatewayRuntime[], ctx: ScaleContext, log: (line: string) => void): Promise<ScaleRuntimeRow[]> {
  const rows: ScaleRuntimeRow[] = [];
  for (const runtime of runtimes) {
    if (runtime.problem) {
      rows.push(missingRow(runtime, runtime.problem));
      continue;
    }
    try {
      rows.push(runtimeRow(runtime, await measureGateway(runtime, ctx, log)));
    } catch (error) {
      const message = (error as Error).message.split('\n')[0];
      log(`scale [${runtime.label}]: failed: ${message}`);
      rows.push(missingRow(runtime, `failed: ${message}`));
    }
  }
  return rows;
}

export async function runScale(options: ScaleRunOptions, log: (line: string) => void): Promise<ScaleResult> {
  const entries = scaleFederation(options);
  const dir = mkdtempSync(join(tmpdir(), 'eucaim-bench-'));
  const children: Child<unknown>[] = [];
  try {
    log(`scale: generating ${int(options.cases)} cases in ${entries.length} repositories and starting their simulators in ${options.simulatorProcesses} process(es) ...`);
    // Generation and the simulators' own indexing split over processes that start together (about twice as fast
    // on two cores); each scales its image counts to its share of the total.
    const groups = Array.from({ length: Math.min(options.simulatorProcesses, entries.length) }, (_, g) => entries.filter((_, i) => i % options.simulatorProcesses === g));
    const totalCases = entries.reduce((a, e) => a + (e.raw.simulate as { cases: number }).cases, 0);
    const simulatorChildren = await Promise.all(groups.map((group, g) => {
      const file = join(dir, `scale-${g}.json`);
      writeFileSync(file, JSON.stringify(group));
      const cases = group.reduce((a, e) => a + (e.raw.simulate as { cases: number }).cases, 0);
      return startChild<ScaleSimulatorsReady>(`scale simulators ${g + 1}`, join(__dirname, 'upstream', 'scale-simulators.ts'), {
        env: { BENCH_SCALE_FILE: file, BENCH_SCALE_IMAGES: String(Math.round((options.images * cases) / Math.max(1, totalCases))) },
        execArgv: ['--max-old-space-size=8192'],
      });
    }));
    children.push(...simulatorChildren);
    const simulators = {
      call: async (cmd: string, args?: unknown) => Promise.all(simulatorChildren.map((child) => child.call(cmd, args))),
      generateMs: Math.max(...simulatorChildren.map((c) => c.ready.generateMs)),
      startMs: Math.max(...simulatorChildren.map((c) => c.ready.startMs)),
    };
    const endpoints: Record<string, string> = Object.assign({}, ...simulatorChildren.map((c) => c.ready.endpoints));
    const totals = { cases: 0, studies: 0, series: 0, images: 0 };
    for (const child of simulatorChildren) for (const key of Object.keys(totals) as Array<keyof typeof totals>) totals[key] += child.ready.totals[key];
    log(`scale: ${int(totals.cases)} cases, ${int(totals.images)} images generated in ${ms(simulators.generateMs, 0)}; simulators up in ${ms(simulators.startMs, 0)}`);

    const configFile = join(dir, 'federation.json');
    writeFileSync(configFile, JSON.stringify({ repositories: entries.map((e) => ({ ...e.raw, endpoint: endpoints[e.raw.id as string] })) }));
    const ctx: ScaleContext = { options, configFile, simulators, ids: new Set(entries.map((e) => e.raw.id as string)),
      kindOf: new Map(entries.map((e) => [e.raw.id as string, e.raw.apiKind as string])), filters: coldFilters(options.cold) };
    const [now, ...before] = gatewayRuntimes(options.baseline, options, { now: 'this gateway' });
    // This gateway as it is now first: its run is the scenario's result and its verdicts, as without the runtime rows.
    const m = await measureGateway(now, ctx, log);
    const simulatorsRss = (await simulators.call('memory') as NodeJS.MemoryUsage[]).reduce((a, mem) => a + mem.rss, 0);
    const runtimes = [runtimeRow(now, m), ...await measureRuntimes(before, ctx, log)];
    const row = (key: GatewayRuntime['key']) => runtimes.find((r) => r.gateway === key && r.problem === undefined);
    const runtimeRatios = {
      nowOverBeforeNode20: scaleRatioSet(row('now'), row('before-node20')),
      runtimeOnly: scaleRatioSet(row('before-node24'), row('before-node20')),
      codeOnly: scaleRatioSet(row('now'), row('before-node24')),
    };
    const { cold, warm, afterWarmUp, afterQuiet, afterGc, rssAfterLoad, rssAfterLoadQuiet, heapUsedAfterLoadGc, cacheInfo, memoryReleases } = m;

    const coldS = summarize(cold.map((s) => s.e2eMs));
    const overhead = summarize(cold.map((s) => s.e2eMs - s.slowestNativeMs));
    const overSubgraph = summarize(cold.map((s) => s.e2eMs - s.slowestSubgraphMs));
    const timedInGateway = cold.filter((s): s is Sample & { gatewayMs: number } => s.gatewayMs !== undefined);
    const inGateway = timedInGateway.length ? summarize(timedInGateway.map((s) => s.gatewayMs - s.slowestNativeMs)).p50 : null;
    const clientExchange = timedInGateway.length ? summarize(timedInGateway.map((s) => s.e2eMs - s.gatewayMs)).p50 : null;
    const warmS = summarize(warm.map((s) => s.e2eMs));
    const warmOverhead = summarize(warm.map((s) => s.e2eMs - s.slowestNativeMs));
    const withNative = warm.filter((s) => s.nativeRequests > 0).length;
    const coldFailed = cold.filter((s) => s.failed.length > 0);
    const warmFailed = warm.filter((s) => s.failed.length > 0);
    const repositories = entries.map((e) => {
      const id = e.raw.id as string;
      const times = cold.map((s) => s.native[id]).filter((t): t is number => t !== undefined);
      return {
        id, apiKind: e.raw.apiKind as string, country: e.raw.country as string, configuredLatencyMs: e.latencyMs,
        nativeP50Ms: times.length ? summarize(times).p50 : null,
        nativeRequestsPerColdQuery: cold.reduce((a, s) => a + (s.nativeCount[id] ?? 0), 0) / Math.max(1, cold.length),
      };
    });
    const { kindOf } = ctx;
    const kindCounts: Record<string, number> = {};
    for (const e of entries) kindCounts[e.raw.apiKind as string] = (kindCounts[e.raw.apiKind as string] ?? 0) + 1;
    const cacheDescription = cacheInfo ? `${cacheInfo.description}${cacheInfo.stats ? ` (hits ${cacheInfo.stats.hits}, misses ${cacheInfo.stats.misses})` : ''}` : 'none';
    const rssMB = afterWarmUp.rss / 1024 / 1024;
    const quietRssMB = Math.max(afterQuiet.rss, rssAfterLoadQuiet ?? 0) / 1024 / 1024;
    const verdicts: Verdict[] = [
      {
        target: 'scale: a question while the indexes harvest is answered, no repository TIMED_OUT (ready means warm)',
        met: !m.duringHarvest.states.TIMED_OUT && !m.duringHarvest.states.REPOSITORY_TIMEOUT,
        figure: `${ms(m.duringHarvest.ms, 0)}: ${describeStates(m.duringHarvest.states, m.duringHarvest.kinds)}${describeSlowest(m.duringHarvest)}`,
      },
      {
        target: `scale: cold Europe-wide cohort at most ${ms(COLD_TARGET_MS.p50, 0)} p50 and ${ms(COLD_TARGET_MS.p99, 0)} p99 at ${options.latencyMs.join('-')} ms native latency`,
        met: coldS.p50 <= COLD_TARGET_MS.p50 && coldS.p99 <= COLD_TARGET_MS.p99 && coldFailed.length === 0,
        figure: `${ms(coldS.p50)} p50, ${ms(coldS.p99)} p99 over ${cold.length} distinct filters`
          + (coldFailed.length ? `; ${coldFailed.length}/${cold.length} had repositories that did not answer` : ''),
      },
      {
        target: `scale: gateway overhead above the slowest repository at most ${OVERHEAD_TARGET_MS} ms p50`,
        met: overhead.p50 <= OVERHEAD_TARGET_MS,
        figure: `${ms(overhead.p50)} p50 (cold: end-to-end ${ms(coldS.p50)} minus the slowest repository's native time, per query`
          + (inGateway !== null && clientExchange !== null ? `; in the gateway, from arrival to answer written, ${ms(inGateway)}; the client's side of the HTTP exchange ${ms(clientExchange)}` : '')
          + `; any request through the same pipeline, asking the catalog only, costs ${ms(summarize(m.fixedCost.catalogOnly.backToBack).p50)} end to end, `
          + `${ms(summarize(m.fixedCost.catalogOnly.afterIdle).p50)} after ${ms(m.fixedCost.idleMs, 0)} idle; GET /healthz ${ms(summarize(m.fixedCost.healthz.afterIdle).p50)} after idle)`
          + (coldFailed.length ? `; ${coldFailed.length}/${cold.length} cold queries had repositories that did not answer (their time counted up to the gateway's giving up)` : ''),
      },
      {
        target: `scale: warm Europe-wide cohort at most ${WARM_TARGET_MS} ms p50 (the cache answers)`,
        met: warmS.p50 <= WARM_TARGET_MS && withNative === 0 && warmFailed.length === 0,
        figure: `${ms(warmS.p50)} p50; ${warm.length - withNative}/${warm.length} warm queries answered without a native request`
          + (warmFailed.length ? `; ${warmFailed.length}/${warm.length} incomplete (${[...new Set(warmFailed.flatMap((s) => s.failed))].join(', ')} did not answer)` : ''),
      },
      {
        target: `scale: gateway RSS at most ${RSS_TARGET_MB} MB after warm-up${rssAfterLoad ? ' and after the load' : ''}, each once quiet for ${QUIET_MS / 1000} s (idle memory release)`,
        met: quietRssMB <= RSS_TARGET_MB,
        figure: `${mb(afterQuiet.rss)} after warm-up${rssAfterLoadQuiet ? `, ${mb(rssAfterLoadQuiet)} after ${options.duration} s of load` : ''}; `
          + `read at once, before the gateway was quiet: ${mb(afterWarmUp.rss)}${rssAfterLoad ? ` and ${mb(rssAfterLoad)}` : ''}`,
      },
    ];
    return {
      scenario: 'scale',
      federation: {
        repositories: entries.length, countries: new Set(entries.map((e) => e.raw.country)).size, kinds: kindCounts,
        latencyMs: options.latencyMs, timeoutMs: options.timeoutMs, ...totals,
      },
      setup: {
        generateMs: simulators.generateMs, simulatorsStartMs: simulators.startMs, simulatorProcesses: simulatorChildren.length, gatewayStartMs: m.startMs,
        harvestMs: m.harvestMs, latencyDuringHarvest: options.latencyDuringHarvest, simulatorsRssMB: simulatorsRss / 1024 / 1024,
      },
      queryForm: m.form, query: m.text, firstQueryMs: m.first.e2eMs, duringHarvest: m.duringHarvest, cache: cacheDescription,
      cold: {
        n: cold.length, p50: coldS.p50, p90: coldS.p90, p99: coldS.p99, overheadP50: overhead.p50, overheadP90: overhead.p90,
        overheadOverSubgraphP50: overSubgraph.p50, slowestNativeP50: summarize(cold.map((s) => s.slowestNativeMs)).p50,
        inGatewayOverheadP50: inGateway, clientExchangeP50: clientExchange, fixedCost: {
          idleMs: m.fixedCost.idleMs,
          healthz: { backToBackP50: summarize(m.fixedCost.healthz.backToBack).p50, afterIdleP50: summarize(m.fixedCost.healthz.afterIdle).p50 },
          catalogOnly: { backToBackP50: summarize(m.fixedCost.catalogOnly.backToBack).p50, afterIdleP50: summarize(m.fixedCost.catalogOnly.afterIdle).p50 },
        },
        slowestAdapter: {
          beforeP50: summarize(cold.map((s) => s.slowestAdapterMs?.before ?? 0)).p50,
          afterP50: summarize(cold.map((s) => s.slowestAdapterMs?.after ?? 0)).p50,
          kinds: countBy(cold.map((s) => kindOf.get(s.slowestNativeRepository ?? '') ?? 'none')),
        },
        nativeRequestsPerQuery: cold.reduce((a, s) => a + s.nativeRequests, 0) / Math.max(1, cold.length),
        // Where the tail comes from: the slowest cold queries, each with its slowest repository.
        slowest: [...cold].sort((a, b) => b.e2eMs - a.e2eMs).slice(0, 3).map((s) => ({
          filter: s.filter, e2eMs: s.e2eMs, repository: s.slowestNativeRepository ?? null, nativeMs: s.slowestNativeMs,
          nativeRequests: s.slowestNativeRepository ? s.nativeCount[s.slowestNativeRepository] ?? 0 : 0, problems: s.problems.slice(0, 3),
        })),
      },
      warm: { n: warm.length, p50: warmS.p50, p90: warmS.p90, p99: warmS.p99, withNativeRequests: withNative, overheadP50: warmOverhead.p50 },
      repositories,
      memory: {
        rssAfterWarmUpMB: rssMB, rssAfterQuietMB: afterQuiet.rss / 1024 / 1024, rssAfterLoadQuietMB: rssAfterLoadQuiet ? rssAfterLoadQuiet / 1024 / 1024 : undefined,
        memoryReleases, heapUsedAfterWarmUpMB: afterWarmUp.heapUsed / 1024 / 1024,
        rssAfterGcMB: afterGc.rss / 1024 / 1024, heapUsedAfterGcMB: afterGc.heapUsed / 1024 / 1024, rssAfterLoadMB: rssAfterLoad ? rssAfterLoad / 1024 / 1024 : undefined,
        heapUsedAfterLoadGcMB: heapUsedAfterLoadGc ? heapUsedAfterLoadGc / 1024 / 1024 : undefined,
        // Where the rest of the RSS is: the heap V8 keeps (total), memory outside it (buffers).
        heapTotalAfterGcMB: afterGc.heapTotal / 1024 / 1024, externalAfterGcMB: afterGc.external / 1024 / 1024, arrayBuffersAfterGcMB: afterGc.arrayBuffers / 1024 / 1024 },
      load: m.load,
      incomplete: incompleteOf(cold, warm),
      runtimes,
      runtimeRatios,
      problems: [...new Set(m.problems)].slice(0, 20),
      verdicts,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function printScaleRatioSet(r: ScaleRatioSet): string {
  return `cold p50 ${ratio(r.coldP50)}, p99 ${ratio(r.coldP99)}, warm p50 ${ratio(r.warmP50)}, overhead p50 ${ratio(r.overheadP50)}, `
    + `RSS after warm-up ${ratio(r.rssAfterWarmUp)}, after GC ${ratio(r.rssAfterGc)}`;
}

/** The runtime table: one fresh gateway per runtime over the same simulators, and the ratios between them. */
function printRuntimes(r: ScaleResult): string[] {
  const rows = [['gateway', 'node', 'code', 'cold p50', 'cold p99', 'warm p50', 'overhead p50', 'RSS warm-up', 'RSS after GC', 'harvests']];
  for (const x of r.runtimes) {
    rows.push(x.problem === undefined
      ? [x.label, x.node, x.tree, ms(x.cold.p50), ms(x.cold.p99), ms(x.warmP50), ms(x.overheadP50), mb(x.rssAfterWarmUpMB * 1024 * 1024), mb(x.rssAfterGcMB * 1024 * 1024), ms(x.harvestMs, 0)]
      : [x.label, x.node, x.tree, 'n/a', '', '', '', '', '', x.problem]);
  }
  const find = (key: GatewayRuntime['key']) => r.runtimes.find((x) => x.gateway === key && x.problem === undefined);
  const [now, before20, before24] = [find('now'), find('before-node20'), find('before-node24')];
  const lines = ['runtimes (a fresh gateway each, one after another, over the same simulators):', table(rows)];
  if (now && before20) lines.push(`ratios: now on Node ${now.node} / before the move on Node ${before20.node}: ${printScaleRatioSet(r.runtimeRatios.nowOverBeforeNode20)}`);
  if (before20 && before24) lines.push(`        runtime only (before-the-move code, Node ${before24.node} / Node ${before20.node}): ${printScaleRatioSet(r.runtimeRatios.runtimeOnly)}`);
  if (now && before24) lines.push(`        code and dependencies only (now / before the move, both on Node ${now.node}): ${printScaleRatioSet(r.runtimeRatios.codeOnly)}`);
  for (const x of r.runtimes.filter((x) => x.gateway !== 'now' && x.problem === undefined)) {
    if (x.queryForm !== r.queryForm) lines.push(`note: ${x.label} asked ${x.queryForm}, not ${r.queryForm}: its cold and warm figures are not comparable`);
    if (x.warmWithNativeRequests > 0) lines.push(`${x.label}: ${x.warmWithNativeRequests} warm queries reached a native API`);
    if (x.incomplete) lines.push(`${x.label}: incomplete answers: ${x.incomplete}`);
    for (const p of x.problems) lines.push(`${x.label}: problem: ${p}`);
  }
  return lines;
}

export function printScale(r: ScaleResult): string {
  const f = r.federation;
  const native = r.repositories.map((x) => x.nativeP50Ms).filter((x): x is number => x !== null);
  const nativeSummary = native.length ? summarize(native) : undefined;
  const rows = [
    ['measure', 'p50', 'p90', 'p99', 'n'],
    ['a question while the indexes harvest', ms(r.duringHarvest.ms), '', '', '1'],
    ['first query after start (plans built)', ms(r.firstQueryMs), '', '', '1'],
    ['cold cohort, end to end', ms(r.cold.p50), ms(r.cold.p90), ms(r.cold.p99), String(r.cold.n)],
    ['  slowest repository (native)', ms(r.cold.slowestNativeP50), '', '', ''],
    ['  gateway overhead above it', ms(r.cold.overheadP50), ms(r.cold.overheadP90), '', ''],
    ...(r.cold.inGatewayOverheadP50 !== null && r.cold.clientExchangeP50 !== null ? [
      ['    in the gateway (arrival to answer written)', ms(r.cold.inGatewayOverheadP50), '', '', ''],
      ['    the client\'s side of the HTTP exchange', ms(r.cold.clientExchangeP50), '', '', ''],
    ] : []),
    ['  overhead above slowest subgraph call', ms(r.cold.overheadOverSubgraphP50), '', '', ''],
    ['  its adapter before its first request', ms(r.cold.slowestAdapter.beforeP50), '', '', ''],
    ['  its adapter after its last answer', ms(r.cold.slowestAdapter.afterP50), '', '', ''],
    [`any request: /healthz, end to end (after ${ms(r.cold.fixedCost.idleMs, 0)} idle)`, `${ms(r.cold.fixedCost.healthz.backToBackP50)} (${ms(r.cold.fixedCost.healthz.afterIdleP50)})`, '', '', String(r.cold.n)],
    [`  asking the catalog only (after idle)`, `${ms(r.cold.fixedCost.catalogOnly.backToBackP50)} (${ms(r.cold.fixedCost.catalogOnly.afterIdleP50)})`, '', '', String(r.cold.n)],
    ['warm cohort, end to end', ms(r.warm.p50), ms(r.warm.p90), ms(r.warm.p99), String(r.warm.n)],
  ];
  if (r.load) rows.push([`warm load, ${r.load.concurrency} clients: ${r.load.rps.toFixed(0)} answers/s`, ms(r.load.p50), '', ms(r.load.p99), `${r.load.errors} err`]);
  return [
    `scale: ${f.repositories} repositories in ${f.countries} countries (${Object.entries(f.kinds).map(([k, n]) => `${n} ${k}`).join(', ')}), `
      + `${int(f.cases)} cases, ${int(f.studies)} studies, ${int(f.series)} series, ${int(f.images)} images; native latency ${f.latencyMs[0]}-${f.latencyMs[1]} ms, timeout ${f.timeoutMs} ms; subgraphs in process`,
    `setup: data generated in ${ms(r.setup.generateMs, 0)}, simulators started in ${ms(r.setup.simulatorsStartMs, 0)} (${r.setup.simulatorProcesses} process(es), ${mb(r.setup.simulatorsRssMB * 1024 * 1024)}), `
      + `gateway up in ${ms(r.setup.gatewayStartMs, 0)}, index harvests ${ms(r.setup.harvestMs, 0)} (${r.setup.latencyDuringHarvest ? 'with' : 'before'} native latency)`,
    `query: ${r.queryForm} (${r.query.replace(/\s+/g, ' ')}); cache: ${r.cache}`,
    table(rows),
    `native time per repository, p50 over cold queries: ${nativeSummary ? `min ${ms(nativeSummary.min)}, median ${ms(nativeSummary.p50)}, max ${ms(nativeSummary.max)}` : 'no native requests'} `
      + `(${native.length}/${r.repositories.length} repositories asked natively; ${r.cold.nativeRequestsPerQuery.toFixed(1)} native requests per cold query); `
      + `the slowest repository's kind, per cold query: ${Object.entries(r.cold.slowestAdapter.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`,
    `slowest cold queries: ${r.cold.slowest.map((q) => `${ms(q.e2eMs)} ${JSON.stringify(q.filter)} (slowest: ${q.repository ?? 'none'}, ${ms(q.nativeMs)} native, ${q.nativeRequests} requests${q.problems.length ? `; ${q.problems.join('; ')}` : ''})`).join(' | ')}`,
    `gateway memory: RSS ${mb(r.memory.rssAfterWarmUpMB * 1024 * 1024)} after warm-up, ${mb(r.memory.rssAfterQuietMB * 1024 * 1024)} once quiet for ${QUIET_MS / 1000} s`
      + `${r.memory.rssAfterLoadQuietMB ? `; ${mb((r.memory.rssAfterLoadMB ?? NaN) * 1024 * 1024)} after the load, ${mb(r.memory.rssAfterLoadQuietMB * 1024 * 1024)} once quiet` : ''}`
      + `${r.memory.memoryReleases ? ` (idle memory releases: ${r.memory.memoryReleases.releases}, ${ms(r.memory.memoryReleases.seconds * 1000, 0)} in all, ${mb(r.memory.memoryReleases.bytesReleased)} given back)` : ''}`,
    `  heap: used ${mb(r.memory.heapUsedAfterWarmUpMB * 1024 * 1024)} after warm-up; `
      + `after a full GC: RSS ${mb(r.memory.rssAfterGcMB * 1024 * 1024)}, heap used ${mb(r.memory.heapUsedAfterGcMB * 1024 * 1024)} of ${mb(r.memory.heapTotalAfterGcMB * 1024 * 1024)} kept, `
      + `outside the heap ${mb(r.memory.externalAfterGcMB * 1024 * 1024)})`
      + `${r.memory.heapUsedAfterLoadGcMB ? `; heap used after the load and a full GC: ${mb(r.memory.heapUsedAfterLoadGcMB * 1024 * 1024)}` : ''}`,
    ...(r.incomplete ? [`incomplete answers: ${r.incomplete}`] : []),
    ...r.problems.map((p) => `problem: ${p}`),
    ...printRuntimes(r),
  ].join('\n');
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
