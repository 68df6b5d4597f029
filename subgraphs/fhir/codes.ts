/**
 * Code systems, profiles and the code tables the FHIR adapter reads with (README §2f, §7.1; mCODE STU2-STU4; the
 * SNOMED CT tables of schema/codes/snomed-*.ts).
 * Kept apart from the simulator's writing tables on purpose: the tests catch a disagreement.
 */
import type { BodyPart, Modality } from '../../schema/generated/graphql';
import { ALL_MODALITIES, normaliseModality } from '../../schema/codes/modality';
import { STAGE_GROUP_CODES, TNM_CATEGORY_CODES } from '../../schema/codes/snomed-staging';

export const SYSTEM = {
  DCM: 'http://dicom.nema.org/resources/ontology/DCM',
  SNOMED: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  ICD10CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICDO3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  DATA_ABSENT_REASON: 'http://terminology.hl7.org/CodeSystem/data-absent-reason',
  DICOM_UID: 'urn:dicom:uid',
  ENDPOINT_CONNECTION: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
} as const;

/** ICD-10 systems a Condition.code may use (ICD-10-CM in the US realm, WHO ICD-10 in Europe). */
export const ICD10_SYSTEMS: readonly string[] = [SYSTEM.ICD10CM, SYSTEM.ICD10];

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';
export const PRIMARY_CANCER_PROFILE = `${MCODE}/mcode-primary-cancer-condition`;
export const HISTOLOGY_EXTENSION = `${MCODE}/mcode-histology-morphology-behavior`;

/** Stage-group and T/N/M category codes, SNOMED CT and LOINC (schema/codes/snomed-staging.ts), as `system|code`. */
export const STAGE_OBSERVATION_CODES: readonly string[] = [
  ...STAGE_GROUP_CODES, ...TNM_CATEGORY_CODES.t, ...TNM_CATEGORY_CODES.n, ...TNM_CATEGORY_CODES.m,
].map((c) => `${c.system}|${c.code}`);

/**
 * SNOMED CT codes of series.bodySite per normalised body part: DICOM PS3.16 CID 4031 (2025) codes, the codes older
 * editions of CID 4031 / Annex L gave the same regions (51185008 thoracic structure, 113345001 abdomen, 12921003
 * pelvis), and Annex L organ codes. The first code of each list is the current one.
 */
export const BODY_PART_SNOMED: Partial<Record<BodyPart, readonly string[]>> = {
  HEAD: ['69536005', '89546000'],
  BRAIN: ['12738006'],
  NECK: ['45048000'],
  HEAD_NECK: ['774007'],
  CHEST: ['816094009', '51185008'],
  LUNG: ['39607008'],
  BREAST: ['76752008'],
  HEART: ['80891009'],
  ABDOMEN: ['818981001', '113345001'],
  LIVER: ['10200004'],
  PANCREAS: ['15776009'],
  KIDNEY: ['64033007'],
  COLON: ['71854001'],
  RECTUM: ['34402009'],
  PELVIS: ['816092008', '12921003'],
  PROSTATE: ['41216001'],
  ABDOMEN_PELVIS: ['818982008'],
  CHEST_ABDOMEN_PELVIS: ['416775004'],
  SPINE: ['421060004'],
  EXTREMITY: ['66019005'],
  WHOLE_BODY: ['38266002'],
};

const BODY_PART_OF_SNOMED = new Map<string, BodyPart>(
  (Object.entries(BODY_PART_SNOMED) as Array<[BodyPart, readonly string[]]>).flatMap(([part, codes]) => codes.map((code) => [code, part] as const)),
);

/** The body part a SNOMED CT code stands for; null for a code outside the table. */
export function bodyPartOfSnomed(code: string | null | undefined): BodyPart | null {
  return code ? BODY_PART_OF_SNOMED.get(code.trim()) ?? null : null;
}

/**
 * DCM codes that normalise to each modality: the modality itself and the retired or colloquial terms the shared
 * code table maps to it (MA and MS are MR, ST is NM, RTIMAGE is OT, ...). A series coded with any of them is a
 * series of that modality, so a native search for the modality asks for all of them.
 */
const MODALITY_TERMS = ['PET', 'MRI', 'SPECT', 'ST', 'MA', 'MS', 'CTPROTOCOL', 'MAMMOGRAPHY', 'ULTRASOUND', 'RTIMAGE'];

export function dcmCodesFor(modality: Modality): string[] {
  return [...ALL_MODALITIES, ...MODALITY_TERMS].filter((raw) => normaliseModality(raw) === modality);
}
