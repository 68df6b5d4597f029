/**
 * What an adapter read from its native API, kept for a while so that questions which differ only in criteria the
 * adapter evaluates itself cost no native request. Twenty filters that differ in age at diagnosis (which FHIR
 * search cannot express) all read the same candidate patients and records; without this each read them again, and
 * parsed and mapped them again.
 *
 * An owner's choice per repository (an adapter option, off by default): what is kept may be that many seconds old,
 * as the gateway's answer cache may be. Bounded in entries (least recently used go first); identical reads in
 * flight are shared; failures are never kept. Values are shared between requests: callers treat them as read-only.
 */
import { detached } from './cancellation';

export class ReadCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();
  private readonly inFlight = new Map<string, Promise<V>>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Most recently used last: the oldest use is evicted first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): void {
    const now = Date.now();
    this.entries.delete(key);
    this.entries.set(key, { value, expires: now + this.ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    // Expired entries go once per time-to-live, read or not: memory falls back after a burst.
    if (now - this.sweptAt >= this.ttlMs) {
      this.sweptAt = now;
      for (const [k, entry] of this.entries) if (entry.expires <= now) this.entries.delete(k);
    }
  }

  private sweptAt = Date.now();

  /** The kept value, or the one a read already in flight will give, or `read()`'s (then kept). */
  load(key: string, read: () => Promise<V>): Promise<V> {
    const kept = this.get(key);
    if (kept !== undefined) return Promise.resolve(kept);
    let pending = this.inFlight.get(key);
    if (!pending) {
      // Shared by every caller that asks for the key meanwhile: none of them going away cancels it (cancellation.ts).
      pending = detached(read).then((value) => {
        this.set(key, value);
        return value;
      }).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Whether a read of this key is in flight. */
  loading(key: string): boolean {
    return this.inFlight.has(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
