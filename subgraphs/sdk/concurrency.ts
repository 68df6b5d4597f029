/**
 * Runs `work` over items with at most `limit` in flight, keeping order: a native API is never flooded. After the
 * first failure no new work starts (a failing repository is not asked again and again); the failure is thrown.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(workers);
  return results;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Lets the event loop turn (I/O, timers, other requests) before going on. For long work in one request: a loop over
 * tens of thousands of items, or a chain of answers that all resolve at once, would otherwise hold it throughout.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** `line(item)` for every item, concatenated, the event loop turning after every `slice` items. */
export async function joinInSlices<T>(items: readonly T[], line: (item: T) => string, slice = 2_000): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i += slice) {
    if (i > 0) await yieldToEventLoop();
    let part = '';
    for (let j = i; j < Math.min(items.length, i + slice); j++) part += line(items[j]);
    parts.push(part);
  }
  return parts.join('');
}

/**
 * `map` over the keys in slices of `size` (each call gets one slice's keys), the event loop turning between
 * slices: a harvest maps a whole repository's rows to records, which done in one go held the event loop for up to
 * 190 ms. The caller gathers each slice's rows by key, so that a key's rows stay together.
 */
export async function mapKeysInSlices<R>(keys: readonly string[], size: number, map: (slice: ReadonlySet<string>) => R[]): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < keys.length; i += size) {
    if (i > 0) await yieldToEventLoop();
    results.push(...map(new Set(keys.slice(i, i + size))));
  }
  return results;
}

/** The items of each key, in their order. */
export function itemsByKey<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = byKey.get(key);
    if (list) list.push(item);
    else byKey.set(key, [item]);
  }
  return byKey;
}
