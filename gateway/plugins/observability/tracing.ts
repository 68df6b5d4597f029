/**
 * OpenTelemetry traces: a span per GraphQL request (continuing the client's W3C `traceparent`), with
 * @apollo/gateway's own spans under it (planning, each fetch), a span per repository call, and a span per native
 * HTTP request an adapter makes (subgraphs/sdk/native-http.ts), so one trace shows where a slow answer spent its
 * time. Exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set, the standard
 * OpenTelemetry variables configuring the exporter; off otherwise, and then every span is a no-op.
 *
 * Span names and attributes carry repository ids, methods, status codes and error codes: never filter values,
 * query strings, native URLs' paths (they can hold study UIDs or patient ids), tokens or client addresses.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TRACER_NAME } from '../../../subgraphs/sdk/tracing';

/** The server span of each GraphQL request: the SDK's, shared with repository subgraph servers (serve.ts). */
export { inServerSpan } from '../../../subgraphs/sdk/tracing';

export interface Tracing {
  /** Sends what is buffered (tests, shutdown). */
  flush(): Promise<void>;
  /** Flushes and unregisters: spans are no-ops again. */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider for this process: with `exporter` (tests: an InMemorySpanExporter) every span is
 * handed over as it ends; else over OTLP/HTTP in batches when the environment names an endpoint. Undefined when
 * neither: tracing stays off.
 */
export function startTracing(options: { exporter?: SpanExporter; env?: NodeJS.ProcessEnv } = {}): Tracing | undefined {
  const env = options.env ?? process.env;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!options.exporter && !endpoint) return undefined;
  // The SDK and the exporter load only when tracing is on: loaded, they held about 20 MB of a gateway's resident
  // memory (their code, and the semantic conventions' tables) that a gateway without traces never uses.
  const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks') as typeof import('@opentelemetry/context-async-hooks');
  const { W3CTraceContextPropagator } = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { Resource } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const provider = new BasicTracerProvider({ resource: new Resource({ 'service.name': env.OTEL_SERVICE_NAME || TRACER_NAME }) });
  provider.addSpanProcessor(options.exporter ? new SimpleSpanProcessor(options.exporter) : new BatchSpanProcessor(new OTLPTraceExporter()));
  // W3C trace context only: a client's `baggage` is never carried on to the repositories.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable(), propagator: new W3CTraceContextPropagator() });
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
