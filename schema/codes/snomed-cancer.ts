/**
 * SNOMED CT codes real mCODE data uses for a cancer's site and histology (mCODE STU3/STU4: the primary cancer
 * Condition's `code` from the "Primary Cancer Disorder" value set, its `bodySite` a body structure, and the
 * histology-morphology-behavior extension a morphologic abnormality), and what the unified schema makes of them.
 *
 * SNOMED CT is a hierarchy of hundreds of thousands of concepts; without a terminology server only listed codes can
 * be read, so these tables list the concepts published examples and value sets use, each with its preferred term:
 * - HL7/fhir-mCODE-ig (input/fsh/EX_ExtendedExample.fsh, EX_Basic.fsh, CM_TG263.fsh, VS_CancerCondition.fsh),
 * - the CodeX OncoTree value set of "Primary malignant neoplasm of <site>" concepts, one per broad site
 *   (standardhealth/fsh-pct, fsh/pctVS.fsh, ValueSet codex-oncotree-vs),
 * - DICOM PS3.16 CID 4031 for the organ body structures the FHIR simulator also writes.
 * A code outside them gives no site (UNKNOWN unless an ICD code says more) rather than a guess.
 */
import type { CancerSite } from '../generated/graphql';

/** Disorder concepts ("Primary malignant neoplasm of breast (disorder)") and the site they name. */
export const SNOMED_CANCER_DISORDER_SITE: Readonly<Record<string, CancerSite>> = {
  '93665005': 'ADRENAL_GLAND', // Primary malignant neoplasm of adrenal gland
  '93689003': 'BLADDER', // Primary malignant neoplasm of bladder
  '93725000': 'BONE', // Primary malignant neoplasm of bone
  '372137005': 'BREAST', // Primary malignant neoplasm of breast
  '254837009': 'BREAST', // Malignant neoplasm of breast
  '353431000119107': 'BREAST', // Primary malignant neoplasm of female left breast
  '93727008': 'BRAIN', // Primary malignant neoplasm of brain
  '372024009': 'CERVIX', // Primary malignant neoplasm of uterine cervix
  '371984007': 'OESOPHAGUS', // Primary malignant neoplasm of esophagus
  '372014001': 'STOMACH', // Primary malignant neoplasm of stomach
  '93824007': 'HEAD_AND_NECK', // Primary malignant neoplasm of head
  '93922007': 'HEAD_AND_NECK', // Primary malignant neoplasm of neck
  '93849006': 'KIDNEY', // Primary malignant neoplasm of kidney
  '95214007': 'LIVER', // Primary malignant neoplasm of liver
  '93880001': 'LUNG', // Primary malignant neoplasm of lung
  '254637007': 'LUNG', // Non-small cell lung cancer
  '269475001': 'HAEMATOLYMPHOID', // Malignant tumor of lymphoid, hemopoietic AND/OR related tissue
  '92814006': 'HAEMATOLYMPHOID', // Chronic lymphoid leukemia, disease
  '277571004': 'HAEMATOLYMPHOID', // B-cell acute lymphoblastic leukemia
  '93934004': 'OVARY', // Primary malignant neoplasm of ovary
  '363443007': 'OVARY', // Malignant tumor of ovary
  '372003004': 'PANCREAS', // Primary malignant neoplasm of pancreas
  '363418001': 'PANCREAS', // Malignant tumor of pancreas
  '93966009': 'THORAX_OTHER', // Primary malignant neoplasm of pleura
  '93974005': 'PROSTATE', // Primary malignant neoplasm of prostate
  '399068003': 'PROSTATE', // Malignant neoplasm of prostate
  '94047004': 'SKIN', // Primary malignant neoplasm of skin
  '372010005': 'SOFT_TISSUE', // Primary malignant neoplasm of soft tissues
  '94087009': 'TESTIS', // Primary malignant neoplasm of testis
  '94096009': 'THORAX_OTHER', // Primary malignant neoplasm of thymus
  '94098005': 'THYROID', // Primary malignant neoplasm of thyroid gland
  '10708511000119108': 'UTERUS', // Primary malignant neoplasm of uterus
};

/**
 * Disorder concepts that say "a malignant neoplasm" without a site (mCODE: the site is then in Condition.bodySite),
 * and secondary ones: never a primary cancer's site by themselves.
 */
export const SNOMED_SITELESS_MALIGNANCY: readonly string[] = [
  '363346000', // Malignant neoplastic disease
  '128462008', // Metastatic malignant neoplasm / Secondary malignant neoplastic disease
];

/** Body structure concepts (Condition.bodySite) and the cancer site of a primary tumour there. */
export const SNOMED_BODY_STRUCTURE_SITE: Readonly<Record<string, CancerSite>> = {
  '76752008': 'BREAST', // Breast structure
  '80248007': 'BREAST', // Left breast structure
  '39607008': 'LUNG', // Lung structure
  '41216001': 'PROSTATE', // Prostatic structure
  '71854001': 'COLON', // Colon structure
  '34402009': 'RECTUM', // Rectum structure
  '10200004': 'LIVER', // Liver structure
  '15776009': 'PANCREAS', // Pancreatic structure
  '64033007': 'KIDNEY', // Kidney structure
  '25990002': 'KIDNEY', // Renal pelvis structure
  '12738006': 'BRAIN', // Brain structure
  '15926001': 'BRAIN', // Brainstem structure
  '89837001': 'BLADDER', // Urinary bladder structure
  '15497006': 'OVARY', // Ovarian structure
  '35039007': 'UTERUS', // Uterine structure
  '71252005': 'CERVIX', // Cervix uteri structure
  '69695003': 'STOMACH', // Stomach structure
  '32849002': 'OESOPHAGUS', // Esophageal structure
  '69748006': 'THYROID', // Thyroid structure
  '23451007': 'ADRENAL_GLAND', // Adrenal structure
  '40689003': 'TESTIS', // Testis structure
  '39937001': 'SKIN', // Skin structure
};

/**
 * Morphologic abnormality concepts (the histology-morphology-behavior extension) and their ICD-O-3 morphology code
 * with behaviour (/3 malignant, /2 in situ), the form the unified schema keeps.
 */
export const SNOMED_MORPHOLOGY_ICDO3: Readonly<Record<string, string>> = {
  '82711006': '8500/3', // Infiltrating duct carcinoma
  '1187332001': '8140/3', // Adenocarcinoma
  '35917007': '8140/3', // Adenocarcinoma, no subtype
  '77284006': '8520/2', // Lobular carcinoma in situ
};

/** The cancer site a SNOMED CT disorder code names; null for a code outside the table or without a site. */
export function cancerSiteOfSnomedDisorder(code: string | null | undefined): CancerSite | null {
  return code ? SNOMED_CANCER_DISORDER_SITE[code.trim()] ?? null : null;
}

/** The cancer site of a primary tumour in a SNOMED CT body structure; null for a structure outside the table. */
export function cancerSiteOfSnomedBodyStructure(code: string | null | undefined): CancerSite | null {
  return code ? SNOMED_BODY_STRUCTURE_SITE[code.trim()] ?? null : null;
}

/** The ICD-O-3 morphology ("8500/3") of a SNOMED CT morphologic abnormality; null outside the table. */
export function icdO3MorphologyOfSnomed(code: string | null | undefined): string | null {
  return code ? SNOMED_MORPHOLOGY_ICDO3[code.trim()] ?? null : null;
}
