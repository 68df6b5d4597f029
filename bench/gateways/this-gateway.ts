/**
 * Child process: this project's gateway (gateway/server.ts startGateway), exactly as npm start builds it (data
 * sources, middlewares, caching), over the federation config the runner wrote to BENCH_CONFIG_FILE.
 *
 * With BENCH_INSTRUMENT=1 (the scale scenario) it also times, per repository, the native requests (undici's
 * diagnostics channels, so the adapters are untouched) and the subgraph calls (by wrapping each data source's
 * process()), in windows the runner opens and closes around one request at a time.
 *
 * With BENCH_DEMO=1 (the abuse scenario) BENCH_CONFIG_FILE is the demo federation's config and this process also
 * starts its simulators, in a thread of their own as npm start does (demo/simulator-thread.ts; BENCH_DEMO=main-thread:
 * in the gateway's own thread, demo/simulators.ts); the command
 * `eventLoop` ('start' | 'stop') samples the event loop's delay (perf_hooks.monitorEventLoopDelay) in between.
 *
 * The runner also runs this file as it was at the commit before the move to Node 24 (bench/baseline.ts), on Node 20:
 * a change to its ready message or commands (cpu, memory, gc, mark, collect, cache, harvest) must leave the runner
 * able to handle that old file too (it has neither BENCH_DEMO nor eventLoop; only the abuse scenario uses them).
 */
import { subscribe } from 'node:diagnostics_channel';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay, performance, PerformanceObserver, type ELDHistogram, type EventLoopUtilization } from 'node:perf_hooks';
import { parseFederationConfig } from '../../config/federation-config';
import { startDemoSimulators } from '../../demo/simulators';
import { startDemoSimulatorsInThread } from '../../demo/simulator-thread';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { exitOnTerm, serveCommands } from '../ipc';

export interface Span { count: number; first: number; last: number }
export interface Window {
  /** Per repository id: each native request of the window, [sent, answered] in ms on this process's clock. */
  native: Record<string, Array<[number, number]>>;
  /** Per subgraph name: the data source calls of the window. */
  subgraph: Record<string, Span>;
  /** Native requests to origins of no repository (none expected). */
  unattributed: number;
  /**
   * The gateway's HTTP requests of the window, [arrived, answer written] in ms on this process's clock (Node's
   * http.server diagnostics channels). Absent from a window of older code.
   */
  http?: Array<[number, number]>;
}

let gateway: RunningGateway | undefined;
/** The demo federation's simulators, with BENCH_DEMO=1. */
let demo: { close(): Promise<void>; cases: number; eventLoopUtilization?: () => EventLoopUtilization } | undefined;

/** What `eventLoop stop` returns: the event loop's delay between `start` and `stop`, in ms. */
export interface EventLoopDelay {
  /** The histogram's sampling interval: every sample includes it (an idle loop reads about this much). */
  resolutionMs: number;
  samples: number;
  min: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  /** Garbage-collection pauses over the same time (perf_hooks 'gc' entries), ms: a long delay may be one of them. */
  gc: { count: number; totalMs: number; maxMs: number };
}
const EVENT_LOOP_RESOLUTION_MS = 10;
let eventLoop: { histogram: ELDHistogram; since: number; gc: EventLoopDelay['gc']; observer: PerformanceObserver } | undefined;

/**
 * The answer cache exactly as npm start configures it (gateway/launch.ts: memory, or Redis with REDIS_URL), looked up
 * at run time so the benchmark keeps working whichever gateway features this checkout has.
 */
function productionCacheOptions(): unknown {
  try {
    const cache = require('../../gateway/plugins/cache/subgraph-cache') as { cacheOptionsFromEnv?: (env: NodeJS.ProcessEnv) => unknown };
    return cache.cacheOptionsFromEnv?.(process.env);
  } catch {
    return undefined;
  }
}

