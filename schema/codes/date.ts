/**
 * Dates as native APIs write them, to ISO 8601 (YYYY-MM-DD): ISO dates and JDBC timestamps ("2014-03-07",
 * "2014-03-07 00:00:00.0", as NBIA and XNAT send), DICOM DA ("20140307") and US month-first dates ("03-07-2014",
 * "03/07/2014", NBIA v4 and XNAT forms). Null when unreadable.
 */
export function isoDate(raw: string | null | undefined): string | null {
  const text = raw?.trim() ?? '';
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$/.exec(text);
  if (match) return `${match[1]}-${match[2]}-${match[3]}`;
  match = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (match) return `${match[1]}-${match[2]}-${match[3]}`;
  match = /^(\d{2})[-/](\d{2})[-/](\d{4})$/.exec(text);
  if (match) return `${match[3]}-${match[1]}-${match[2]}`;
  return null;
}
