/**
 * Fair admission of GraphQL requests: no caller, however many requests it sends, takes the gateway from the others.
 *
 * A per-caller rate limit bounds how often one caller asks, not what its requests cost: twenty clients asking a new
 * Europe-wide cohort each (every one a cold fan-out, ~100 ms of CPU here) stay under any sensible rate and still
 * saturate the cores, and then every other client's request shares the event loop with theirs and waits seconds.
 * So requests are admitted to run through a gate:
 *
 * - **How many run at once adapts to the CPU.** The limit falls when the event loop is saturated (its utilisation
 *   over the last interval above `saturatedUtilization`) and rises again, step by step, when it is not and
 *   requests wait. Requests
 *   that mostly wait for slow repositories barely use the loop, so they are not held back; CPU-heavy ones are.
 * - **Who goes next is fair.** Waiting requests are queued per caller group: the token's issuer and subject, else
 *   the client's network (an IPv4 /24 or IPv6 /56 by default: one party easily holds many addresses of one network,
 *   so counting addresses apart would give a flood from twenty addresses twenty shares). A free slot goes to the group
 *   that used the gateway least lately (running time, decayed, including what runs now), then the oldest request:
 *   a caller who asks now and then is served next even while others keep the gateway saturated.
 * - **Queues are short.** A group may have `maxQueuedPerGroup` requests waiting; more is refused at once (429,
 *   TOO_MANY_CONCURRENT_REQUESTS). A request that waits `maxWaitMs`, or finds `maxQueued` waiting in all, is refused
 *   (503, OVERLOADED) with Retry-After, instead of joining a backlog that would answer after its caller gave up.
 *
 * Health endpoints, GraphiQL's files and the gateway's own inner requests (Europe-wide answers) never pass the gate.
 * No registry package did this (p-queue and bottleneck queue by priority or per key, @fastify/under-pressure only
 * refuses): the gate is small and has one job.
 */
import { performance } from 'node:perf_hooks';

export interface AdmissionOptions {
  /** The limit starts here and never goes below `minConcurrent` nor above `maxConcurrent`. */
  initialConcurrent: number;
  minConcurrent: number;
  maxConcurrent: number;
  /**
   * A caller group's share while others wait: a free slot goes to a group running fewer than this first. Alone, a
   * group may use every slot.
   */
  maxRunningPerGroup: number;
  /**
   * A caller group's most running at once even when nobody else waits (default: no such cap), so that a slot is
   * always free for another caller's next request: a repository's fair share keeps one.
   */
  hardMaxRunningPerGroup: number;
  /** Requests waiting per caller group; more are refused at once. */
  maxQueuedPerGroup: number;
  /** Requests waiting in all. */
  maxQueued: number;
  /** A request that waited this long is refused. */
  maxWaitMs: number;
  /** Event-loop utilisation (0..1) above which the loop counts as saturated. */
  saturatedUtilization: number;
  /** How often the limit is adjusted; 0: never (a fixed limit). */
  adjustEveryMs: number;
  /** Half-life of a group's recent use. */
  usageHalfLifeMs: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = {
  initialConcurrent: 16,
  minConcurrent: 6,
  maxConcurrent: 256,
  maxRunningPerGroup: 2,
  hardMaxRunningPerGroup: Number.POSITIVE_INFINITY,
  maxQueuedPerGroup: 64,
  maxQueued: 1_000,
  maxWaitMs: 5_000,
  saturatedUtilization: 0.9,
  adjustEveryMs: 100,
  usageHalfLifeMs: 10_000,
};

export type AdmissionRefusal =
  | { code: 'TOO_MANY_CONCURRENT_REQUESTS'; status: 429; message: string; retryAfterSeconds: number }
  | { code: 'OVERLOADED'; status: 503; message: string; retryAfterSeconds: number };

/**
 * A running request's ticket: call `release` once when it has answered (or its client went away), saying whether
 * the request was refused for what it is (bad input, a document that does not parse or validate).
 */
export type Release = (outcome?: 'refused') => void;

export interface AdmissionStats {
  limit: number;
  /** Caller groups remembered (running, waiting, or used lately). */
  groups: number;
  running: number;
  queued: number;
  admitted: number;
  /** 429: the caller's group had its most waiting. */
  refusedGroupQueueFull: number;
  /** 503: the queue of all callers was full (the newcomer, or the newest waiter of the fullest group). */
  refusedQueueFull: number;
  refusedWaitedTooLong: number;
}

interface Waiter {
  group: Group;
  since: number;
  resolve: (release: Release) => void;
  reject: (refused: RequestRefused) => void;
  timer: NodeJS.Timeout;
}

interface Group {
  key: string;
  running: number;
  queue: Waiter[];
  /** Running time in ms, decayed to `usageAt`. */
  usage: number;
  usageAt: number;
  /** Starts of its running requests, to add their time to `usage` as it passes. */
  startedAt: number[];
  /** Its refused requests, decayed to `usageAt` like its use. */
  refusals: number;
}

function overloaded(why: string): RequestRefused {
  return new RequestRefused({ code: 'OVERLOADED', status: 503, retryAfterSeconds: 1, message: `the gateway is overloaded: ${why}; retry in a moment` });
}

export class RequestRefused extends Error {
  constructor(readonly refusal: AdmissionRefusal) {
    super(refusal.message);
  }
}

export class FairAdmission {
  private readonly options: AdmissionOptions;
  private readonly groups = new Map<string, Group>();
  /** The groups with requests waiting (the only ones a free slot can go to). */
  private readonly waiting = new Set<Group>();
  /** When idle groups were last forgotten (prune). */
  private prunedAt = performance.now();
  private limit: number;
  private running = 0;
  private queued = 0;
  private readonly counters = { admitted: 0, refusedGroupQueueFull: 0, refusedQueueFull: 0, refusedWaitedTooLong: 0 };
  private readonly adjuster: NodeJS.Timeout | undefined;
  private lastUtilization = performance.eventLoopUtilization();