/** What this gateway's answer cache did, when it has one. */
function cacheReport(): { description: string; stats?: Record<string, number> } | null {
  const cache = (gateway as { cache?: { description?: string; stats?: Record<string, number> } } | undefined)?.cache;
  return cache ? { description: cache.description ?? 'on', stats: cache.stats ? { ...cache.stats } : undefined } : null;
}
exitOnTerm(async () => {
  await gateway?.close();
  await demo?.close();
});

let window: Window = { native: {}, subgraph: {}, unattributed: 0, http: [] };
/** Only between mark and collect: nothing accumulates during load. */
let recording = false;
const MAX_NATIVE_PER_REPOSITORY = 10_000;
const record = (spans: Record<string, Span>, key: string, start: number, end: number) => {
  const span = spans[key];
  if (!span) spans[key] = { count: 1, first: start, last: end };
  else {
    span.count++;
    span.first = Math.min(span.first, start);
    span.last = Math.max(span.last, end);
  }
};

function instrument(running: RunningGateway, repositoryByOrigin: Map<string, string>): void {
  const started = new WeakMap<object, { at: number; repository?: string }>();
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { origin?: string | URL } };
    const origin = request.origin === undefined ? '' : new URL(String(request.origin)).origin;
    started.set(request, { at: performance.now(), repository: repositoryByOrigin.get(origin) });
  });
  const done = (message: unknown) => {
    const { request } = message as { request: object };
    const start = started.get(request);
    if (!start) return;
    started.delete(request);
    if (!recording) return;
    if (!start.repository) {
      window.unattributed++;
      return;
    }
    const list = (window.native[start.repository] ??= []);
    if (list.length < MAX_NATIVE_PER_REPOSITORY) list.push([start.at, performance.now()]);
  };
  // From the request's arrival to its answer handed to the operating system: the gateway's own share of a
  // client's time, without the client's side of the HTTP exchange.
  const arrived = new WeakMap<object, number>();
  subscribe('http.server.request.start', (message) => arrived.set((message as { request: object }).request, performance.now()));
  subscribe('http.server.response.finish', (message) => {
    const at = arrived.get((message as { request: object }).request);
    if (at !== undefined && recording) window.http?.push([at, performance.now()]);
  });
  subscribe('undici:request:trailers', done);
  subscribe('undici:request:error', done);
  for (const [name, dataSource] of running.federation.dataSources) {
    const process = dataSource.process.bind(dataSource);
    // ApolloGateway holds these very objects (buildService handed them out), so the wrapper is what it calls.
    (dataSource as { process: typeof process }).process = async (options) => {
      const at = performance.now();
      try {
        return await process(options);
      } finally {
        if (recording) record(window.subgraph, name, at, performance.now());
      }
    };
  }
}

/** The CPU profiler's session while a profile is being taken. */
let profiler: Session | undefined;

