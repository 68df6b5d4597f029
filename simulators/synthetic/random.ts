/**
 * A small seeded PRNG (mulberry32): the same seed gives the same synthetic dataset on every machine,
 * which is what lets tests assert counts computed independently from the data.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight: entries are [value, weight]. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let roll = this.next() * total;
    for (const [value, weight] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1][0];
  }

  /** Normal distribution (Box-Muller), clamped to [min, max] and rounded. */
  normalInt(mean: number, sd: number, min: number, max: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.min(max, Math.max(min, Math.round(mean + sd * z)));
  }

  /** A DICOM UID under the 2.25 root (PS3.5 B.2: a UUID as a decimal integer), at most 44 characters. */
  uid(): string {
    let value = 0n;
    for (let i = 0; i < 4; i++) value = (value << 32n) | BigInt(Math.floor(this.next() * 4294967296));
    return `2.25.${value.toString()}`;
  }
}
