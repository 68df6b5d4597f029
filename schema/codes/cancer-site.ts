import type { CancerSite } from '../generated/graphql';

// ICD-O-3 topography and ICD-10 chapter II share the C00-C80 site codes (ICD-O-3 topography has no C81-C96:
// those lymphoid and haematopoietic neoplasms are classified by morphology). Ranges are [first, last] of the
// three-character category number.
const RANGES: ReadonlyArray<readonly [number, number, CancerSite]> = [
  [0, 14, 'HEAD_AND_NECK'],
  [15, 15, 'OESOPHAGUS'],
  [16, 16, 'STOMACH'],
  [18, 18, 'COLON'],
  [19, 20, 'RECTUM'],
  [22, 22, 'LIVER'],
  [25, 25, 'PANCREAS'],
  [30, 32, 'HEAD_AND_NECK'],
  [33, 34, 'LUNG'],
  [37, 38, 'THORAX_OTHER'],
  [40, 41, 'BONE'],
  [43, 44, 'SKIN'],
  [45, 45, 'THORAX_OTHER'],
  [47, 49, 'SOFT_TISSUE'],
  [50, 50, 'BREAST'],
  [53, 53, 'CERVIX'],
  [54, 55, 'UTERUS'],
  [56, 56, 'OVARY'],
  [61, 61, 'PROSTATE'],
  [62, 62, 'TESTIS'],
  [64, 65, 'KIDNEY'],
  [67, 67, 'BLADDER'],
  [70, 72, 'BRAIN'],
  [73, 73, 'THYROID'],
  [74, 74, 'ADRENAL_GLAND'],
  [77, 77, 'HAEMATOLYMPHOID'],
  [81, 96, 'HAEMATOLYMPHOID'],
];

/** The cancer sites, in schema order. */
export const ALL_CANCER_SITES: readonly CancerSite[] = [
  'HEAD_AND_NECK', 'OESOPHAGUS', 'STOMACH', 'COLON', 'RECTUM', 'LIVER', 'PANCREAS', 'LUNG', 'THORAX_OTHER', 'BONE',
  'SKIN', 'SOFT_TISSUE', 'BREAST', 'CERVIX', 'UTERUS', 'OVARY', 'PROSTATE', 'TESTIS', 'KIDNEY', 'BLADDER', 'BRAIN',
  'THYROID', 'ADRENAL_GLAND', 'HAEMATOLYMPHOID', 'OTHER', 'UNKNOWN',
];

/**
 * Maps an ICD-10 or ICD-O-3 topography code ("C50.9", "C509", "c34.1") to a cancer site.
 * Codes outside chapter II's C range are UNKNOWN; unlisted C codes are OTHER.
 */
export function cancerSiteFromCode(code: string | null | undefined): CancerSite {
  const match = /^\s*C(\d{2})/i.exec(code ?? '');
  if (!match) return 'UNKNOWN';
  const category = Number(match[1]);
  for (const [first, last, site] of RANGES) if (category >= first && category <= last) return site;
  return 'OTHER';
}

// A representative ICD-10 code per site, for repositories that only know the site (collection metadata).
const REPRESENTATIVE_ICD10: Partial<Record<CancerSite, string>> = {
  HEAD_AND_NECK: 'C14.8', OESOPHAGUS: 'C15.9', STOMACH: 'C16.9', COLON: 'C18.9', RECTUM: 'C20', LIVER: 'C22.0',
  PANCREAS: 'C25.9', LUNG: 'C34.9', THORAX_OTHER: 'C38.4', BONE: 'C41.9', SKIN: 'C43.9', SOFT_TISSUE: 'C49.9',
  BREAST: 'C50.9', CERVIX: 'C53.9', UTERUS: 'C54.1', OVARY: 'C56', PROSTATE: 'C61', TESTIS: 'C62.9', KIDNEY: 'C64',
  BLADDER: 'C67.9', BRAIN: 'C71.9', THYROID: 'C73', ADRENAL_GLAND: 'C74.9', HAEMATOLYMPHOID: 'C85.9',
};

/** A representative ICD-10 code for a site ("C50.9" for BREAST); null for OTHER and UNKNOWN. */
export function representativeIcd10(site: CancerSite): string | null {
  return REPRESENTATIVE_ICD10[site] ?? null;
}
