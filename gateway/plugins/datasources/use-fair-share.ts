/**
 * Each repository's fair share: at most `maxConcurrentCalls` calls to a repository run at once (its entry's
 * setting, default DEFAULT_MAX_CONCURRENT_CALLS), one caller group at most all but one of them (the last is kept
 * for another caller); more wait, queued per caller group, and the free call goes to the group that used this
 * repository least lately (fair-admission.ts, least attained service). A native server answers
 * what it is sent in its own order, so this queue is the last place where a portal's question can go before a
 * flood's: measured, 20 clients asking new filters kept the demo's FHIR and GDC servers busy, and every other
 * caller's cold question waited seconds behind theirs, although the gateway itself had cores to spare.
 *
 * A call that waits longer than its share of the repository's timeout, or finds too many waiting (32 from its caller
 * group, 256 in all), is not sent: the repository answers REPOSITORY_OVERLOADED at once (state OVERLOADED
 * Europe-wide) and the other repositories answer as usual. A wait never runs past the request's deadline: cut by it,
 * the repository answers REPOSITORY_TIMEOUT as the timeout would. Cache hits and shared in-flight calls never wait (this middleware sits after both), and a call's slot
 * is held until its work ends, even when the timeout middleware gave up on it earlier (abandoned-work.ts): the
 * server is still busy with it.
 */
import { DEFAULT_MAX_CONCURRENT_CALLS } from '../../../config/federation-config';
import { currentSignal } from '../../../subgraphs/sdk/cancellation';
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { isQueryCall } from '../cache/key';
import { FairAdmission, RequestRefused } from '../limits/fair-admission';
import { callerGroupOf } from '../limits/caller-group';
import { timeLeftMs } from '../limits/request-deadline';
import { abandonedWorkSettled } from './abandoned-work';
import { failureResponse } from './failure-response';
import type { RepositoryEntry } from '../../../subgraphs/sdk/entry';
import type { SubgraphCall, SubgraphMiddleware } from './middleware';

/** Calls waiting for one repository, per caller group and in all. */
const MAX_WAITING_PER_GROUP = 32;
const MAX_WAITING = 256;
/** The longest wait for a call: this share of the repository's timeout, at most MAX_WAIT_MS. */
const WAIT_SHARE_OF_TIMEOUT = 0.5;
const MAX_WAIT_MS = 5_000;

/**
 * The share of each repository, kept per repository id across config reloads (as its circuit breaker is,
 * resilience/repository-status.ts): calls still running when a reload swaps the federation in keep counting against
 * the repository's limit, and the least-used-lately order of its callers goes on. A repository whose endpoint, kind,
 * subgraph or share settings changed gets a fresh share; the calls of the old one end against the old one.
 */
class FairShares {
  private readonly shares = new Map<string, { identity: string; share: FairAdmission }>();

  of(entry: RepositoryEntry, limit: number, maxWaitMs: number): FairAdmission {
    const identity = JSON.stringify([entry.apiKind, entry.endpoint, entry.subgraph, limit, maxWaitMs]);
    const existing = this.shares.get(entry.id);
    if (existing?.identity === identity) return existing.share;
    const share = new FairAdmission({
      initialConcurrent: limit, minConcurrent: limit, maxConcurrent: limit, adjustEveryMs: 0,
      maxRunningPerGroup: Math.max(1, Math.floor(limit / 2)),
      // One call is always left for another caller: a portal's question waits for no flood's call to end there.
      hardMaxRunningPerGroup: limit > 1 ? limit - 1 : 1,
      maxQueuedPerGroup: MAX_WAITING_PER_GROUP, maxQueued: MAX_WAITING, maxWaitMs,
    });
    this.shares.set(entry.id, { identity, share });
    return share;
  }
}

/** The middleware on shares of its own (tests); the gateway's is `useFairShare`, on the process's shares. */
export function createFairShareMiddleware(shares = new FairShares()): SubgraphMiddleware {
  return (info, next) => {
    const entry = info.entry;
    if (!entry) return next;
    const limit = entry.maxConcurrentCalls ?? DEFAULT_MAX_CONCURRENT_CALLS;
    const maxWaitMs = Math.min(MAX_WAIT_MS, Math.floor((entry.timeoutMs ?? MAX_WAIT_MS * 2) * WAIT_SHARE_OF_TIMEOUT));
    return fairShareCalls(entry.id, limit, maxWaitMs, shares.of(entry, limit, maxWaitMs), next);
  };
}

export const useFairShare: SubgraphMiddleware = createFairShareMiddleware();

function fairShareCalls(repositoryId: string, limit: number, maxWaitMs: number, share: FairAdmission, next: SubgraphCall): SubgraphCall {
  return async (options) => {
    if (!isQueryCall(options)) return next(options);
    let release: () => void;
    // Never past the request's deadline: a call that would wait beyond it is answered as timed out instead.
    const left = Math.max(0, Math.floor(timeLeftMs(options.context)));
    const byDeadline = left < maxWaitMs;
    try {
      // A call whose callers have all gone leaves the queue (subgraphs/sdk/cancellation.ts).
      release = await share.admit(callerGroupOf(options.context) ?? 'gateway', currentSignal(), byDeadline ? left : maxWaitMs);
    } catch (error) {
      if (!(error instanceof RequestRefused)) throw error;
      if (byDeadline && error.refusal.code === 'OVERLOADED') {
        return failureResponse(options, {
          code: ErrorCode.TIMEOUT, repositoryId, extensions: { timeoutMs: left, requestDeadline: true },
          message: `repository "${repositoryId}": did not answer before the request's deadline (${left} ms were left, spent waiting for its turn there)`,
        });
      }
      return failureResponse(options, {
        code: ErrorCode.OVERLOADED, repositoryId, extensions: { maxConcurrentCalls: limit },
        message: error.refusal.status === 429
          ? `repository "${repositoryId}": not asked, this caller already has ${MAX_WAITING_PER_GROUP} calls waiting there; retry when answers have come back`
          : `repository "${repositoryId}": not asked, its ${limit} calls at once were taken and this one waited its longest; retry in a moment`,
      });
    }
    try {
      return await next(options);
    } finally {
      // Held until the call's work has ended, also when the timeout gave up on it earlier (abandoned-work.ts).
      void abandonedWorkSettled(options).then(() => release());
    }
  };}
