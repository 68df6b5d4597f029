/**
 * Bounded retries of a repository's failed queries (never mutations): up to entry.retries, only for transient
 * failures (resilience/outcome.ts isTransient: unreachable, HTTP 5xx/429/408), with exponential backoff and full
 * jitter, within the repository's retry budget (a token bucket: about 20% of its recent calls plus a floor, so
 * a failing repository never sees a retry storm), and never past the repository's timeout: a retry that could not
 * start within entry.timeoutMs of the call's start, or before the request's deadline, is not made. The half-open probe of the circuit breaker is
 * never retried. A call still failing after retries carries extensions.attempts on its repository errors.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { DEFAULT_RETRIES } from '../../../config/federation-config';
import { isQueryFetch, isRetryable, isSingleAttempt, REPOSITORY_FAILURE_CODES } from '../resilience/outcome';
import { repositoryStatuses, type RepositoryStatusRegistry } from '../resilience/repository-status';
import { fullJitterDelay, type RetryBudgetSettings } from '../resilience/retry-budget';
import { timeLeftMs } from '../limits/request-deadline';
import { currentSignal } from '../../../subgraphs/sdk/cancellation';
import type { SubgraphMiddleware } from './middleware';

export interface RetryOptions {
  /** Backoff ceiling of the first retry; doubles per retry. Default 100 ms. */
  baseDelayMs?: number;
  /** Backoff ceiling cap. Default 1000 ms. */
  maxDelayMs?: number;
  /** The per-repository budget (resilience/retry-budget.ts DEFAULT_RETRY_BUDGET). */
  budget?: RetryBudgetSettings;
  registry?: RepositoryStatusRegistry;
  random?: () => number;
  now?: () => number;
}

export const DEFAULT_BASE_DELAY_MS = 100;
export const DEFAULT_MAX_DELAY_MS = 1000;

export function createRetryMiddleware(settings: RetryOptions = {}): SubgraphMiddleware {
  const baseDelayMs = settings.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = settings.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const random = settings.random ?? Math.random;
  const now = settings.now ?? Date.now;
  const registry = settings.registry ?? repositoryStatuses;
  return (info, next) => {
    const entry = info.entry;
    const retries = entry ? entry.retries ?? DEFAULT_RETRIES : 0;
    if (!entry || retries <= 0) return next;
    const budget = registry.attach(entry).retryBudget(settings.budget);
    return async (options) => {
      budget.deposit();
      const started = now();
      let response = await next(options);
      if (!isRetryable(response) || !isQueryFetch(options) || isSingleAttempt(options)) return response;
      let attempts = 1;
      while (attempts <= retries && isRetryable(response)) {
        const delay = fullJitterDelay(attempts, baseDelayMs, maxDelayMs, random);
        if (now() - started + delay >= entry.timeoutMs || delay >= timeLeftMs(options.context, now()) || !budget.withdraw()) break;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        // Nobody waits any more (subgraphs/sdk/cancellation.ts): no retry for nobody.
        if (currentSignal()?.aborted) break;
        response = await next(options);
        attempts++;
      }
      return attempts > 1 ? withAttempts(response, attempts) : response;
    };
  };
}

/** The gateway's retry middleware, with the default backoff and budget. */
export const useRetries: SubgraphMiddleware = createRetryMiddleware();

function withAttempts(response: GatewayGraphQLResponse, attempts: number): GatewayGraphQLResponse {
  if (!response.errors) return response;
  const errors = response.errors.map((error) => {
    const code = error.extensions?.code;
    if (typeof code !== 'string' || !REPOSITORY_FAILURE_CODES.has(code)) return error;
    return { ...error, extensions: { ...error.extensions, attempts } };
  });
  return { ...response, errors };
}
