import type { Modality } from '../generated/graphql';

// DICOM PS3.3 C.7.3.1.1.1 defined terms that the unified schema keeps as they are.
const DICOM_MODALITIES: readonly Modality[] = [
  'CT', 'MR', 'PT', 'MG', 'DX', 'CR', 'US', 'NM', 'XA', 'RF', 'SEG', 'RTSTRUCT', 'RTPLAN', 'RTDOSE', 'SR', 'SM', 'SC', 'OT',
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

/**
 * Whether a raw modality says "no modality known" ("Unknown", the "Unkown" typo, an empty value) rather than naming
 * one this table cannot map (such as "SC", Secondary Capture, which has no unified value): EUCAIM nodes send both.
 */
export function isUnknownModality(raw: string | null | undefined): boolean {
  const key = (raw ?? '').trim().toUpperCase();
  return key === '' || key === 'UNKNOWN' || key === 'UNKOWN';
}

/**
 * Modalities as ontology terms (imaging procedures), in the canonical CURIE form of SEX_ONTOLOGY_TERMS
 * (schema/codes/sex.ts). Checked with the project's code search:
 * - SNOMED CT procedures: 77477000 computed tomography, 113091000 magnetic resonance imaging, 82918005 positron
 *   emission tomography, 71651007 mammography, 16310003 ultrasonography.
 * - NCIT: C17204 Computed Tomography, C16809 Magnetic Resonance Imaging, C17007 Positron Emission Tomography.
 * - RadLex, as the EUCAIM federated-search catalogue and Focus' eucaim_api.rs use it: RID10321 CT, RID10312 MR,
 *   RID10337 PET. RID10334 (SPECT) is not NM: DICOM's NM also holds planar scintigraphy, so SPECT stands for part of it.
 * - EUCAIM hyper-ontology (EGA-archive/EUCAIM-Schema): IMG1000026 Computed tomography, IMG1000030 Mammography.
 * - DICOM's own codes, DCM with the defined term (PS3.16 CID 29 / CID 33), for every unified modality.
 */
const NAMED_MODALITY_TERMS: Readonly<Partial<Record<Modality, readonly string[]>>> = {
  CT: ['SNOMED:77477000', 'NCIT:C17204', 'RADLEX:RID10321', 'EUCAIM:IMG1000026'],
  MR: ['SNOMED:113091000', 'NCIT:C16809', 'RADLEX:RID10312'],
  PT: ['SNOMED:82918005', 'NCIT:C17007', 'RADLEX:RID10337'],
  MG: ['SNOMED:71651007', 'EUCAIM:IMG1000030'],
  US: ['SNOMED:16310003'],
};

export const MODALITY_ONTOLOGY_TERMS: Readonly<Record<Modality, readonly string[]>> = Object.fromEntries(
  DICOM_MODALITIES.map((m): [Modality, readonly string[]] => [m, [...(NAMED_MODALITY_TERMS[m] ?? []), `DCM:${m}`]]),
) as Record<Modality, readonly string[]>;

/** The modality a canonical CURIE stands for; null when the table does not know the term. */
export function modalityOfOntologyTerm(curie: string): Modality | null {
  return DICOM_MODALITIES.find((m) => MODALITY_ONTOLOGY_TERMS[m].includes(curie)) ?? null;
}
