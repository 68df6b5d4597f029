/**
 * Attribute matching for QIDO-RS search (PS3.18 8.3.4.1 refers to the C-FIND matching of PS3.4 C.2.2.2), as
 * Orthanc 1.10.1 with the DICOMweb plugin 1.7 applies it. Where Orthanc departs from the standard, the
 * departure is implemented and marked ORTHANC; each was measured against the real server.
 */
import { attributeText, type DicomJsonAttribute } from './dicom-json';

export type Constraint =
  /** PS3.4 C.2.2.2.3: an empty value matches everything, the attribute present or not. */
  | { kind: 'universal' }
  /** PS3.4 C.2.2.2.1. */
  | { kind: 'single'; value: string }
  /** PS3.4 C.2.2.2.2 (list of UIDs) and C.2.2.2.8 (multiple values): matches any one of the values. */
  | { kind: 'list'; values: string[] }
  /** PS3.4 C.2.2.2.4: `*` any run of characters, `?` one character. */
  | { kind: 'wildcard'; pattern: RegExp }
  /** PS3.4 C.2.2.2.5: `A-B`, `A-` (from A on), `-B` (up to B); an empty bound is open. */
  | { kind: 'range'; lower: string; upper: string };

/** A value Orthanc refuses; it answers HTTP 400 "Parameter out of range". */
export class ConstraintError extends Error {}

/** VRs that take wildcards (PS3.4 C.2.2.2.4). ORTHANC: any other VR with * or ? is refused with HTTP 400. */
const WILDCARD_VRS = new Set(['AE', 'CS', 'LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UR', 'UT', 'UN']);
/** VRs that take ranges (PS3.4 C.2.2.2.5). */
const RANGE_VRS = new Set(['DA', 'DT', 'TM']);

/**
 * Reads one match key value. By the time it gets here the plugin has turned commas into backslashes (the DICOM
 * value delimiter), so a backslash means a list. The order of the tests is Orthanc's:
 * - ORTHANC: a range is recognised before a list, and split at the first "-": `StudyDate=20140101-20141231,
 *   20230101-20231231` is the single range from 20140101 to "20141231\20230101-20231231".
 * - ORTHANC: the values of a list are matched literally: in `PatientID=*0001,X`, "*0001" is no wildcard.
 * - ORTHANC: `*` alone is no universal match: it needs the attribute present (it may be empty).
 */
export function parseConstraint(value: string, vr: string): Constraint {
  if (value === '') return { kind: 'universal' };
  const dash = value.indexOf('-');
  if (RANGE_VRS.has(vr) && dash >= 0) return { kind: 'range', lower: value.slice(0, dash), upper: value.slice(dash + 1) };
  if (value.includes('\\')) return { kind: 'list', values: value.split('\\') };
  if (/[*?]/.test(value)) {
    if (!WILDCARD_VRS.has(vr)) throw new ConstraintError(`wildcards are not allowed on VR ${vr}: ${value}`);
    return { kind: 'wildcard', pattern: wildcardPattern(value) };
  }
  return { kind: 'single', value };
}

function wildcardPattern(value: string): RegExp {
  const body = value.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  // ORTHANC: case-insensitive for every VR, where PS3.4 C.2.2.2.4 makes only PN case-insensitive.
  return new RegExp(`^${body}$`, 'is');
}

/**
 * Whether an instance's attribute matches. An absent attribute matches only universal matching; a present but
 * empty one is the empty string.
 * ORTHANC: comparisons ignore case for every VR (`PatientID=ft-lung1-0001` finds "FT-LUNG1-0001"; Orthanc's
 * /tools/find is case-insensitive unless asked otherwise, and the plugin does not ask), and a person name is
 * compared as one string ("Anon^X"), never component by component.
 */
export function matches(constraint: Constraint, attribute: DicomJsonAttribute | undefined): boolean {
  if (constraint.kind === 'universal') return true;
  if (attribute === undefined) return false;
  const text = attributeText(attribute);
  const upper = text.toUpperCase();
  switch (constraint.kind) {
    case 'single':
      return upper === constraint.value.toUpperCase();
    case 'list':
      return constraint.values.some((value) => upper === value.toUpperCase());
    case 'wildcard':
      return constraint.pattern.test(text);
    case 'range':
      // Plain string comparison, as Orthanc does: right for well-formed DA/TM values, and for the odd ones it
      // gives Orthanc's answers (an empty date is "before" everything, "2014-2015" ends before "20150101").
      return (constraint.lower === '' || text >= constraint.lower) && (constraint.upper === '' || text <= constraint.upper);
  }
}
