/**
 * From a unified filter to a native pre-selection: the Patient search whose matches are a superset of the cases the
 * filter selects, and whether they are exactly those cases.
 *
 * Pushed down (every value escaped, every parameter name and modifier fixed here, never taken from input):
 * - SEX → `gender=male,female,other` (exact). UNKNOWN stands for `unknown` or no gender at all, which one FHIR
 *   parameter cannot OR together, so a filter with UNKNOWN is not pushed down.
 * - COLLECTIONS → `_has:ResearchSubject:individual:study=ResearchStudy/<id>,…` (exact: one collection per patient).
 * - MODALITIES → `_has:ImagingStudy:subject:modality=<DCM>|CT,…` with every DCM term that normalises to the modality
 *   (exact when it is the only image criterion).
 * - BODY_PARTS (without OTHER and UNKNOWN, which have no code) → `_has:ImagingStudy:subject:bodysite=<SNOMED>|…` with
 *   every SNOMED code of the part (exact when it is the only image criterion).
 * - YEAR_OF_DIAGNOSIS → `_has:Condition:subject:onset-date=ge<min-1>-12-31` and `le<max+1>-01-01`: widened by a day
 *   so that no server's time-zone reading of a dateTime can lose a match; the Condition may be any of the patient's,
 *   so this only narrows, never decides.
 * Evaluated on the candidates only (hence not exact): CANCER_SITES (ICD-10 codes of a site are a hierarchy that token
 * search cannot express without a terminology server's `:below`), AGE_AT_DIAGNOSIS (relates Patient.birthDate to
 * Condition.onset), MANUFACTURERS (contained Device, not searchable), and the same-series rule when MODALITIES and
 * BODY_PARTS are both set: FHIR matches `modality` and `bodysite` independently across the series of a study.
 */
import { createHash } from 'node:crypto';
import type { FilterCriterion } from '../../schema/generated/graphql';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import { BODY_PART_SNOMED, dcmCodesFor, SYSTEM } from './codes';

export type SearchParams = Array<[name: string, value: string]>;

/** FHIR search escaping (R4 §3.1.1.x): `\` `,` `|` `$` get a backslash, so a value can never OR, pick a system or compose. */
export function escapeSearchValue(value: string): string {
  return value.replace(/[\\,|$]/g, (c) => `\\${c}`);
}

export interface PlanOptions {
  /** Pre-select image criteria natively (`_has:ImagingStudy…`); off for servers whose series lack DCM/SNOMED codes. */
  nativeImageCriteria: boolean;
}

export interface PatientSearchPlan {
  /** Parameters of the Patient search that pre-selects the candidates. */
  params: SearchParams;
  /** Criteria the native search does not decide exactly: evaluated on the candidates. */
  local: FilterCriterion[];
  /** True when the candidates are exactly the cases the filter selects (`local` is empty). */
  exact: boolean;
}

const GENDER = { FEMALE: 'female', MALE: 'male', OTHER: 'other' } as const;

/** The criteria of a filter that the native search does not decide exactly. */
export function localCriteria(filter: NormalizedFilter, options: PlanOptions): FilterCriterion[] {
  const local = new Set<FilterCriterion>(['CANCER_SITES', 'AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS', 'MANUFACTURERS']);
  if (filter.sex?.includes('UNKNOWN')) local.add('SEX');
  if (!options.nativeImageCriteria) {
    local.add('MODALITIES');
    local.add('BODY_PARTS');
  }
  if (filter.bodyParts && (filter.modalities || filter.bodyParts.some((p) => !BODY_PART_SNOMED[p]))) local.add('BODY_PARTS');
  return criteriaOf(filter).filter((c) => local.has(c));
}

export function planPatientSearch(filter: NormalizedFilter, options: PlanOptions): PatientSearchPlan {
  const params: SearchParams = [];
  if (filter.sex && !filter.sex.includes('UNKNOWN')) {
    params.push(['gender', filter.sex.map((s) => GENDER[s as keyof typeof GENDER]).join(',')]);
  }
  if (filter.collections) {
    params.push(['_has:ResearchSubject:individual:study', filter.collections.map((id) => escapeSearchValue(`ResearchStudy/${id}`)).join(',')]);
  }
  if (options.nativeImageCriteria && filter.modalities) {
    const codes = [...new Set(filter.modalities.flatMap(dcmCodesFor))];
    params.push(['_has:ImagingStudy:subject:modality', codes.map((code) => `${SYSTEM.DCM}|${escapeSearchValue(code)}`).join(',')]);
  }
  const bodyParts = filter.bodyParts;
  if (options.nativeImageCriteria && bodyParts && bodyParts.every((p) => BODY_PART_SNOMED[p])) {
    const codes = [...new Set(bodyParts.flatMap((p) => BODY_PART_SNOMED[p] ?? []))];
    params.push(['_has:ImagingStudy:subject:bodysite', codes.map((code) => `${SYSTEM.SNOMED}|${escapeSearchValue(code)}`).join(',')]);
  }
  const years = filter.yearOfDiagnosis;
  if (years?.min !== undefined) params.push(['_has:Condition:subject:onset-date', `ge${String(years.min - 1).padStart(4, '0')}-12-31`]);
  if (years?.max !== undefined) params.push(['_has:Condition:subject:onset-date', `le${String(years.max + 1).padStart(4, '0')}-01-01`]);
  const local = localCriteria(filter, options);
  return { params, local, exact: local.length === 0 };
}

/** The filter without the criteria the native search cannot decide: what a native count answers exactly. */
export function nativelyExactPart(filter: NormalizedFilter, options: PlanOptions): NormalizedFilter {
  return withoutCriteria(filter, localCriteria(filter, options));
}

/**
 * The Patient search of a page of candidates: the pre-selection, each patient with its ImagingStudies, Conditions
 * and ResearchSubjects (`_revinclude`) and the studies' Endpoints (`_include:iterate`), sorted by id (the subject id
 * order cursors rely on). `_total=accurate` only when the total is wanted (it costs the server a count).
 */
export function candidateSearch(plan: PatientSearchPlan, pageSize: number, withTotal: boolean): SearchParams {
  return [
    ...plan.params,
    ['_revinclude', 'ImagingStudy:subject'],
    ['_revinclude', 'Condition:subject'],
    ['_revinclude', 'ResearchSubject:individual'],
    ['_include:iterate', 'ImagingStudy:endpoint'],
    ['_sort', '_id'],
    ['_count', String(pageSize)],
    ...(withTotal ? [['_total', 'accurate'] as [string, string]] : []),
  ];
}

/** A short stable digest of a filter, so a cursor is refused for another filter. */
export function filterFingerprint(filter: NormalizedFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 12);
}
