/**
 * The adapters' background warm-up (harvesting their indexes once the gateway listens, so the first user query does
 * not pay for it), and how far it has come: /readyz lists the repositories still warming and answers 503 until
 * none is, so a load balancer sends traffic to a warm gateway ("ready means warm"). A failed warm-up counts as done:
 * the repository's first query harvests (and reports the error) itself, and a repository that is down never keeps
 * the gateway unready.
 */
import type { Federation } from './federation';

export type WarmUpState = 'WARMING' | 'WARM' | 'FAILED';

export interface RepositoryWarmUp {
  state: WarmUpState;
  /** How long it took, once done. */
  ms: number | null;
}

export class WarmUp {
  private readonly states = new Map<string, RepositoryWarmUp>();
  /** Settles once every adapter's warm-up has ended, with the failures it logged. */
  readonly done: Promise<string[]>;
  /** Milliseconds from start until every warm-up ended; null until then. */
  totalMs: number | null = null;

  constructor(federation: Federation, log: (line: string) => void = console.warn) {
    const started = performance.now();
    const runs = [...federation.adapters].map(([id, adapter]) => {
      if (!adapter.warmUp) return Promise.resolve([]);
      this.states.set(id, { state: 'WARMING', ms: null });
      return adapter.warmUp().then(() => {
        this.states.set(id, { state: 'WARM', ms: Math.round(performance.now() - started) });
        return [];
      }, (error: unknown) => {
        this.states.set(id, { state: 'FAILED', ms: Math.round(performance.now() - started) });
        const failure = `[${id}] warm-up failed: ${(error as Error).message}`;
        log(failure);
        return [failure];
      });
    });
    this.done = Promise.all(runs).then((failures) => {
      this.totalMs = Math.round(performance.now() - started);
      return failures.flat();
    });
  }

  /** The repository's warm-up, or undefined when its adapter has none (it answers live from the start). */
  of(repositoryId: string): RepositoryWarmUp | undefined {
    return this.states.get(repositoryId);
  }

  /** Ids of the repositories still warming. */
  warming(): string[] {
    return [...this.states].filter(([, warmUp]) => warmUp.state === 'WARMING').map(([id]) => id);
  }
}
