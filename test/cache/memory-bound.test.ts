/**
 * The in-process answer cache is bounded in bytes as well as in entries: huge answers (a 15 MB manifest) cannot
 * take the gateway's memory with them, and one larger than an eighth of the bound is not kept at all.
 */
import { approximateBytes } from '../../gateway/plugins/cache/approximate-size';
import { BoundedMemoryStore } from '../../gateway/plugins/cache/memory-store';
import { SubgraphCache } from '../../gateway/plugins/cache/subgraph-cache';

const MB = 1024 * 1024;

/** An answer shaped like a manifest: many rows of retrieve references, about `mb` megabytes in the heap. */
function manifest(mb: number, tag: string) {
  const row = { uid: `1.2.826.0.1.3680043.${tag}`, url: `https://pacs.example.org/dicom-web/studies/1.2.3/series/${'9'.repeat(40)}` };
  const rows = Math.ceil((mb * MB) / approximateBytes(row));
  return { data: { manifest: { series: Array.from({ length: rows }, (_, i) => ({ ...row, uid: `${row.uid}.${i}` })) } } };
}

describe('approximateBytes', () => {
  it('counts strings at two bytes a character, and containers with their entries', () => {
    expect(approximateBytes('x'.repeat(1000))).toBeGreaterThanOrEqual(2000);
    const small = approximateBytes({ a: [1, 2, 3] });
    expect(approximateBytes({ a: [1, 2, 3], b: 'text' })).toBeGreaterThan(small);
  });
});

describe('the bounded in-memory store', () => {
  it('keeps the estimated size of its values under maxBytes, dropping the least recently used first', () => {
    const store = new BoundedMemoryStore({ maxEntries: 100, maxBytes: 10 * MB, maxEntryBytes: 4 * MB });
    for (let i = 0; i < 8; i++) {
      store.set(`k${i}`, manifest(3, String(i)));
      expect(store.bytes).toBeLessThanOrEqual(10 * MB);
    }
    expect(store.size).toBe(3);
    expect(store.get('k0')).toBeUndefined();
    expect(store.get('k7')).toBeDefined();
  });

  it('does not keep a value larger than maxEntryBytes, and forgets the older value under that key', () => {
    const store = new BoundedMemoryStore({ maxEntries: 100, maxBytes: 8 * MB });
    store.set('k', { data: 'small' });
    store.set('k', manifest(2, 'big'));
    expect(store.get('k')).toBeUndefined();
    expect(store.bytes).toBe(0);
  });
});

describe('the gateway\'s answer cache', () => {
  it('stays within its byte bound with twelve manifest-sized answers, and keeps none too large', async () => {
    const cache = new SubgraphCache({ maxBytes: 16 * MB });
    for (let i = 0; i < 12; i++) await cache.set(`answer:${i}`, manifest(1.8, String(i)), 60_000);
    await cache.set('answer:huge', manifest(3, 'huge'), 60_000);
    const kept = [];
    for (let i = 0; i < 12; i++) kept.push((await cache.get(`answer:${i}`)) !== undefined);
    expect(kept.filter(Boolean).length).toBeLessThanOrEqual(8); // 16 MB hold at most eight answers of 1.8 MB
    expect(kept.slice(-4)).toEqual([true, true, true, true]); // the most recent stay
    expect(await cache.get('answer:huge')).toBeUndefined();
    await cache.close();
  });
});
