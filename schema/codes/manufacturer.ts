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

/** The vendor a raw manufacturer string names; the trimmed raw value when no vendor is known; null when empty. */
export function manufacturerVendor(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  for (const [pattern, vendor] of VENDORS) if (pattern.test(trimmed)) return vendor;
  return trimmed;
}

/** The vendor a name stands for when it is a known one ("ge medical systems" -> "GE"); null otherwise. */
export function knownVendor(raw: string | null | undefined): string | null {
  const trimmed = raw?.trim();
  if (!trimmed) return null;
  return VENDORS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? null;
}

/** Whether a raw manufacturer matches any filter value (lower-case): same vendor, or a case-insensitive prefix. */
export function manufacturerMatches(raw: string | null | undefined, filterValues: readonly string[]): boolean {
  if (!raw) return false;
  const name = raw.trim().toLowerCase();
  const vendor = manufacturerVendor(raw)?.toLowerCase();
  return filterValues.some((value) => name.startsWith(value) || vendor === manufacturerVendor(value)?.toLowerCase());
}
