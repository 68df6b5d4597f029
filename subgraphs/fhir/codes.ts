/**
 * Code systems, profiles and the code tables the FHIR adapter reads with (README §2f, §7.1; mCODE STU2-STU4).
 * Kept apart from the simulator's writing tables on purpose: the tests catch a disagreement.
 */
import type { BodyPart, Modality } from '../../schema/generated/graphql';
import { ALL_MODALITIES, normaliseModality } from '../../schema/codes/modality';

export const SYSTEM = {
  DCM: 'http://dicom.nema.org/resources/ontology/DCM',
  SNOMED: 'http://snomed.info/sct',
  LOINC: 'http://loinc.org',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  ICD10CM: 'http://hl7.org/fhir/sid/icd-10-cm',
  ICDO3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  DICOM_UID: 'urn:dicom:uid',
  ENDPOINT_CONNECTION: 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type',
} as const;

/** ICD-10 systems a Condition.code may use (ICD-10-CM in the US realm, WHO ICD-10 in Europe). */
export const ICD10_SYSTEMS: readonly string[] = [SYSTEM.ICD10CM, SYSTEM.ICD10];

const MCODE = 'http://hl7.org/fhir/us/mcode/StructureDefinition';
export const PRIMARY_CANCER_PROFILE = `${MCODE}/mcode-primary-cancer-condition`;
export const HISTOLOGY_EXTENSION = `${MCODE}/mcode-histology-morphology-behavior`;

/** Stage-group LOINC codes (README §2f, verified), in the order one is preferred when a patient has several. */
export const STAGE_GROUP_LOINC = { pathological: '21902-2', clinical: '21908-9', other: '21914-7' } as const;
export const STAGE_GROUP_CODES: readonly string[] = [STAGE_GROUP_LOINC.pathological, STAGE_GROUP_LOINC.clinical, STAGE_GROUP_LOINC.other];

/** T, N and M category LOINC codes (clinical, pathological, other), for members and components. */
export const TNM_CATEGORY_LOINC: Record<'t' | 'n' | 'm', readonly string[]> = {
  t: ['21905-5', '21899-0', '21911-3'],
  n: ['21906-3', '21900-6', '21912-1'],
  m: ['21907-1', '21901-4', '21913-9'],
};

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
