import { detached } from './cancellation';

/**
 * A harvested copy of a repository's series-level metadata, for native APIs without counts (DICOMweb has none:
 * PS3.18 QIDO returns no total). Loaded on first use, refreshed after `ttlMs`, one harvest at a time: concurrent
 * queries share the harvest in flight, and a stale copy keeps answering while a refresh runs.
 */
export class HarvestedIndex<T> {
  private value: T | undefined;
  private harvestedAt = 0;
  private inFlight: Promise<T> | undefined;

  /** `harvest` gets the copy it replaces, so it can refresh incrementally. */
  constructor(private readonly harvest: (previous: T | undefined) => Promise<T>, private readonly ttlMs: number) {}

  async get(): Promise<T> {
    const fresh = this.value !== undefined && Date.now() - this.harvestedAt < this.ttlMs;
    if (fresh) return this.value as T;
    const refresh = this.inFlight ?? this.start();
    // A stale copy answers at once; the refresh replaces it when done. Only the first load waits.
    return this.value !== undefined ? this.value : refresh;
  }

  /** Harvests now (joining one in flight) and waits for the new copy. */
  refresh(): Promise<T> {
    return this.inFlight ?? this.start();
  }

  /** Drops the copy so the next query harvests again. */
  invalidate(): void {
    this.value = undefined;
    this.harvestedAt = 0;
  }

  private start(): Promise<T> {
    // Shared by every query that waits for it: no caller going away cancels it (cancellation.ts).
    const run = detached(() => this.harvest(this.value)).then((value) => {
      this.value = value;
      this.harvestedAt = Date.now();
      return value;
    }).finally(() => {
      this.inFlight = undefined;
    });
    // A failed background refresh must not become an unhandled rejection; the next query retries.
    run.catch(() => undefined);
    this.inFlight = run;
    return run;
  }
}
