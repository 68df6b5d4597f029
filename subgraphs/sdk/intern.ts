/**
 * One copy of each repeated string an index holds. Native JSON gives every series its own copy of "MR",
 * "SIEMENS", "CHEST" or "T1 AX": in a harvested index of hundreds of thousands of series these copies were a large
 * part of its memory (bench:index-memory). Values kept are those of the repositories' vocabularies, bounded:
 * emptied when full, so that unusual data cannot grow it without end (it is then only less shared).
 */
import { boundedMemo } from './bounded-memo';

const interned = boundedMemo<string, string>(100_000);
/** Longer strings are rarely repeated (descriptions with ids, free text): not worth a lookup. */
const MAX_INTERNED_LENGTH = 64;

export function intern<T extends string | null | undefined>(value: T): T {
  if (typeof value !== 'string' || value.length > MAX_INTERNED_LENGTH) return value;
  return interned(value, (first) => first) as T;
}
