/**
 * Prometheus metrics (prom-client) on `GET /metrics`: how each repository answers the gateway (latency histogram
 * and outcomes by error code), its circuit breaker, the answer cache, and the admission gate's queue, beside
 * Node's own process metrics (CPU, memory, event-loop delay, GC). Labels are repository ids and error codes from
 * the config and the code table: never a filter value, a caller or a patient. One registry per gateway, so that
 * several gateways in one process (tests, benches) do not mix.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SubgraphCache } from '../cache/subgraph-cache';
import type { MemoryReleaseStats } from '../../runtime/idle-memory-release';
import type { AdmissionStats } from '../limits/fair-admission';
import type { RepositoryStatus } from '../resilience/repository-status';

export interface MetricSources {
  /** Ids of the repositories served now (they change with config reloads). */
  repositoryIds(): readonly string[];
  statusOf(repositoryId: string): RepositoryStatus | undefined;
  cache?: SubgraphCache;
  admission?: () => AdmissionStats;
  memoryRelease?: () => MemoryReleaseStats;
}

const CIRCUIT_VALUE = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 } as const;

/** A counter that reports a running total kept elsewhere (the cache's and the gate's own counters). */
function counterOf(registry: Registry, name: string, help: string, labelNames: string[], totals: () => Array<[Record<string, string>, number]>): void {
  const reported = new Map<string, number>();
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      for (const [labels, total] of totals()) {
        const key = JSON.stringify(labels);
        const delta = total - (reported.get(key) ?? 0);
        if (delta > 0) this.inc(labels, delta);
        reported.set(key, total);
      }
    },
  });
}

export class GatewayMetrics {
  readonly registry = new Registry();
  /** Seconds from a call's start (its wait for the repository's fair share included) to its answer. */
  readonly callSeconds: Histogram<'repository' | 'outcome'>;

  constructor(sources: MetricSources) {
    const registry = this.registry;
    collectDefaultMetrics({ register: registry });
    this.callSeconds = new Histogram({
      name: 'eucaim_repository_call_duration_seconds',
      help: 'Repository subgraph calls the gateway made (cache hits and shared calls excluded), by outcome: OK or the error code',
      labelNames: ['repository', 'outcome'], registers: [registry],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
    new Gauge({
      name: 'eucaim_repository_circuit_state', help: 'Circuit breaker per repository: 0 closed, 1 half-open, 2 open',
      labelNames: ['repository'], registers: [registry],
      collect() {
        this.reset();
        for (const id of sources.repositoryIds()) {
          const status = sources.statusOf(id);
          if (status) this.set({ repository: id }, CIRCUIT_VALUE[status.circuit]);
        }
      },
    });
    const cache = sources.cache;
    if (cache) {
      counterOf(registry, 'eucaim_answer_cache_operations_total', 'Answer cache reads and writes: hit, miss, write, failure (cache down or slow), skipped (after a failure)',
        ['result'], () => Object.entries(cache.stats).map(([result, n]) => [{ result }, n]));
    }
    const admission = sources.admission;
    if (admission) {
      new Gauge({
        name: 'eucaim_admission_requests', help: 'GraphQL requests at the admission gate: running, queued, and the limit of those running at once',
        labelNames: ['kind'], registers: [registry],
        collect() {
          const stats = admission();
          this.set({ kind: 'running' }, stats.running);
          this.set({ kind: 'queued' }, stats.queued);
          this.set({ kind: 'limit' }, stats.limit);
        },
      });
      counterOf(registry, 'eucaim_admission_decisions_total', 'Admission gate decisions: admitted, or refused and why',
        ['decision'], () => {
          const stats = admission();
          return [
            [{ decision: 'admitted' }, stats.admitted],
            [{ decision: 'refused_caller_queue_full' }, stats.refusedGroupQueueFull],
            [{ decision: 'refused_queue_full' }, stats.refusedQueueFull],
            [{ decision: 'refused_waited_too_long' }, stats.refusedWaitedTooLong],
          ];
        });
    }
    const memoryRelease = sources.memoryRelease;
    if (memoryRelease) {
      counterOf(registry, 'eucaim_memory_releases_total', 'Memory-reducing collections run once the gateway was quiet after its memory grew', [],
        () => [[{}, memoryRelease().releases]]);
      counterOf(registry, 'eucaim_memory_release_seconds_total', 'Time those collections took (no request was running)', [],
        () => [[{}, memoryRelease().seconds]]);
      counterOf(registry, 'eucaim_memory_released_bytes_total', 'Resident memory they gave back to the system', [],
        () => [[{}, memoryRelease().bytesReleased]]);
    }
  }

  /** The text exposition format. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

const METRICS = Symbol('eucaim.metrics');

/** Puts the gateway's metrics on a request's context, for the call middleware (as the answer cache is). */
export function bindMetrics(context: object, metrics: GatewayMetrics): void {
  (context as { [METRICS]?: GatewayMetrics })[METRICS] = metrics;
}

export function metricsOf(context: unknown): GatewayMetrics | undefined {
  return context !== null && typeof context === 'object' ? (context as { [METRICS]?: GatewayMetrics })[METRICS] : undefined;
}
