/**
 * The in-process store behind keyv when no Redis is configured: a Map bounded in entries, least recently used
 * first out, that drops expired entries when it meets them. keyv's own default store (a plain Map) never forgets
 * an entry that is not read again, so distinct queries would grow the gateway's memory without bound.
 * Values are kept as given (keyv runs without serialisation for it: see SubgraphCache).
 */
interface Slot {
  value: unknown;
  /** Epoch ms; undefined: no expiry. */
  expiresAt?: number;
}

export class BoundedMemoryStore {
  private readonly slots = new Map<string, Slot>();
  /** keyv sets this; keys already carry their namespace here. */
  namespace?: string;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`maxEntries must be a positive integer, got ${maxEntries}`);
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: string): unknown {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    if (slot.expiresAt !== undefined && slot.expiresAt <= Date.now()) return undefined;
    this.slots.set(key, slot); // most recently used last
    return slot.value;
  }

  /** `ttl` in milliseconds, as keyv passes it. */
  set(key: string, value: unknown, ttl?: number): boolean {
    this.slots.delete(key);
    this.slots.set(key, { value, expiresAt: typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : undefined });
    while (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next().value as string;
      this.slots.delete(oldest);
    }
    return true;
  }

  delete(key: string): boolean {
    return this.slots.delete(key);
  }

  clear(): void {
    this.slots.clear();
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}
