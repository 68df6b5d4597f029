/**
 * Code systems and the codes the simulated FHIR server writes. These tables play the part of the DICOM-to-FHIR
 * converter and the tumour-registry export that fill a real server; the adapter keeps its own reading tables
 * (subgraphs/fhir/codes.ts) so that a disagreement between the two shows up in the tests.
 *
 * Sources: DICOM PS3.16 CID 4031 "Common Anatomic Region" (2025 edition, via bvdh/dicom-terminology-in-fhir) and
 * PS3.16 Annex L for the organs CID 4031 leaves out; mCODE STU2-STU4 value sets for the staging LOINC codes
 * (21905-5/21899-0/21911-3 T, 21906-3/21900-6/21912-1 N, 21907-1/21901-4/21913-9 M); README §2f for the rest.
 */
import type { BodyPart } from '../../schema/generated/graphql';

export const SYSTEM = {
  DCM: 'http://dicom.nema.org/resources/ontology/DCM',
  SNOMED: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  ICD10CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICDO3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  DICOM_UID: 'urn:dicom:uid',
  GENDER: 'http://hl7.org/fhir/administrative-gender',
  AJCC: 'http://cancerstaging.org',
  PARTICIPATION: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  ENDPOINT_CONNECTION: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
  CONDITION_CLINICAL: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  CONDITION_VERIFICATION: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  OBSERVATION_CATEGORY: 'http://terminology.hl7.org/CodeSystem/observation-category',
} as const;

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';

export const PROFILE = {
  PATIENT: `${MCODE}/mcode-cancer-patient`,
  PRIMARY_CANCER: `${MCODE}/mcode-primary-cancer-condition`,
  SECONDARY_CANCER: `${MCODE}/mcode-secondary-cancer-condition`,
  STAGE_GROUP: `${MCODE}/mcode-tnm-stage-group`,
  T_CATEGORY: `${MCODE}/mcode-tnm-primary-tumor-category`,
  N_CATEGORY: `${MCODE}/mcode-tnm-regional-nodes-category`,
  M_CATEGORY: `${MCODE}/mcode-tnm-distant-metastases-category`,
} as const;

export const HISTOLOGY_EXTENSION = `${MCODE}/mcode-histology-morphology-behavior`;

/** LOINC stage-group codes (README §2f, verified): clinical, pathological, other. */
export const STAGE_GROUP_LOINC = { clinical: '21908-9', pathological: '21902-2', other: '21914-7' } as const;

export const TNM_LOINC = {
  clinical: { t: '21905-5', n: '21906-3', m: '21907-1' },
  pathological: { t: '21899-0', n: '21900-6', m: '21901-4' },
  other: { t: '21911-3', n: '21912-1', m: '21913-9' },
} as const;

/**
 * SNOMED CT code the converter writes for a normalised body part: the current CID 4031 code, and for three regions
 * the code older editions used (servers filled years ago still hold those).
 */
export const BODY_PART_SNOMED: Partial<Record<BodyPart, { code: string; display: string; legacy?: string }>> = {
  HEAD: { code: '69536005', display: 'Head' },
  BRAIN: { code: '12738006', display: 'Brain' },
  NECK: { code: '45048000', display: 'Neck' },
  HEAD_NECK: { code: '774007', display: 'Head and Neck' },
  CHEST: { code: '816094009', display: 'Chest', legacy: '51185008' },
  LUNG: { code: '39607008', display: 'Lung' },
  BREAST: { code: '76752008', display: 'Breast' },
  HEART: { code: '80891009', display: 'Heart' },
  ABDOMEN: { code: '818981001', display: 'Abdomen', legacy: '113345001' },
  LIVER: { code: '10200004', display: 'Liver' },
  PANCREAS: { code: '15776009', display: 'Pancreas' },
  KIDNEY: { code: '64033007', display: 'Kidney' },
  COLON: { code: '71854001', display: 'Colon' },
  RECTUM: { code: '34402009', display: 'Rectum' },
  PELVIS: { code: '816092008', display: 'Pelvis', legacy: '12921003' },
  PROSTATE: { code: '41216001', display: 'Prostate' },
  ABDOMEN_PELVIS: { code: '818982008', display: 'Abdomen and Pelvis' },
  CHEST_ABDOMEN_PELVIS: { code: '416775004', display: 'Chest, Abdomen and Pelvis' },
  SPINE: { code: '421060004', display: 'Spine' },
  EXTREMITY: { code: '66019005', display: 'Extremity' },
  WHOLE_BODY: { code: '38266002', display: 'Entire body' },
};

/** SNOMED body structure of a primary tumour site, by ICD-O-3 topography category (where the simulator knows one). */
export const TOPOGRAPHY_SNOMED: Record<string, { code: string; display: string }> = {
  C50: { code: '76752008', display: 'Breast structure' },
  C34: { code: '39607008', display: 'Lung structure' },
  C61: { code: '41216001', display: 'Prostatic structure' },
  C18: { code: '71854001', display: 'Colon structure' },
  C20: { code: '34402009', display: 'Rectum structure' },
  C22: { code: '10200004', display: 'Liver structure' },
  C71: { code: '12738006', display: 'Brain structure' },
  C64: { code: '64033007', display: 'Kidney structure' },
  C74: { code: '23451007', display: 'Adrenal structure' },
};
