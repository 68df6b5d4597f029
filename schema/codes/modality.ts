import type { Modality } from '../generated/graphql';

// DICOM PS3.3 C.7.3.1.1.1 defined terms that the unified schema keeps as they are.
const DICOM_MODALITIES: readonly Modality[] = [
  'CT', 'MR', 'PT', 'MG', 'DX', 'CR', 'US', 'NM', 'XA', 'RF', 'SEG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'SR', 'SM', 'OT',
];

// Retired DICOM terms and names used by non-DICOM APIs (EUCAIM mediator, XNAT session types, RadLex labels).
const SYNONYMS: Record<string, Modality> = {
  PET: 'PT',
  MRI: 'MR',
  SPECT: 'NM',
  ST: 'NM', // retired: single-photon emission CT
  MA: 'MR', // retired: MR angiography
  MS: 'MR', // retired: MR spectroscopy
  CTPROTOCOL: 'CT',
  MAMMOGRAPHY: 'MG',
  ULTRASOUND: 'US',
  RTIMAGE: 'OT',
};

export const ALL_MODALITIES = DICOM_MODALITIES;

/** Normalises a raw modality string to a DICOM modality code; null when it names none. */
export function normaliseModality(raw: string | null | undefined): Modality | null {
  if (!raw) return null;
  const key = raw.trim().toUpperCase();
  if ((DICOM_MODALITIES as readonly string[]).includes(key)) return key as Modality;
  return SYNONYMS[key.replace(/[\s_-]/g, '')] ?? null;
}
