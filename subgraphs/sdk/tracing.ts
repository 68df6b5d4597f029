/**
 * Spans of the gateway's and the adapters' own work (a GraphQL request served, a repository call, a native HTTP
 * request), through the OpenTelemetry API only: without a registered tracer provider (the gateway's
 * gateway/plugins/observability/tracing.ts, or a provider's own for its repository subgraph) they are no-ops.
 * Attributes name repositories, methods, status and error codes, never filter values or native paths.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const TRACER_NAME = 'eucaim-gateway';

/** Runs `work` in a span under the current one; `finish` may add attributes from its result. */
export function inSpan<T>(name: string, attributes: Record<string, string | number | boolean>, work: () => Promise<T>, finish?: (span: Span, result: T) => void): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, { attributes }, async (span) => {
    try {
      const result = await work();
      finish?.(span, result);
      return result;
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === 'string' ? code : 'error' });
      if (typeof code === 'string') span.setAttribute('eucaim.error_code', code);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * Runs a GraphQL request's handling in a server span, a child of the caller's W3C `traceparent` when it sent one
 * (a client of the gateway; the gateway calling a repository subgraph), so that one trace goes from the client
 * through the gateway to a remote repository's native requests. The span ends when the answer has gone (or the
 * client went away), with the HTTP status.
 */
export function inServerSpan(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer(TRACER_NAME).startSpan(`${req.method ?? 'GET'} /graphql`, {
    kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': '/graphql' },
  }, parent);
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (!res.writableFinished) span.setAttribute('eucaim.client_went_away', true);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handle);
}
