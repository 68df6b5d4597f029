import type { Sex } from '../generated/graphql';

// DICOM (0010,0040) uses M/F/O; FHIR uses male/female/other/unknown; EUCAIM nodes send "Male"/"Female"
// and, in the wild, the typo "Unkown".
const VALUES: Record<string, Sex> = {
  M: 'MALE', MALE: 'MALE', MAN: 'MALE',
  F: 'FEMALE', FEMALE: 'FEMALE', WOMAN: 'FEMALE',
  O: 'OTHER', OTHER: 'OTHER',
  U: 'UNKNOWN', UNKNOWN: 'UNKNOWN', UNKOWN: 'UNKNOWN', UNSPECIFIED: 'UNKNOWN',
};

export const ALL_SEXES: readonly Sex[] = ['FEMALE', 'MALE', 'OTHER', 'UNKNOWN'];

/** Normalises a raw sex value; anything unrecognised or empty is UNKNOWN. */
export function normaliseSex(raw: string | null | undefined): Sex {
  if (!raw) return 'UNKNOWN';
  return VALUES[raw.trim().toUpperCase()] ?? 'UNKNOWN';
}

/** The DICOM (0010,0040) code for a sex. */
export function dicomSexCode(sex: Sex): string {
  return { FEMALE: 'F', MALE: 'M', OTHER: 'O', UNKNOWN: '' }[sex];
}
