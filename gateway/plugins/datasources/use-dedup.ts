/**
 * Middleware: identical repository subgraph calls in flight at the same time (same key as the answer cache:
 * repository, operation, variables, access level) share one upstream call. This is where Hive Gateway's lead on
 * identical concurrent queries comes from. Every caller gets its own copy of the answer, because the gateway
 * changes the answers it receives; a failure reaches every caller. Applies to queries only, whatever the
 * repository's cacheTtlSeconds (sharing a call in flight never serves an older answer).
 *
 * The shared call is cancelled only once every caller that shares it has gone (SharedCancellation): the first
 * caller's client hanging up does not take the answer from the others. A caller does not join a call already
 * cancelled; it makes its own.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { cloneResponse } from '../cache/clone';
import { isQueryCall, subgraphRequestKey } from '../cache/key';
import { currentSignal, SharedCancellation, withSignal } from '../../../subgraphs/sdk/cancellation';
import type { SubgraphMiddleware } from './middleware';

interface Follower {
  resolve(response: GatewayGraphQLResponse): void;
  reject(error: unknown): void;
}

interface SharedCall {
  followers: Follower[];
  cancellation: SharedCancellation;
}

export const useInFlightDedup: SubgraphMiddleware = (info, next) => {
  const inFlight = new Map<string, SharedCall>();
  return async (options) => {
    if (!isQueryCall(options)) return next(options);
    const key = subgraphRequestKey(info, options);
    const shared = inFlight.get(key);
    if (shared && !shared.cancellation.signal.aborted) {
      shared.cancellation.join(currentSignal());
      return new Promise<GatewayGraphQLResponse>((resolve, reject) => shared.followers.push({ resolve, reject }));
    }
    const mine: SharedCall = { followers: [], cancellation: new SharedCancellation() };
    mine.cancellation.join(currentSignal());
    inFlight.set(key, mine);
    const done = () => {
      if (inFlight.get(key) === mine) inFlight.delete(key);
      mine.cancellation.dispose();
    };
    let response: GatewayGraphQLResponse;
    try {
      response = await withSignal(mine.cancellation.signal, () => next(options));
    } catch (error) {
      done();
      for (const follower of mine.followers) follower.reject(error);
      throw error;
    }
    // Copies are taken now, before the first caller's gateway gets (and changes) the answer.
    done();
    for (const follower of mine.followers) follower.resolve(cloneResponse(response));
    return response;
  };
};
