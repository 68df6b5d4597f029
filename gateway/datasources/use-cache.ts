/**
 * Middleware: answers a repository subgraph call from the gateway's answer cache (gateway/cache/) when an identical
 * call (same repository, operation, variables and access level: gateway/cache/key.ts) was answered successfully
 * within the repository's `cacheTtlSeconds` (default 60; 0 turns it off for that repository). Only answers
 * without errors are kept. A cache that fails or is slow never fails the call: it goes to the repository.
 * Sits inside useEntityErrorPaths and useInFlightDedup, outside the resilience middlewares, so a hit costs neither
 * a timeout budget nor a retry.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { DEFAULT_CACHE_TTL_SECONDS } from '../../config/federation-config';
import { subgraphCacheOf } from '../cache/context';
import { isQueryCall, subgraphRequestKey } from '../cache/key';
import type { SubgraphMiddleware } from './middleware';

/** A successful answer: data and not a single error. */
export function isCacheableAnswer(response: GatewayGraphQLResponse): boolean {
  return response.data !== null && response.data !== undefined && (response.errors === undefined || response.errors.length === 0);
}

export const useResponseCache: SubgraphMiddleware = (info, next) => {
  const ttlSeconds = info.entry ? info.entry.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS : 0;
  if (ttlSeconds <= 0) return next;
  const ttlMs = ttlSeconds * 1000;
  return async (options) => {
    const cache = subgraphCacheOf(options.context);
    if (!cache || !isQueryCall(options)) return next(options);
    const key = subgraphRequestKey(info, options);
    const cached = await cache.get(key);
    if (cached) return cached;
    const response = await next(options);
    if (isCacheableAnswer(response)) void cache.set(key, response, ttlMs);
    return response;
  };
};
