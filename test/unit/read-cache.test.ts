/**
 * ReadCache (subgraphs/sdk/read-cache.ts), what adapters keep of their native reads: kept for its TTL, bounded in
 * entries with the least recently used dropped first, identical reads in flight shared, failures never kept.
 * Real timers: what is asserted is before or after the TTL, with tens of milliseconds to spare.
 */
import { ReadCache } from '../../subgraphs/sdk/read-cache';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A read that counts its calls and resolves when told. */
function deferredRead<V>() {
  let calls = 0;
  let settle: { resolve: (value: V) => void; reject: (error: Error) => void } | undefined;
  return {
    read: () => {
      calls++;
      return new Promise<V>((resolve, reject) => {
        settle = { resolve, reject };
      });
    },
    get calls() {
      return calls;
    },
    resolve: (value: V) => settle!.resolve(value),
    reject: (error: Error) => settle!.reject(error),
  };
}

describe('ReadCache', () => {
  it('keeps a value for its TTL, then forgets it and reads again', async () => {
    const cache = new ReadCache<string>(80, 10);
    let reads = 0;
    const read = async () => `value ${++reads}`;
    expect(await cache.load('k', read)).toBe('value 1');
    expect(await cache.load('k', read)).toBe('value 1');
    expect(cache.get('k')).toBe('value 1');
    await sleep(120);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(await cache.load('k', read)).toBe('value 2');
    expect(reads).toBe(2);
  });

  it('keeps a null (a patient the server does not have) like any value', async () => {
    const cache = new ReadCache<string | null>(60_000, 10);
    let reads = 0;
    const read = async () => (reads++, null);
    expect(await cache.load('missing', read)).toBeNull();
    expect(await cache.load('missing', read)).toBeNull();
    expect(reads).toBe(1);
  });

  it('holds at most maxEntries, dropping the least recently used first', () => {
    const cache = new ReadCache<number>(60_000, 2);
    cache.set('a', 1);
    cache.set('b', 2);
    // Using a makes b the least recently used.
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('b')).toBeUndefined();
    expect([cache.get('a'), cache.get('c')]).toEqual([1, 3]);
    // Setting a key again refreshes it: c was used last above, then a is set again, so c goes.
    cache.set('a', 10);
    cache.set('d', 4);
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([10, undefined, 4]);
  });

  it('shares a read in flight between callers of the same key, not of others', async () => {
    const cache = new ReadCache<string>(60_000, 10);
    const same = deferredRead<string>();
    const first = cache.load('k', same.read);
    const second = cache.load('k', same.read);
    expect(cache.loading('k')).toBe(true);
    const other = cache.load('other', async () => 'other value');
    same.resolve('shared');
    expect(await Promise.all([first, second, other])).toEqual(['shared', 'shared', 'other value']);
    expect(same.calls).toBe(1);
    expect(cache.loading('k')).toBe(false);
    expect(cache.get('k')).toBe('shared');
  });

  it('never keeps a failure: every caller in flight gets it, and the next load reads again', async () => {
    const cache = new ReadCache<string>(60_000, 10);
    const failing = deferredRead<string>();
    const first = cache.load('k', failing.read);
    const second = cache.load('k', failing.read);
    failing.reject(new Error('HTTP 503'));
    await expect(first).rejects.toThrow('HTTP 503');
    await expect(second).rejects.toThrow('HTTP 503');
    expect(failing.calls).toBe(1);
    expect(cache.loading('k')).toBe(false);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
    expect(await cache.load('k', async () => 'after the failure')).toBe('after the failure');
  });
});
