/**
 * A circuit breaker per repository (resilience/circuit-breaker.ts): after entry.circuitBreaker.failureThreshold
 * consecutive failed calls (after retries: a call is what this middleware sees) the repository is not asked any
 * more: each call is answered at once with REPOSITORY_CIRCUIT_OPEN and extensions.retryAfterMs. After resetAfterMs
 * one probe call goes through (made once, without retries); its success closes the breaker, its failure opens it
 * again. Failed means a repository failure (resilience/outcome.ts REPOSITORY_FAILURE_CODES); errors about the
 * request itself are answers. Every call's outcome and latency feed the repository's status (/readyz,
 * getRepositoryStatus).
 */
import { callFailure, CIRCUIT_OPEN, markSingleAttempt } from '../resilience/outcome';
import { repositoryStatuses, type RepositoryStatusRegistry } from '../resilience/repository-status';
import { currentSignal } from '../../../subgraphs/sdk/cancellation';
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { failureResponse } from './failure-response';
import type { SubgraphMiddleware } from './middleware';

export interface CircuitBreakerOptions {
  registry?: RepositoryStatusRegistry;
  now?: () => number;
}

export function createCircuitBreakerMiddleware(settings: CircuitBreakerOptions = {}): SubgraphMiddleware {
  const registry = settings.registry ?? repositoryStatuses;
  const now = settings.now ?? (() => performance.now());
  return (info, next) => {
    if (!info.entry) return next;
    const entry = info.entry;
    const health = registry.attach(entry);
    return async (options) => {
      const admission = health.admit();
      if (!admission.allowed) {
        const status = health.status();
        const retryAfterMs = admission.retryAfterMs;
        const last = status.lastErrorCode ? `, last ${status.lastErrorCode}` : '';
        return failureResponse(options, {
          code: CIRCUIT_OPEN, repositoryId: entry.id,
          message: `repository "${entry.id}": not asked, its circuit breaker is open after ${status.consecutiveFailures} consecutive failed calls${last}; `
            + (retryAfterMs > 0 ? `the gateway tries it again in ${retryAfterMs} ms` : 'the gateway is trying it again now'),
          extensions: { retryAfterMs },
        });
      }
      if (admission.probe) markSingleAttempt(options);
      const started = now();
      let failureCode: string | undefined = ErrorCode.UNAVAILABLE;
      try {
        const response = await next(options);
        failureCode = callFailure(response)?.code;
        return response;
      } finally {
        // Cancelled because its caller went away (subgraphs/sdk/cancellation.ts): the call says nothing of the repository.
        if (currentSignal()?.aborted) health.cancelled(admission.probe);
        else health.completed(admission.probe, now() - started, failureCode);
      }
    };
  };
}

/** The gateway's circuit-breaker middleware, on the process's status registry. */
export const useCircuitBreaker: SubgraphMiddleware = createCircuitBreakerMiddleware();
