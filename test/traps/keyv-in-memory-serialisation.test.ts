/**
 * Trap (DESIGN.md, measured on keyv 5): keyv JSON-serialises even an in-memory store, a stringify on every write and
 * a parse on every read (0.8 ms per read of 500 rows) for values that never leave the process. The gateway's
 * in-process answer cache turns it off (gateway/plugins/cache/subgraph-cache.ts, inProcessKeyv). keyv 6 still serialises by
 * default, and renamed the switch: keyv 5's `serialize: undefined` is ignored by keyv 6, so the old fix would have
 * regressed silently on the upgrade.
 */
import { Keyv, type KeyvOptions } from 'keyv';
import { BoundedMemoryStore } from '../../gateway/plugins/cache/memory-store';
import { inProcessKeyv } from '../../gateway/plugins/cache/subgraph-cache';
import { installedVersion } from './installed-version';

const KEYV_VERSION = installedVersion('keyv');

function answer(rows: number) {
  return { data: { repositories: Array.from({ length: rows }, (_, i) => ({ id: `r${i}`, cohort: { subjects: i, exact: true } })) } };
}

/** The strings a store holds for a key, however deep keyv wrapped the value. */
function storedStrings(store: BoundedMemoryStore, key: string): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') found.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(store.get(key));
  return found;
}

describe(`keyv ${KEYV_VERSION} over an in-memory store`, () => {
  it('serialises every value to JSON by default: the trap is still there', async () => {
    const store = new BoundedMemoryStore(10);
    const keyv = new Keyv(store, { namespace: 'trap' });
    const written = answer(500);
    await keyv.set('k', written);
    expect(storedStrings(store, 'trap::k').some((s) => s.includes('"repositories"'))).toBe(true);
    const read = await keyv.get('k');
    expect(read).toEqual(written);
    expect(read).not.toBe(written); // a parsed copy
  });

  it('ignores keyv 5\'s switch (serialize: undefined), so the keyv 5 fix no longer works', async () => {
    const store = new BoundedMemoryStore(10);
    const keyv = new Keyv(store, { namespace: 'trap', serialize: undefined, deserialize: undefined } as unknown as Omit<KeyvOptions, 'store'>);
    await keyv.set('k', answer(3));
    expect(storedStrings(store, 'trap::k').some((s) => s.includes('"repositories"'))).toBe(true);
  });
});

describe('the gateway\'s in-process answer cache (inProcessKeyv)', () => {
  it('keeps answers as they are: no JSON round trip on a write or a read', async () => {
    const keyv = inProcessKeyv<ReturnType<typeof answer>>(10);
    const written = answer(500);
    await keyv.set('k', written, 60_000);
    expect(await keyv.get('k')).toBe(written);
  });

  it('stays bounded (least recently used out) and honours the TTL', async () => {
    const keyv = inProcessKeyv<number>(3);
    for (const key of ['a', 'b', 'c']) await keyv.set(key, 1, 60_000);
    await keyv.get('a'); // a is now the most recently used
    await keyv.set('d', 1, 60_000);
    expect(await keyv.get('b')).toBeUndefined();
    expect(await keyv.get('a')).toBe(1);
    await keyv.set('short', 2, 5);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await keyv.get('short')).toBeUndefined();
  });
});
