/**
 * Equipment manufacturer (DICOM (0008,0070)) is free text: "SIEMENS", "Siemens Healthineers", "GE MEDICAL SYSTEMS",
 * "GE Healthcare", "Philips Medical Systems". Facets group them by vendor; filters match a vendor or a name prefix.
 */
const VENDORS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^siemens/i, 'Siemens'],
  [/^(ge\b|ge medical|general electric)/i, 'GE'],
  [/^philips/i, 'Philips'],
  [/^toshiba/i, 'Toshiba'],
  [/^canon/i, 'Canon'],
  [/^hologic/i, 'Hologic'],
  [/^(fujifilm|fuji\b)/i, 'Fujifilm'],
  [/^agfa/i, 'Agfa'],
  [/^carestream/i, 'Carestream'],
  [/^hitachi/i, 'Hitachi'],
  [/^(united imaging|uih)/i, 'United Imaging'],
];

/**
 * Vendors worked out, by raw string: a repository's series name a few dozen manufacturers, and facets and filters
 * ask for each series' vendor at every evaluation (profiled: a tenth of the gateway's CPU under distinct filters, in
 * the vendor patterns). Bounded: emptied when full, so that strings from callers cannot grow it.
 */
const vendorOf = new Map<string, string | null>();
const MAX_REMEMBERED_VENDORS = 10_000;

/** The vendor a raw manufacturer string names; the trimmed raw value when no vendor is known; null when empty. */
export function manufacturerVendor(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const known = vendorOf.get(raw);
  if (known !== undefined) return known;
  const trimmed = raw.trim();
  const vendor = !trimmed ? null : VENDORS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? trimmed;
  if (vendorOf.size >= MAX_REMEMBERED_VENDORS) vendorOf.clear();
  vendorOf.set(raw, vendor);
  return vendor;
}

/** The vendor a name stands for when it is a known one ("ge medical systems" -> "GE"); null otherwise. */
export function knownVendor(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  return VENDORS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? null;
}

/**
 * A predicate for many raw manufacturers against one filter (lower-case values): same vendor, or a case-insensitive
 * prefix. The filter's vendors are worked out once, not once per series, so matching a repository's series costs
 * their number times the number of values, and never the values' length again per series.
 */
export function manufacturerMatcher(filterValues: readonly string[]): (raw: string | null | undefined) => boolean {
  const vendors = new Set(filterValues.map((value) => manufacturerVendor(value)?.toLowerCase()).filter((v): v is string => Boolean(v)));
  return (raw) => {
    if (!raw) return false;
    const name = raw.trim().toLowerCase();
    const vendor = manufacturerVendor(raw)?.toLowerCase();
    return (vendor !== undefined && vendors.has(vendor)) || filterValues.some((value) => name.startsWith(value));
  };
}

/** Whether a raw manufacturer matches any filter value (lower-case); for one value: see manufacturerMatcher for many. */
export function manufacturerMatches(raw: string | null | undefined, filterValues: readonly string[]): boolean {
  return manufacturerMatcher(filterValues)(raw);
}
