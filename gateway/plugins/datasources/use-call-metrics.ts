/**
 * Middleware: each repository call's latency and outcome (OK, or the code of its first error) in the gateway's
 * metrics (gateway/plugins/observability/metrics.ts). Inside the answer cache and the sharing of calls in flight, so it
 * counts the calls that went to the repository's fair share and on; outside it, so waits and OVERLOADED refusals
 * are seen as callers see them.
 */
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { metricsOf } from '../observability/metrics';

/** Outcomes a label may take: the gateway's own codes; anything else a remote subgraph sends is OTHER (bounded series). */
const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), 'INTERNAL_SERVER_ERROR']);
export function outcomeLabel(code: unknown): string {
  return typeof code === 'string' && KNOWN_CODES.has(code) ? code : 'OTHER';
}
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
      outcome = response.errors && response.errors.length > 0 ? outcomeLabel(code) : 'OK';
      return response;
    } finally {
      stop({ outcome });
    }
  };
};
