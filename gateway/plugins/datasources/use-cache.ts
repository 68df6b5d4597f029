/**
 * Middleware: answers a repository subgraph call from the gateway's answer cache (gateway/plugins/cache/) when an identical
 * call (same repository, operation, variables and access level: gateway/plugins/cache/key.ts) was answered successfully
 * within the repository's `cacheTtlSeconds` (default 60; 0 turns it off for that repository). Only answers
 * without errors are kept, and only those covering the whole repository. A cache that fails or is slow never fails the call: it goes to the repository.
 *
 * Stale-while-revalidate: for `staleWhileRevalidateSeconds` after its TTL (default 60; 0 turns it off) an answer is
 * still given at once, and one call per key refreshes it in the background, so callers do not wait for a full
 * native round each time an entry expires. A refresh that fails leaves the stale answer until its grace ends; then
 * the next caller waits for the repository as on a miss.
 * Sits inside useEntityErrorPaths and useInFlightDedup, outside the resilience middlewares, so a hit costs neither
 * a timeout budget nor a retry.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { context as otelContext, ROOT_CONTEXT } from '@opentelemetry/api';
import { DEFAULT_CACHE_TTL_SECONDS, DEFAULT_RETRIES, DEFAULT_STALE_WHILE_REVALIDATE_SECONDS } from '../../../config/federation-config';
import { INCOMPLETE_EXTENSION } from '../../../subgraphs/sdk/incomplete-answer';
import { RELEASE_REPORT_EXTENSION } from '../../../subgraphs/sdk/release-report';
import { bindCallerGroup } from '../limits/caller-group';
import { detached } from '../../../subgraphs/sdk/cancellation';
import { subgraphCacheOf } from '../cache/context';
import { isQueryCall, subgraphRequestKey } from '../cache/key';
import { FROM_CACHE_EXTENSION } from '../../../subgraphs/europe/gateway-link';
import type { SubgraphMiddleware } from './middleware';

/**
 * A successful answer (data and not a single error) that covers the whole repository: one counted on the part of an
 * index harvested so far (INCOMPLETE_EXTENSION) would outlive that harvest in the cache.
 */
export function isCacheableAnswer(response: GatewayGraphQLResponse): boolean {
  return response.data !== null && response.data !== undefined && (response.errors === undefined || response.errors.length === 0)
    && response.extensions?.[INCOMPLETE_EXTENSION] !== true;
}

/** A cached answer as given: marked for the europe subgraph (FROM_CACHE_EXTENSION). */
function fromCache(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  return { ...response, extensions: { ...response.extensions, [FROM_CACHE_EXTENSION]: true } };
}

/** The caller group of background refreshes at a repository's fair share. */
const REFRESH_GROUP = 'gateway:refresh';

/** Whether a cached answer carries records it released (its release report lists cases). */
function releasesRecords(response: GatewayGraphQLResponse): boolean {
  const report = response.extensions?.[RELEASE_REPORT_EXTENSION] as { repositories?: unknown[] } | undefined;
  return Array.isArray(report?.repositories) ? report.repositories.length > 0 : report !== undefined;
}

export const useResponseCache: SubgraphMiddleware = (info, next) => {
  const ttlSeconds = info.entry ? info.entry.cacheTtlSeconds ?? DEFAULT_CACHE_TTL_SECONDS : 0;
  if (ttlSeconds <= 0) return next;
  const ttlMs = ttlSeconds * 1000;
  const graceMs = (info.entry?.staleWhileRevalidateSeconds ?? DEFAULT_STALE_WHILE_REVALIDATE_SECONDS) * 1000;
  /** Keys being refreshed in the background by this process: one refresh per key at a time. */
  const refreshing = new Set<string>();
  const entry = info.entry!;
  /**
   * The refresh is nobody's request: a deadline of its own (the repository's timeout for each attempt), a caller
   * group of its own at the repository's fair share, no caller's cancellation and no caller's trace.
   */
  const refresh = (options: Parameters<typeof next>[0]) => {
    const context = { ...(options.context as object), deadline: Date.now() + entry.timeoutMs * (1 + (entry.retries ?? DEFAULT_RETRIES)) };
    bindCallerGroup(context, REFRESH_GROUP);
    return otelContext.with(ROOT_CONTEXT, () => detached(() => next({ ...options, context } as typeof options)));
  };
  return async (options) => {
    const cache = subgraphCacheOf(options.context);
    if (!cache || !isQueryCall(options)) return next(options);
    const key = subgraphRequestKey(info, options);
    const cached = await cache.lookup(key, graceMs);
    if (cached && !cached.stale) return fromCache(cached.response);
    // Records are not given stale: a repository may have withdrawn them since (README "Who may see what").
    if (cached && !releasesRecords(cached.response)) {
      // Past its TTL, within its grace: answered at once, and refreshed by one call in the background.
      if (!refreshing.has(key)) {
        refreshing.add(key);
        void refresh(options).then((response) => (isCacheableAnswer(response) ? cache.set(key, response, ttlMs, graceMs) : undefined), () => undefined)
          .finally(() => refreshing.delete(key));
      }
      return fromCache(cached.response);
    }
    const response = await next(options);
    if (isCacheableAnswer(response)) void cache.set(key, response, ttlMs, graceMs);
    return response;
  };
};
