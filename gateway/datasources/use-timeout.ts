/**
 * The repository's timeout (entry.timeoutMs) on every subgraph call, in process or remote: a call that has not
 * answered in time is answered with REPOSITORY_TIMEOUT on each requested field, naming the repository, and the
 * other repositories are unaffected. One timer per call, cleared when the call ends (no AbortSignal.timeout:
 * DESIGN.md measured it tripling memory under load).
 *
 * In-process work cannot be cancelled: it runs on and its late answer is dropped (the adapter's native client has
 * its own per-request timeout, so it ends too). A remote call's undici request keeps its own timeouts as well.
 */
import { ErrorCode } from '../../subgraphs/sdk/errors';
import { failureResponse } from './failure-response';
import type { SubgraphMiddleware } from './middleware';

export const useTimeout: SubgraphMiddleware = (info, next) => {
  const timeoutMs = info.entry?.timeoutMs;
  if (!info.entry || !timeoutMs) return next;
  const repositoryId = info.entry.id;
  return (options) => {
    const call = next(options);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    return Promise.race([call, timedOut]).then((answer) => {
      if (answer !== 'timeout') return answer;
      // The late answer (or failure) of the abandoned call is dropped.
      call.catch(() => undefined);
      return failureResponse(options, {
        code: ErrorCode.TIMEOUT, repositoryId,
        message: `repository "${repositoryId}": did not answer within ${timeoutMs} ms (the gateway's timeout for this repository)`,
        extensions: { timeoutMs },
      });
    }).finally(() => clearTimeout(timer));
  };
};
