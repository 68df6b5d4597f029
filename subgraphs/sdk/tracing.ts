/**
 * Spans of the gateway's and the adapters' own work (a repository call, a native HTTP request), through the
 * OpenTelemetry API only: without a registered tracer provider (gateway/plugins/observability/tracing.ts) they are no-ops.
 * Attributes name repositories, methods, status and error codes, never filter values or native paths.
 */
import { SpanStatusCode, trace, type Span } from '@opentelemetry/api';

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
