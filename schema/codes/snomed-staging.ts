/**
 * SNOMED CT and LOINC codes of TNM staging Observations (mCODE STU3/STU4, HL7/fhir-mCODE-ig
 * input/fsh/VS_Staging_TNM.fsh): the Observation.code of a stage group and of its T, N and M categories, and the
 * SNOMED CT "American Joint Committee on Cancer <value> (qualifier value)" concepts of their values.
 *
 * mCODE now codes them in SNOMED CT; the LOINC codes survive only in its "maximum" value sets (deprecated, still
 * allowed), and older data uses them alone. Both are read.
 */

export type StagingKind = 'pathological' | 'clinical' | 'other';

export interface StagingCode {
  system: 'http://snomed.info/sct' | 'http://loinc.org';
  code: string;
  kind: StagingKind;
}

const SCT = 'http://snomed.info/sct' as const;
const LNC = 'http://loinc.org' as const;

/** Observation.code of a TNM stage group. SNOMED 399390009 "TNM stage grouping" names no kind: other. */
export const STAGE_GROUP_CODES: readonly StagingCode[] = [
  { system: SCT, code: '399588009', kind: 'pathological' }, // Pathologic TNM stage grouping
  { system: SCT, code: '399537006', kind: 'clinical' }, // Clinical TNM stage grouping
  { system: SCT, code: '399390009', kind: 'other' }, // TNM stage grouping
  { system: LNC, code: '21902-2', kind: 'pathological' }, // Stage group.pathology Cancer
  { system: LNC, code: '21908-9', kind: 'clinical' }, // Stage group.clinical Cancer
  { system: LNC, code: '21914-7', kind: 'other' }, // Stage group.other Cancer
];

/** Observation.code of the T, N and M categories. */
export const TNM_CATEGORY_CODES: Readonly<Record<'t' | 'n' | 'm', readonly StagingCode[]>> = {
  t: [
    { system: SCT, code: '384625004', kind: 'pathological' }, // pT category
    { system: SCT, code: '399504009', kind: 'clinical' }, // cT category
    { system: SCT, code: '78873005', kind: 'other' }, // T category
    { system: LNC, code: '21899-0', kind: 'pathological' }, // Primary tumor.pathology Cancer
    { system: LNC, code: '21905-5', kind: 'clinical' }, // Primary tumor.clinical [Class] Cancer
    { system: LNC, code: '21911-3', kind: 'other' }, // Primary tumor.other [Class] Cancer
  ],
  n: [
    { system: SCT, code: '371494008', kind: 'pathological' }, // pN category
    { system: SCT, code: '399534004', kind: 'clinical' }, // cN category
    { system: SCT, code: '277206009', kind: 'other' }, // N category
    { system: LNC, code: '21900-6', kind: 'pathological' }, // Regional lymph nodes.pathology [Class] Cancer
    { system: LNC, code: '21906-3', kind: 'clinical' }, // Regional lymph nodes.clinical [Class] Cancer
    { system: LNC, code: '21912-1', kind: 'other' }, // Regional lymph nodes.other [Class] Cancer
  ],
  m: [
    { system: SCT, code: '371497001', kind: 'pathological' }, // pM category
    { system: SCT, code: '399387003', kind: 'clinical' }, // cM category
    { system: SCT, code: '277208005', kind: 'other' }, // M category
    { system: LNC, code: '21901-4', kind: 'pathological' }, // Distant metastases.pathology [Class] Cancer
    { system: LNC, code: '21907-1', kind: 'clinical' }, // Distant metastases.clinical [Class] Cancer
    { system: LNC, code: '21913-9', kind: 'other' }, // Distant metastases.other [Class] Cancer
  ],
};

/** SNOMED CT AJCC value concepts the mCODE examples use, by code: the value as AJCC writes it. */
export const AJCC_VALUE_OF_SNOMED: Readonly<Record<string, string>> = {
  '1222769001': 'IIB',
  '1222806003': 'IIIC',
  '1228938002': 'cT3',
  '1229967007': 'cN0',
  '1229984001': 'cN3',
  '1229901006': 'cM0',
  '1229859000': 'pT3',
  '1229947003': 'pN0',
};

/**
 * The AJCC value of a SNOMED CT AJCC qualifier: from the table, else from the concept's display, which SNOMED CT
 * writes "American Joint Committee on Cancer [stage ]<value> (qualifier value)" for every one of them.
 */
export function ajccValueOfSnomed(code: string | null, display: string | null): string | null {
  const known = code ? AJCC_VALUE_OF_SNOMED[code.trim()] : undefined;
  if (known) return known;
  const match = /^American Joint Committee on Cancer (?:stage )?(\S+)(?: \(qualifier value\))?$/i.exec(display?.trim() ?? '');
  return match ? match[1] : null;
}
