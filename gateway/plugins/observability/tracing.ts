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
import { context, propagation, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { TRACER_NAME } from '../../../subgraphs/sdk/tracing';

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

/**
 * Runs a GraphQL request's handling in a server span, a child of the client's `traceparent` when it sent one; the
 * span ends when the answer has gone (or the client went away), with the HTTP status.
 */
export function inServerSpan(req: IncomingMessage, res: ServerResponse, handle: () => Promise<void>): Promise<void> {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer(TRACER_NAME).startSpan(`${req.method ?? 'GET'} /graphql`, {
    kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': '/graphql' },
  }, parent);
  res.once('close', () => {
    span.setAttribute('http.response.status_code', res.statusCode);
    if (!res.writableFinished) span.setAttribute('eucaim.client_went_away', true);
    if (res.statusCode >= 500) span.setStatus({ code: 2 });
    span.end();
  });
  return context.with(trace.setSpan(parent, span), handle);
}
