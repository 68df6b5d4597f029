/**
 * The in-process store behind keyv when no Redis is configured: a Map bounded in entries and in bytes, least
 * recently used first out, that drops expired entries when it meets them. keyv's own default store (a plain Map)
 * never forgets an entry that is not read again, so distinct queries would grow the gateway's memory without
 * bound; and a bound in entries alone lets a few huge answers (a 15 MB manifest each) take gigabytes.
 * Values are kept as given (keyv runs without serialisation for it: see SubgraphCache), their size estimated once
 * when they are written (approximate-size.ts).
 */
import { approximateBytes } from './approximate-size';

interface Slot {
  value: unknown;
  bytes: number;
  /** Epoch ms; undefined: no expiry. */
  expiresAt?: number;
}

export interface MemoryStoreLimits {
  maxEntries: number;
  /** Bound on the estimated size of all values. Default: unbounded. */
  maxBytes?: number;
  /** A value estimated larger than this is not kept at all. Default: maxBytes / 8. */
  maxEntryBytes?: number;
}

export class BoundedMemoryStore {
  private readonly slots = new Map<string, Slot>();
  private totalBytes = 0;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;
  /** keyv sets this; keys already carry their namespace here. */
  namespace?: string;

  constructor(limits: MemoryStoreLimits | number) {
    const { maxEntries, maxBytes = Infinity, maxEntryBytes } = typeof limits === 'number' ? { maxEntries: limits } : limits;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`maxEntries must be a positive integer, got ${maxEntries}`);
    if (!(maxBytes > 0)) throw new Error(`maxBytes must be positive, got ${maxBytes}`);
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxEntryBytes = maxEntryBytes ?? maxBytes / 8;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The estimated size of everything kept. */
  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string): unknown {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    if (slot.expiresAt !== undefined && slot.expiresAt <= Date.now()) {
      this.totalBytes -= slot.bytes;
      return undefined;
    }
    this.slots.set(key, slot); // most recently used last
    return slot.value;
  }

  /** `ttl` in milliseconds, as keyv passes it. A value too large to keep is not kept (and any older one goes). */
  set(key: string, value: unknown, ttl?: number): boolean {
    this.delete(key);
    const bytes = approximateBytes(value);
    if (bytes > this.maxEntryBytes) return true;
    this.slots.set(key, { value, bytes, expiresAt: typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : undefined });
    this.totalBytes += bytes;
    while (this.slots.size > this.maxEntries || this.totalBytes > this.maxBytes) {
      const oldest = this.slots.keys().next().value as string;
      this.delete(oldest);
    }
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.totalBytes -= slot.bytes;
    return this.slots.delete(key);
  }

  clear(): void {
    this.slots.clear();
    this.totalBytes = 0;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}
