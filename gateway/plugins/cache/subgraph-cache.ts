/**
 * The cache of repository subgraph answers, on keyv: in process memory by default (no serialisation: keyv, 5 and 6
 * alike, JSON-serialises even its in-memory store unless told not to, measured at 0.8 ms per read of 500 rows), or
 * Redis when a URL is given, so gateway replicas share answers.
 *
 * The cache is an optimisation and never a dependency: every read and write is bounded by a short timeout, and a
 * failure (Redis down, unreachable, slow) only means the request goes on without the cache. After a failure the
 * cache is left alone for `retryAfterMs` (or until Redis reconnects), so an outage costs at most one timeout per
 * window, not one per request. Failures are logged once per outage, with the error message only: keys are hashes
 * and no value, variable or id is ever logged.
 */
import KeyvRedis from '@keyv/redis';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Keyv } from 'keyv';
import { createGatewayRedisClient, type GatewayRedisClient } from '../../redis-client';
import { cloneResponse } from './clone';
import { BoundedMemoryStore, type MemoryStoreLimits } from './memory-store';

export interface SubgraphCacheOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://`): answers shared by every gateway using it. Absent: this process's memory. */
  redisUrl?: string;
  /** Longest a cache read or write may take before the request goes on without it. Default 100 ms. */
  timeoutMs?: number;
  /** After a cache failure, how long requests skip the cache before it is tried again. Default 2000 ms. */
  retryAfterMs?: number;
  /** In-memory store only: most answers kept, least recently used dropped first. Default 2000. */
  maxEntries?: number;
  /**
   * In-memory store only: bound on the estimated size of the answers kept (least recently used dropped first);
   * an answer larger than an eighth of it is not kept. Default 128 MiB (CACHE_MAX_MB).
   */
  maxBytes?: number;
  /** Where cache outages are reported. Default console.warn. */
  log?: (line: string) => void;
}

export const DEFAULT_CACHE_TIMEOUT_MS = 100;
export const DEFAULT_CACHE_RETRY_AFTER_MS = 2_000;
export const DEFAULT_CACHE_MAX_ENTRIES = 2_000;
export const DEFAULT_CACHE_MAX_BYTES = 128 * 1024 * 1024;
/** Prefix of every Redis key the gateway writes: `eucaim-gateway::answer:<sha256>`. */
export const CACHE_NAMESPACE = 'eucaim-gateway';

/**
 * What is stored: an answer without errors, and until when it is fresh (epoch ms). Kept past that for its grace
 * period (stale-while-revalidate); an entry without `freshUntil` is fresh for as long as it is kept.
 */
type StoredAnswer = Pick<GatewayGraphQLResponse, 'data' | 'extensions'> & { freshUntil?: number };

/** An answer found in the cache: a copy the caller may change, and whether it is past its TTL (in its grace period). */
export interface CachedAnswer {
  response: GatewayGraphQLResponse;
  stale: boolean;
}

export interface SubgraphCacheStats {
  hits: number;
  misses: number;
  writes: number;
  /** Reads and writes that failed or timed out. */
  failures: number;
  /** Reads and writes skipped because the cache failed shortly before. */
  skipped: number;
}

/**
 * keyv over the bounded in-process store, keeping values as they are: keyv (5 and 6) JSON-serialises even an
 * in-memory store by default, a round trip per read and write for nothing. `serialization: false` is keyv 6's switch
 * (keyv 5's was `serialize: undefined`; keyv 6 ignores that one, so a silent regression: test/traps/ watches it).
 */
export function inProcessKeyv<T>(limits: MemoryStoreLimits | number): Keyv<T> {
  return new Keyv<T>(new BoundedMemoryStore(limits), { namespace: CACHE_NAMESPACE, serialization: false });
}

/** The cache options a gateway process takes from its environment: REDIS_URL, CACHE_TIMEOUT_MS, CACHE_MAX_MB. */
export function cacheOptionsFromEnv(env: NodeJS.ProcessEnv): SubgraphCacheOptions {
  const timeout = Number(env.CACHE_TIMEOUT_MS);
  const maxMb = Number(env.CACHE_MAX_MB);
  return {
    redisUrl: env.REDIS_URL?.trim() || undefined,
    timeoutMs: Number.isFinite(timeout) && timeout > 0 ? timeout : undefined,
    maxBytes: Number.isFinite(maxMb) && maxMb > 0 ? maxMb * 1024 * 1024 : undefined,
  };
}

export class SubgraphCache {
  readonly kind: 'memory' | 'redis';
  /** For logs: "in memory" or "in Redis at host:port" (never the credentials). */
  readonly description: string;
  readonly stats: SubgraphCacheStats = { hits: 0, misses: 0, writes: 0, failures: 0, skipped: 0 };
  private readonly keyv: Keyv<StoredAnswer>;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly log: (line: string) => void;
  private readonly redis?: GatewayRedisClient;
  private unavailableUntil = 0;
  private outage = false;
  /** Counts outages: an operation that started before the current outage proves nothing about recovery. */
  private epoch = 0;
  private closed = false;

