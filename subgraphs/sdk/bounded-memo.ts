/**
 * A memo of what a key gives, bounded: emptied when full, so that keys from callers cannot grow it without end (it is
 * then only colder). For small, mostly fixed key sets: interned strings, the europe link's planned operations.
 */
export function boundedMemo<K, V>(max: number): (key: K, make: (key: K) => V) => V {
  const kept = new Map<K, V>();
  return (key, make) => {
    if (kept.has(key)) return kept.get(key) as V;
    const value = make(key);
    if (kept.size >= max) kept.clear();
    kept.set(key, value);
    return value;
  };
}
