/**
 * Middleware: identical repository subgraph calls in flight at the same time (same key as the answer cache:
 * repository, operation, variables, access level) share one upstream call. This is where Hive Gateway's lead on
 * identical concurrent queries comes from. Every caller gets its own copy of the answer, because the gateway
 * changes the answers it receives; a failure reaches every caller. Applies to queries only, whatever the
 * repository's cacheTtlSeconds (sharing a call in flight never serves an older answer).
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { cloneResponse } from '../cache/clone';
import { isQueryCall, subgraphRequestKey } from '../cache/key';
import type { SubgraphMiddleware } from './middleware';

interface Follower {
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

export const useInFlightDedup: SubgraphMiddleware = (info, next) => {
  const inFlight = new Map<string, Follower[]>();
  return async (options) => {
    if (!isQueryCall(options)) return next(options);
    const key = subgraphRequestKey(info, options);
    const waiting = inFlight.get(key);
    if (waiting) return new Promise<GatewayGraphQLResponse>((resolve, reject) => waiting.push({ resolve, reject }));
    const followers: Follower[] = [];
    inFlight.set(key, followers);
    let response: GatewayGraphQLResponse;
    try {
      response = await next(options);
    } catch (error) {
      inFlight.delete(key);
      for (const follower of followers) follower.reject(error);
      throw error;
    }
    // Copies are taken now, before the first caller's gateway gets (and changes) the answer.
    inFlight.delete(key);
    for (const follower of followers) follower.resolve(cloneResponse(response));
    return response;
  };
};