  constructor(options: SubgraphCacheOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_CACHE_TIMEOUT_MS;
    this.retryAfterMs = options.retryAfterMs ?? DEFAULT_CACHE_RETRY_AFTER_MS;
    this.log = options.log ?? ((line) => console.warn(line));
    if (options.redisUrl) {
      if (!/^rediss?:\/\//.test(options.redisUrl)) throw new Error('REDIS_URL must be a redis:// or rediss:// URL');
      this.kind = 'redis';
      this.description = `in Redis at ${redisHost(options.redisUrl)}`;
      this.redis = createGatewayRedisClient(options.redisUrl);
      this.redis.on('error', (error: Error) => this.failed(error));
      this.redis.on('ready', () => this.recovered());
      // Connects in the background and keeps reconnecting; until then every command fails fast.
      this.redis.connect().catch((error: Error) => this.failed(error));
      // Keys become `eucaim-gateway::answer:<sha256>`; values keyv's JSON envelope, expiring with their TTL.
      const store = new KeyvRedis(this.redis, { throwOnConnectError: true, throwOnErrors: true });
      this.keyv = new Keyv<StoredAnswer>(store, { namespace: CACHE_NAMESPACE });
    } else {
      this.kind = 'memory';
      this.description = 'in memory';
      this.keyv = inProcessKeyv<StoredAnswer>({
        maxEntries: options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES, maxBytes: options.maxBytes ?? DEFAULT_CACHE_MAX_BYTES,
      });
    }
    // keyv 6 answers a failed operation with a fallback (undefined, false) and reports the failure here, and it
    // throws store errors raised outside any call (a dropped Redis connection) unless someone listens.
    this.keyv.on('error', (error: unknown) => this.failed(error));
  }

  /** The answer kept under `key`, as a copy the caller may change, fresh or stale; undefined on a miss or when the cache fails. */
  async get(key: string): Promise<GatewayGraphQLResponse | undefined> {
    return (await this.lookup(key))?.response;
  }

  /**
   * The answer kept under `key` and whether it is stale; undefined on a miss, when the cache fails, or when it is
   * older than the reader's grace (`graceMs` after it went stale: the writer's grace may have been longer).
   */
  async lookup(key: string, graceMs = Number.POSITIVE_INFINITY): Promise<CachedAnswer | undefined> {
    if (!this.usable()) return undefined;
    const epoch = this.epoch;
    const failuresBefore = this.stats.failures;
    let stored: StoredAnswer | undefined;
    try {
      stored = await this.bounded(this.keyv.get(key));
    } catch (error) {
      this.failed(error);
      return undefined;
    }
    // keyv reports a failed read as an 'error' event and an undefined value: that is no miss and no recovery.
    if (this.stats.failures !== failuresBefore) return undefined;
    this.succeeded(epoch);
    if (!stored || typeof stored !== 'object' || !('data' in stored)) {
      this.stats.misses++;
      return undefined;
    }
    const { freshUntil, ...answer } = stored;
    if (freshUntil !== undefined && Date.now() >= freshUntil + graceMs) {
      this.stats.misses++;
      return undefined;
    }
    this.stats.hits++;
    // Redis answers are parsed afresh at every read; the in-memory one is shared and must not be changed.
    return { response: this.kind === 'memory' ? cloneResponse(answer) : answer, stale: freshUntil !== undefined && Date.now() >= freshUntil };
  }

  /**
   * Keeps an answer, fresh for `ttlMs` and then stale for `graceMs`. Takes its copy synchronously (the gateway
   * changes the answer once it has it), and never rejects: a failed write only means the next identical request asks
   * the repository again.
   */
  set(key: string, response: GatewayGraphQLResponse, ttlMs: number, graceMs = 0): Promise<void> {
    if (!this.usable() || ttlMs <= 0) return Promise.resolve();
    const stored: StoredAnswer = { ...cloneResponse({ data: response.data, extensions: response.extensions }), freshUntil: Date.now() + ttlMs };
    const epoch = this.epoch;
    return this.bounded(this.keyv.set(key, stored, ttlMs + Math.max(0, graceMs))).then(
      (written) => {
        if (!written) return; // keyv 6 answers false for a write that failed, and has reported it as an 'error'
        this.stats.writes++;
        this.succeeded(epoch);
      },
      (error: unknown) => this.failed(error),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis?.isOpen) await this.redis.destroy();
  }

  private usable(): boolean {
    if (this.closed) return false;
    if (this.unavailableUntil > Date.now()) {
      this.stats.skipped++;
      return false;
    }
    return true;
  }

  private bounded<T>(operation: Promise<T>): Promise<T> {
    if (this.kind === 'memory') return operation;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    operation.catch(() => undefined); // a late failure after the timeout is already accounted for
    return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
  }

  private failed(error: unknown): void {
    if (this.closed) return;
    this.stats.failures++;
    this.unavailableUntil = Date.now() + this.retryAfterMs;
    if (!this.outage) {
      this.outage = true;
      this.epoch++;
      this.log(`gateway cache (${this.description}) unavailable, answering without it: ${describeError(error)}`);
    }
  }

  /** A cache operation worked: the outage is over, unless the operation started before it (a late success). */
  private succeeded(epoch: number): void {
    if (this.outage && epoch === this.epoch) this.recovered();
  }

  private recovered(): void {
    this.unavailableUntil = 0;
    if (this.outage) {
      this.outage = false;
      this.log(`gateway cache (${this.description}) available again`);
    }
  }
}

/** host:port of a Redis URL, without credentials or database. */
function redisHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'an invalid REDIS_URL';
  }
}

/** The error's class and message (connection errors, timeouts): no key, value or variable is part of them. */
function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}
