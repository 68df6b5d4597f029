/**
 * Middleware: each repository call's latency and outcome (OK, or the code of its first error) in the gateway's
 * metrics (gateway/observability/metrics.ts). Inside the answer cache and the sharing of calls in flight, so it
 * counts the calls that went to the repository's fair share and on; outside it, so waits and OVERLOADED refusals
 * are seen as callers see them.
 */
import { metricsOf } from '../observability/metrics';
import type { SubgraphMiddleware } from './middleware';

export const useCallMetrics: SubgraphMiddleware = (info, next) => {
  const entry = info.entry;
  if (!entry) return next;
  return async (options) => {
    const metrics = metricsOf(options.context);
    if (!metrics) return next(options);
    const stop = metrics.callSeconds.startTimer({ repository: entry.id });
    let outcome = 'FAILED';
    try {
      const response = await next(options);
      const code = response.errors?.[0]?.extensions?.code;
      outcome = response.errors && response.errors.length > 0 ? (typeof code === 'string' ? code : 'ERROR') : 'OK';
      return response;
    } finally {
      stop({ outcome });
    }
  };
};
