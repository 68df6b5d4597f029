/**
 * Middleware: each repository call in a trace span of its own (subgraphs/sdk/tracing.ts), between the gateway's
 * fetch span and the native requests the adapter makes, with the call's outcome (OK or its first error code). Sits
 * beside the metrics middleware: cache hits and shared calls have no span of their own.
 */
import { inSpan } from '../../../subgraphs/sdk/tracing';
import { outcomeLabel } from './use-call-metrics';
import type { SubgraphMiddleware } from './middleware';

export const useCallSpan: SubgraphMiddleware = (info, next) => {
  const entry = info.entry;
  if (!entry) return next;
  return (options) => inSpan(`repository ${entry.id}`, { 'eucaim.repository.id': entry.id, 'eucaim.api_kind': entry.apiKind }, () => next(options), (span, response) => {
    const code = response.errors?.[0]?.extensions?.code;
    span.setAttribute('eucaim.outcome', response.errors && response.errors.length > 0 ? outcomeLabel(code) : 'OK');
  });
};
