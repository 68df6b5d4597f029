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
 *
 * Under `Prefer: handling=strict` the same server answers HTTP 400 with an OperationOutcome instead (R4
 * search.html, "Handling Errors": "the server SHALL return an error for any unknown or unsupported parameter").
 * R4 does not say how the OperationOutcome names the parameter; servers write it into `diagnostics` (HAPI:
 * `Unknown search parameter "modality" for resource type "ImagingStudy". Valid search parameters for this search
 * are: [...]`), so `refusedParameters` looks for the names sent, quoted first, then as words outside any list.
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

/** Parameters whose refusal changes no plan: the adapter cannot do without them, so it asks leniently instead. */
const NOT_DROPPABLE = new Set(['_count', '_sort', '_format', '_pretty', '_total']);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The sent parameters (keys as `ignoredParameters` gives them, result-shaping ones by name too) that the texts of a
 * strict server's OperationOutcome name as refused. Quoted names count first (`"modality"`, `'_has'`); when none
 * is quoted, a name standing as a word outside brackets (HAPI appends the list of valid parameters in brackets).
 * Parameters the adapter cannot drop (`_count`, `_sort`...) are never returned: the caller asks leniently then.
 */
export function refusedParameters(sent: SearchParams, texts: readonly string[]): string[] {
  const candidates = new Map<string, string[]>(); // key -> the names it may be called by
  for (const [name, value] of sent) {
    const base = name.split(':')[0];
    if (NOT_DROPPABLE.has(base)) continue;
    const key = keyOf(name, value) ?? name;
    const names = new Set([name, base, ...(base === '_include' || base === '_revinclude' ? [value] : [])]);
    candidates.set(key, [...new Set([...(candidates.get(key) ?? []), ...names])]);
  }
  const quoted = new Set(texts.flatMap((text) => [...text.matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => m[1] ?? m[2])));
  const byQuote = [...candidates].filter(([, names]) => names.some((n) => quoted.has(n))).map(([key]) => key);
  if (byQuote.length > 0) return byQuote;
  const prose = texts.map((text) => text.replace(/\[[^\]]*\]/g, ' '));
  const asWord = (n: string) => new RegExp(`(^|[^A-Za-z0-9_:.-])${escapeRegExp(n)}($|[^A-Za-z0-9_-])`);
  return [...candidates].filter(([, names]) => names.some((n) => prose.some((text) => asWord(n).test(text)))).map(([key]) => key);
}
