/**
 * The repository's timeout (entry.timeoutMs), or the time left before the request's deadline when that is
 * shorter, on every subgraph call, in process or remote: a call that has not
 * answered in time is answered with REPOSITORY_TIMEOUT on each requested field, naming the repository, and the
 * other repositories are unaffected. One timer per call, cleared when the call ends (no AbortSignal.timeout:
 * DESIGN.md measured it tripling memory under load).
 *
 * A call that timed out is cancelled (subgraphs/sdk/cancellation.ts): its native requests in flight are aborted and
 * no new one is sent, and a remote subgraph's HTTP request is aborted. So is a call whose caller went away: the
 * call's cancellation follows the one it runs under (the client's connection, or the shared one of a de-duplicated
 * call, use-dedup.ts). Work that runs on regardless (a harvest several calls share) ends on its own; its late answer
 * is dropped.
 */
import { linkedController, withSignal } from '../../../subgraphs/sdk/cancellation';
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { timeLeftMs } from '../limits/request-deadline';
import { markAbandoned } from './abandoned-work';
import { failureResponse } from './failure-response';
import type { SubgraphMiddleware } from './middleware';

export const useTimeout: SubgraphMiddleware = (info, next) => {
  const repositoryTimeoutMs = info.entry?.timeoutMs;
  if (!info.entry || !repositoryTimeoutMs) return next;
  const repositoryId = info.entry.id;
  return (options) => {
    // Cut to the request's deadline (gateway/plugins/limits/request-deadline.ts) when that comes first.
    const left = Math.max(0, Math.floor(timeLeftMs(options.context)));
    const byDeadline = left < repositoryTimeoutMs;
    const timeoutMs = byDeadline ? left : repositoryTimeoutMs;
    const timedOutAnswer = () => failureResponse(options, {
      code: ErrorCode.TIMEOUT, repositoryId,
      message: byDeadline
        ? `repository "${repositoryId}": did not answer before the request's deadline (${timeoutMs} ms were left)`
        : `repository "${repositoryId}": did not answer within ${timeoutMs} ms (the gateway's timeout for this repository)`,
      extensions: { timeoutMs, ...(byDeadline ? { requestDeadline: true } : {}) },
    });
    if (timeoutMs === 0) return Promise.resolve(timedOutAnswer());
    const cancellation = linkedController();
    const call = withSignal(cancellation.controller.signal, () => next(options));
    void call.then(cancellation.dispose, cancellation.dispose);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    return Promise.race([call, timedOut]).then((answer) => {
      if (answer !== 'timeout') return answer;
      // The abandoned call is cancelled; its late answer (or failure) is dropped, and a repository's fair share waits
      // until it has ended.
      cancellation.controller.abort(new Error(`repository "${repositoryId}": timed out`));
      markAbandoned(options, call);
      return timedOutAnswer();
    }).finally(() => clearTimeout(timer));
  };
};
