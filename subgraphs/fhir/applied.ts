/**
 * What a FHIR server did with the parameters it was sent, read from the answer's self link. R4 search.html
 * ("Handling Errors"): servers SHOULD ignore parameters they do not know or support, and SHALL return the parameters
 * they actually used; the self link carries them, and clients SHALL check it where it matters. A count can only be
 * exact when every criterion's parameter is in it.
 *
 * Compared by name (with modifiers: `_has:ImagingStudy:subject:modality`, `code:not`), as often as sent; `_include`
 * and `_revinclude` by name and value. Values are not compared: servers rewrite them (order, escaping, prefixes).
 * Result-shaping parameters (`_count`, `_sort`, `_total`, `_summary`, `_elements`, `_format`, `_pretty`) are not
 * checked: servers rewrite or cap them, and none of them changes which resources match.
 */
import type { SearchParams } from './plan';

const RESULT_SHAPING = new Set(['_count', '_sort', '_total', '_summary', '_elements', '_format', '_pretty']);

function keyOf(name: string, value: string): string | null {
  const base = name.split(':')[0];
  if (RESULT_SHAPING.has(base)) return null;
  return base === '_include' || base === '_revinclude' ? `${name}=${value}` : name;
}

function tally(pairs: Iterable<[string, string]>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const [name, value] of pairs) {
    const key = keyOf(name, value);
    if (key !== null) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The sent parameters the self link leaves out (each a key: the name, or `name=value` for includes), or null when
 * there is no self link to tell (the caller then relies on the CapabilityStatement alone).
 */
export function ignoredParameters(sent: SearchParams, self: string | null): string[] | null {
  if (self === null) return null;
  let used: URLSearchParams;
  try {
    used = new URL(self, 'http://base.invalid').searchParams;
  } catch {
    return null;
  }
  const echoed = tally(used);
  const ignored: string[] = [];
  for (const [key, count] of tally(sent)) {
    if ((echoed.get(key) ?? 0) < count) ignored.push(key);
  }
  return ignored;
}