serveCommands({
  gc: () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  },
  mark: () => {
    window = { native: {}, subgraph: {}, unattributed: 0, http: [] };
    recording = true;
  },
  collect: () => {
    recording = false;
    return window;
  },
  cache: () => cacheReport(),
  /** 'start' starts V8's CPU profiler in this process; 'stop' ends it and writes the profile to `file` (its path back). */
  profile: async ({ action, file }: { action: 'start' | 'stop'; file?: string }) => {
    if (action === 'start') {
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      // Every 100 µs (V8's default is 1 ms): a cold query's work around its slowest repository's answer is a few ms.
      await profiler.post('Profiler.setSamplingInterval', { interval: 100 });
      await profiler.post('Profiler.start');
      return null;
    }
    if (!profiler || !file) throw new Error('profile: stop needs a file, after a start');
    const { profile } = await profiler.post('Profiler.stop');
    profiler.disconnect();
    profiler = undefined;
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(profile));
    return file;
  },
  /**
   * The event loops' utilisation so far (cumulative): the gateway's, and the demo simulators' thread's when they
   * run in one (null otherwise). Two readings give what share of a span each loop was busy.
   */
  utilization: () => ({ gateway: performance.eventLoopUtilization(), simulators: demo?.eventLoopUtilization?.() ?? null }),
  /** The fair admission gate's limit and counters (null for a gateway without one). */
  admission: () => (gateway as { admission?: { stats: unknown } } | undefined)?.admission?.stats ?? null,
  /** The idle memory release's counters (null for a gateway without one). */
  memoryRelease: () => (gateway as { memoryRelease?: { stats: unknown } } | undefined)?.memoryRelease?.stats ?? null,
  /**
   * 'start' (re)starts sampling the event loop's delay (monitorEventLoopDelay, 10 ms resolution); 'stop' ends it
   * and returns what it saw (EventLoopDelay).
   */
  eventLoop: (action: 'start' | 'stop'): EventLoopDelay | null => {
    if (action === 'start') {
      eventLoop?.histogram.disable();
      eventLoop?.observer.disconnect();
      const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
      histogram.enable();
      const gc = { count: 0, totalMs: 0, maxMs: 0 };
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          gc.count++;
          gc.totalMs += entry.duration;
          gc.maxMs = Math.max(gc.maxMs, entry.duration);
        }
      });
      observer.observe({ entryTypes: ['gc'] });
      eventLoop = { histogram, since: performance.now(), gc, observer };
      return null;
    }
    if (action !== 'stop') throw new Error(`eventLoop: "start" or "stop", not ${JSON.stringify(action)}`);
    if (!eventLoop) throw new Error('eventLoop stop without start');
    const { histogram, since, gc, observer } = eventLoop;
    histogram.disable();
    observer.disconnect();
    eventLoop = undefined;
    const msOf = (ns: number) => ns / 1e6;
    return {
      resolutionMs: EVENT_LOOP_RESOLUTION_MS, samples: histogram.count, min: msOf(histogram.min), mean: msOf(histogram.mean),
      p50: msOf(histogram.percentile(50)), p99: msOf(histogram.percentile(99)), max: msOf(histogram.max), seconds: (performance.now() - since) / 1000,
      gc: { ...gc },
    };
  },
  /**
   * Waits for every adapter's index harvest (started in the background by warmUp): how long it took, and the
   * repositories whose harvest failed (their first query will try again and report the error).
   */
  harvest: async () => {
    const at = performance.now();
    // The gateway warms its adapters up in the background (as npm start does): wait for that.
    const failures = await gateway!.warmedUp;
    return { ms: performance.now() - at, failures };
  },
}, async () => {
  const started = performance.now();
  const file = process.env.BENCH_CONFIG_FILE;
  if (!file) throw new Error('BENCH_CONFIG_FILE is not set');
  let config = parseFederationConfig(JSON.parse(readFileSync(file, 'utf8')), file, ADAPTER_KINDS);
  if (process.env.BENCH_DEMO === '1') {
    // As npm start (demo/main.ts): the demo's simulators in a thread of this process, the entries pointed at them.
    const running = await startDemoSimulatorsInThread(config);
    demo = running;
    config = running.config;
  } else if (process.env.BENCH_DEMO === 'main-thread') {
    // The demo's simulators in this process's own thread, beside the gateway (npm start before they had a thread).
    const running = await startDemoSimulators(config);
    demo = running;
    config = running.config;
  }
  const options: GatewayOptions = { config, kinds: ADAPTER_KINDS, port: 0, warmUp: process.env.BENCH_WARM_UP === '1' };
  // BENCH_CACHE=off: the same gateway without its answer cache (in-flight de-duplication and the rest stay).
  const cache = process.env.BENCH_CACHE === 'off' ? undefined : productionCacheOptions();
  // Not an object literal: a checkout without the cache option still type-checks.
  if (cache !== undefined) Object.assign(options, { cache });
  gateway = await startGateway(options);
  if (process.env.BENCH_INSTRUMENT === '1') {
    instrument(gateway, new Map(config.repositories.map((r) => [new URL(r.endpoint).origin, r.id])));
  }
  return {
    url: gateway.url, startMs: performance.now() - started, rss: process.memoryUsage().rss, cache: cacheReport(),
    ...(demo ? { demo: { repositories: config.repositories.length, cases: demo.cases } } : {}),
  };
});