  constructor(options: Partial<AdmissionOptions> = {}) {
    this.options = { ...DEFAULT_ADMISSION, ...options };
    this.limit = Math.min(this.options.maxConcurrent, Math.max(this.options.minConcurrent, this.options.initialConcurrent));
    // 0: the limit stays as it is (a repository's fair share).
    this.adjuster = this.options.adjustEveryMs > 0 ? setInterval(() => this.adjust(), this.options.adjustEveryMs).unref() : undefined;
  }

  get stats(): AdmissionStats {
    return { limit: this.limit, running: this.running, queued: this.queued, groups: this.groups.size, ...this.counters };
  }

  /**
   * Resolves with the request's release once it may run; rejects with RequestRefused when it may not. `groupKey`
   * names the caller group (caller-group.ts callerGroup).
   */
  admit(groupKey: string, signal?: AbortSignal, maxWaitMs = this.options.maxWaitMs): Promise<Release> {
    const group = this.groupOf(groupKey);
    if (this.running < this.limit && this.queued === 0 && group.running < this.options.hardMaxRunningPerGroup) return Promise.resolve(this.start(group));
    if (group.queue.length >= this.options.maxQueuedPerGroup) {
      this.counters.refusedGroupQueueFull++;
      return Promise.reject(new RequestRefused({
        code: 'TOO_MANY_CONCURRENT_REQUESTS', status: 429, retryAfterSeconds: 1,
        message: `too many requests at once from this caller: ${group.running} running and ${group.queue.length} waiting while the gateway is busy; retry when an answer has come back`,
      }));
    }
    if (this.queued >= this.options.maxQueued) {
      // Full: the group with the most waiting gives up its newest, unless that would be this caller's own.
      const fullest = [...this.waiting].reduce((a, b) => (b.queue.length > a.queue.length ? b : a));
      if (fullest.queue.length <= group.queue.length + 1) {
        this.counters.refusedQueueFull++;
        return Promise.reject(overloaded('too many requests are waiting'));
      }
      this.remove(fullest.queue[fullest.queue.length - 1], overloaded('too many requests are waiting, and others had fewer waiting than you'));
      this.counters.refusedQueueFull++;
    }
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        group, since: performance.now(), resolve, reject,
        timer: setTimeout(() => {
          this.counters.refusedWaitedTooLong++;
          this.remove(waiter, overloaded(`the request waited ${maxWaitMs} ms without a free slot`));
        }, maxWaitMs),
      };
      // A caller that went away leaves the queue; once admitted or refused, the listener goes.
      if (signal) {
        const leave = () => this.remove(waiter, overloaded('the caller went away'));
        signal.addEventListener('abort', leave, { once: true });
        const settle = waiter.resolve;
        waiter.resolve = (release) => {
          signal.removeEventListener('abort', leave);
          settle(release);
        };
        const refuse = waiter.reject;
        waiter.reject = (error) => {
          signal.removeEventListener('abort', leave);
          refuse(error);
        };
      }
      group.queue.push(waiter);
      this.waiting.add(group);
      this.queued++;
      this.drain();
    });
  }

  /** Takes a waiter out of the queue (when it is still there) and refuses it. */
  private remove(waiter: Waiter, refused: RequestRefused): void {
    const index = waiter.group.queue.indexOf(waiter);
    if (index < 0) return;
    waiter.group.queue.splice(index, 1);
    if (waiter.group.queue.length === 0) this.waiting.delete(waiter.group);
    this.queued--;
    clearTimeout(waiter.timer);
    waiter.reject(refused);
  }

  close(): void {
    clearInterval(this.adjuster);
    for (const group of this.groups.values()) {
      for (const waiter of group.queue) {
        clearTimeout(waiter.timer);
        waiter.reject(new RequestRefused({ code: 'OVERLOADED', status: 503, retryAfterSeconds: 1, message: 'the gateway is shutting down' }));
      }
      group.queue.length = 0;
    }
    this.waiting.clear();
    this.queued = 0;
  }

  private groupOf(key: string): Group {
    let group = this.groups.get(key);
    if (!group) {
      if (performance.now() - this.prunedAt >= this.options.usageHalfLifeMs) this.prune();
      group = { key, running: 0, queue: [], usage: 0, usageAt: performance.now(), startedAt: [], refusals: 0 };
      this.groups.set(key, group);
    }
    return group;
  }

  private start(group: Group): Release {
    this.running++;
    group.running++;
    this.counters.admitted++;
    const started = performance.now();
    group.startedAt.push(started);
    let released = false;
    return (outcome) => {
      if (released) return;
      released = true;
      this.running--;
      group.running--;
      group.startedAt.splice(group.startedAt.indexOf(started), 1);
      this.addUsage(group, performance.now() - started, outcome === 'refused' ? 1 : 0);
      if (group.running === 0 && group.queue.length === 0 && group.usage < 1 && group.refusals < 0.01) this.groups.delete(group.key);
      this.drain();
    };
  }

  /**
   * Forgets groups with nothing running or waiting whose recent use and refusals have decayed to nothing (a caller
   * seen once an hour ago), so that the map holds the callers of the last minutes, not every caller ever seen. Runs
   * when a new group comes, at most once per half-life of the use.
   */
  private prune(): void {
    const now = performance.now();
    for (const [key, group] of this.groups) {
      if (group.running > 0 || group.queue.length > 0) continue;
      const decay = 0.5 ** ((now - group.usageAt) / this.options.usageHalfLifeMs);
      if (group.usage * decay < 1 && group.refusals * decay < 0.01) this.groups.delete(key);
    }
    this.prunedAt = now;
  }

  /** The group's recent use now: its decayed past use plus the time its running requests have run so far. */
  private usageOf(group: Group, now: number): number {
    const decayed = group.usage * 0.5 ** ((now - group.usageAt) / this.options.usageHalfLifeMs);
    return decayed + group.startedAt.reduce((sum, start) => sum + (now - start), 0);
  }

  private addUsage(group: Group, ms: number, refusals: number): void {
    const now = performance.now();
    const decay = 0.5 ** ((now - group.usageAt) / this.options.usageHalfLifeMs);
    group.usage = group.usage * decay + ms;
    group.refusals = group.refusals * decay + refusals;
    group.usageAt = now;
  }

  /** Whether the group had a request refused lately (a decayed count of at least a half). */
  private refusedLately(group: Group, now: number): boolean {
    return group.refusals * 0.5 ** ((now - group.usageAt) / this.options.usageHalfLifeMs) >= 0.5;
  }

  private drain(): void {
    while (this.running < this.limit && this.queued > 0) {
      const group = this.nextGroup(true) ?? this.nextGroup(false);
      // Every waiting group runs its hard most: the free slots stay free for others.
      if (!group) return;
      const waiter = group.queue.shift()!;
      if (group.queue.length === 0) this.waiting.delete(group);
      this.queued--;
      clearTimeout(waiter.timer);
      waiter.resolve(this.start(group));
    }
  }

  /**
   * The waiting group to run next (with `belowShare`, only among groups running fewer than `maxRunningPerGroup`;
   * the gate asks again without it when every waiting group has its share, so no slot stays idle): one without
   * requests refused lately before one with (a caller that keeps
   * sending requests the gateway refuses waits behind those that do not), then the one that used the gateway least
   * lately (its decayed past running time plus the time its running requests have run so far: least attained
   * service, which puts a caller who asks now and then before one who keeps many long requests going), then the
   * oldest waiter.
   */
  private nextGroup(belowShare: boolean): Group | undefined {
    const now = performance.now();
    let best: Group | undefined;
    let bestRank: [number, number, number] = [0, 0, 0];
    for (const group of this.waiting) {
      if (group.queue.length === 0 || group.running >= this.options.hardMaxRunningPerGroup
        || (belowShare && group.running >= this.options.maxRunningPerGroup)) continue;
      const rank: [number, number, number] = [this.refusedLately(group, now) ? 1 : 0, this.usageOf(group, now), group.queue[0].since];
      if (!best || rank[0] < bestRank[0] || (rank[0] === bestRank[0] && (rank[1] < bestRank[1] || (rank[1] === bestRank[1] && rank[2] < bestRank[2])))) {
        best = group;
        bestRank = rank;
      }
    }
    return best;
  }



  /** Lower the limit while the loop is saturated; raise it while requests wait and it is not. */
  private adjust(): void {
    const utilization = performance.eventLoopUtilization(this.lastUtilization);
    this.lastUtilization = performance.eventLoopUtilization();
    const { minConcurrent, maxConcurrent, saturatedUtilization } = this.options;
    if (utilization.utilization > saturatedUtilization) {
      // What runs now is more than the loop can take: below that, by a tenth per interval.
      this.limit = Math.max(minConcurrent, Math.floor(Math.min(this.limit, Math.max(this.running, minConcurrent)) * 0.9));
    } else if (this.queued > 0 || this.running >= this.limit) {
      // One more at a time near saturation; a quarter more while the loop is mostly idle. Faster growth let a
      // moment of waiting on repositories (an idle loop) admit a whole backlog that then saturated it for seconds.
      const step = utilization.utilization < saturatedUtilization / 2 ? Math.max(1, Math.floor(this.limit / 4)) : 1;
      this.limit = Math.min(maxConcurrent, this.limit + step);
      this.drain();
    }
  }
}
