/**
 * Requests per caller, with rate-limiter-flexible: a caller is its token's issuer and subject once authentication
 * knows them (two issuers may both name an `alice`: each has her own budget), else its address (the proxy's
 * X-Forwarded-For entry when TRUST_PROXY says a proxy in front adds it). In Redis
 * when REDIS_URL is set, so every gateway replica counts the same calls; while Redis is unreachable, each replica
 * counts in its own memory (the insurance limiter), so an outage neither blocks nor unleashes anyone.
 *
 * Only GraphQL requests from outside count: the inner operations of Europe-wide answers are the gateway's own.
 * Counters are kept under a hash of the caller, so no address, issuer or subject is stored in Redis.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createGatewayRedisClient, type GatewayRedisClient } from '../../redis-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitOptions {
  /** Requests a caller may send per minute. 0 turns the limit off. Default 600 (RATE_LIMIT_PER_MINUTE). */
  perMinute?: number;
  /** Shared counts across replicas. */
  redisUrl?: string;
  /** Trust the last X-Forwarded-For entry (added by the gateway's own proxy). Default false (TRUST_PROXY=true). */
  trustProxy?: boolean;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 600;
const KEY_PREFIX = 'eucaim-gateway:rate';

export interface RateVerdict {
  allowed: boolean;
  /** When refused: milliseconds until the caller may send again. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /** `caller`: the authenticated caller's key (callerKey of subgraphs/sdk/context.ts: issuer and subject), if any. */
  check(req: IncomingMessage, caller?: string): Promise<RateVerdict>;
  close(): Promise<void>;
}

export function rateLimitOptionsFromEnv(env: NodeJS.ProcessEnv): RateLimitOptions {
  const perMinute = env.RATE_LIMIT_PER_MINUTE === undefined ? undefined : Number(env.RATE_LIMIT_PER_MINUTE);
  return {
    perMinute: perMinute !== undefined && Number.isFinite(perMinute) && perMinute >= 0 ? perMinute : undefined,
    redisUrl: env.REDIS_URL?.trim() || undefined,
    trustProxy: env.TRUST_PROXY === 'true',
  };
}

/** Who is counted: the authenticated caller (its callerKey, issuer and subject) when known, else its address. */
export function callerOf(req: IncomingMessage, caller: string | undefined, trustProxy: boolean): string {
  if (caller) return `caller:${caller}`;
  return `ip:${clientAddress(req, trustProxy)}`;
}

/** The client's address: the last X-Forwarded-For entry when the gateway's own proxy adds it, else the socket's. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const last = typeof forwarded === 'string' ? forwarded.split(',').at(-1)?.trim() : undefined;
  return last || req.socket.remoteAddress || 'unknown';
}

export function createRateLimiter(options: RateLimitOptions = {}): RateLimiter | undefined {
  const perMinute = options.perMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  if (perMinute === 0) return undefined;
  const settings = { keyPrefix: KEY_PREFIX, points: perMinute, duration: 60 };
  const memory = new RateLimiterMemory(settings);
  let limiter: RateLimiterAbstract = memory;
  let redis: GatewayRedisClient | undefined;
  if (options.redisUrl) {
    redis = createGatewayRedisClient(options.redisUrl);
    redis.on('error', () => undefined); // the insurance limiter takes over; the answer cache logs Redis outages
    redis.connect().catch(() => undefined);
    limiter = new RateLimiterRedis({ ...settings, storeClient: redis, useRedisPackage: true, rejectIfRedisNotReady: true, insuranceLimiter: memory });
  }
  const trustProxy = options.trustProxy ?? false;
  return {
    async check(req, caller) {
      try {
        await limiter.consume(createHash('sha256').update(callerOf(req, caller, trustProxy)).digest('hex').slice(0, 32));
        return { allowed: true, retryAfterMs: 0 };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { allowed: false, retryAfterMs: rejection.msBeforeNext };
        return { allowed: true, retryAfterMs: 0 }; // a store failure the insurance limiter did not cover: let it through
      }
    },
    async close() {
      if (redis?.isOpen) await redis.destroy();
    },
  };
}
