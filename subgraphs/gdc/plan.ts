/**
 * A unified CaseFilter as GDC conditions, and what cannot be one (reported not applied, with the reason).
 *
 * GDC matches the raw values it stores, exactly (README §2c, §5: sex as "female"/"not reported", ICD-10 codes,
 * project ids), so each unified value is expanded into the raw values of the repository's vocabulary (facets,
 * cached) that normalise to it, with the shared code tables; OR within a criterion becomes one `in` list, and
 * UNKNOWN adds "is missing". User strings never reach the query: collections are matched against the project ids
 * (case-insensitively: GDC may answer facet keys lower-cased), and only vocabulary values are sent.
 *
 * Clinical criteria are conditions on the case (`demographic`, `project`) or on its diagnoses (`diagnoses`); ages
 * are whole years in the schema and days in GDC: whole-year age y holds for days in
 * [ceil(365.25·y), ceil(365.25·(y+1)) - 1].
 *
 * Imaging: GDC holds no radiology; its images are pathology slides (`data_type: "Slide Image"`), which are
 * whole-slide microscopy, modality SM. So
 * - modalities: SM is "has a slide image"; any other modality is exactly nothing (a GDC repository has no such
 *   series), unless the repository also holds DICOM files, whose modality GDC's search API does not describe:
 *   then a radiology modality is reported not applied;
 * - bodyParts: a slide has no DICOM body part (the tissue's site is the diagnosis' site): not applied;
 * - manufacturers: GDC records no scanner for its slides: not applied.
 *
 * Diagnosis criteria (cancer site, age, year) are about the case's primary diagnosis; GDC holds them when any
 * diagnosis meets them. On a server that marks the primary diagnosis (`diagnosis_is_primary_disease`), counting.ts
 * reads the cases with other diagnoses locally; on one that does not, these criteria are reported not applied.
 *
 * The report: the criteria the plan could not apply, and those whose fields the server's `warnings` say it left out
 * of a query (WarningLog, reportOf): GDC answers an unknown facet or field with HTTP 200 and a warning rather than
 * an error (a recorded answer in test/gdc/fixtures), and may treat a filter field alike (undocumented), so a count
 * is only exact when no search of the request was warned about its filters.
 */
import type { FilterCriterion, Modality } from '../../schema/generated/graphql';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { normaliseSex } from '../../schema/codes/sex';
import { criteriaOf, type NormalizedFilter, type Range } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import { firstDayOfAge, lastDayOfAge } from './mapping';
import type { Warnings } from './native-types';
import { CASE, FILE, fold, wildcardSafe, type RangeCondition, type TermCondition } from './query';

/** What the repository holds and knows, read from facets without filters (and their warnings). */
export interface Vocabulary {
  /** The sex field the server knows: `demographic.sex_at_birth`, the older `demographic.gender`, or none. */
  sexField: string | null;
  sexes: readonly string[];
  icd10Codes: readonly string[];
  projects: readonly string[];
  /** Whether the server knows `diagnoses.diagnosis_is_primary_disease`. */
  primaryFlag: boolean;
  /** Whether some case has a diagnosis not flagged primary, or none flagged at all (then GDC's matching differs). */
  ambiguousDiagnoses: boolean;
  /** Whether the repository holds DICOM files (which GDC's search API does not describe by modality). */
  dicomFiles: boolean;
}

export interface FilterPlan {
  /** Term conditions on the case itself (sex, project). */
  clinical: TermCondition[];
  /** Term conditions on the case's diagnoses (ICD-10 code); GDC holds them when any diagnosis meets them. */
  diagnosis: TermCondition[];
  /** Range conditions on the case's diagnoses (age in days, year). */
  ranges: RangeCondition[];
  /** The age range in whole years, when the filter has one. */
  ageYears?: Range;
  /** The modality criterion asks for a slide image. */
  slides: boolean;
  /** The diagnosis criteria applied, to evaluate a case's primary diagnosis locally. */
  diagnosisFilter: NormalizedFilter;
}

export type Planned = { kind: 'query'; plan: FilterPlan } | { kind: 'empty' };

export const WILDCARD_REASON = 'a value the repository holds contains "*", which GDC filters read as a wildcard and cannot match literally';
export const BODY_PART_REASON = 'GDC holds pathology slide images, no radiology: a slide has no DICOM body part examined (the tissue\'s site is the diagnosis\' site: use cancerSites)';
export const MANUFACTURER_REASON = 'GDC records no scanner manufacturer for its slide images, and holds no radiology';
export const DICOM_REASON = 'the repository holds DICOM files, which GDC\'s search API does not describe by modality: only slide microscopy (SM) can be evaluated';
export const NO_PRIMARY_FLAG_REASON = 'the repository does not mark the primary diagnosis (its data dictionary has no diagnoses.diagnosis_is_primary_disease) and GDC matches a diagnosis criterion on any diagnosis of a case';
export const NO_SEX_FIELD_REASON = 'the repository\'s data dictionary has neither demographic.sex_at_birth nor demographic.gender';

/** The criteria a native field evaluates, to name what a server warning says it ignored. */
export const CRITERIA_OF_FIELD: Readonly<Record<string, readonly FilterCriterion[]>> = {
  [CASE.sex]: ['SEX'],
  [CASE.legacySex]: ['SEX'],
  [CASE.project]: ['COLLECTIONS'],
  [CASE.icd10]: ['CANCER_SITES'],
  [CASE.age]: ['AGE_AT_DIAGNOSIS'],
  [CASE.year]: ['YEAR_OF_DIAGNOSIS'],
  [CASE.primaryFlag]: ['CANCER_SITES', 'AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS'],
  [FILE.dataType]: ['MODALITIES'],
};

/** A field as named from either endpoint (`cases.x` from /files, `files.x` from /cases), without the prefix. */
export function ownFieldName(field: string): string {
  return field.replace(/^(cases|files)\./, '');
}

/** Whether the plan has conditions whose any-diagnosis matching may differ from the primary diagnosis. */
export function hasDiagnosisConditions(plan: FilterPlan): boolean {
  return plan.diagnosis.length > 0 || plan.ranges.length > 0;
}

interface Expansion {
  criterion: FilterCriterion;
  condition: TermCondition;
  universe: readonly string[];
  onDiagnoses: boolean;
}

/**
 * Plans a filter. Criteria the repository cannot evaluate are returned as not applied (the plan leaves them out);
 * a criterion that no held value satisfies makes the whole plan empty (it matches nothing).
 */
export function planFilter(filter: NormalizedFilter, vocabulary: Vocabulary): { planned: Planned; notApplied: NotApplied[] } {
  const notApplied: NotApplied[] = [];
  const expansions: Expansion[] = [];
  const expand = (criterion: FilterCriterion, field: string, universe: readonly string[], keep: (raw: string) => boolean, missing: boolean, onDiagnoses: boolean) =>
    expansions.push({ criterion, condition: { field, values: universe.filter(keep), missing }, universe, onDiagnoses });
  const diagnosisFilter: NormalizedFilter = {};
  let empty = false;

  const { sex, cancerSites, collections, modalities, bodyParts, manufacturers, ageAtDiagnosis, yearOfDiagnosis } = filter;
  const diagnosisCriteria = Boolean(cancerSites || ageAtDiagnosis || yearOfDiagnosis);
  if (diagnosisCriteria && !vocabulary.primaryFlag) {
    for (const criterion of ['CANCER_SITES', 'AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS'] as const) {
      if ({ CANCER_SITES: cancerSites, AGE_AT_DIAGNOSIS: ageAtDiagnosis, YEAR_OF_DIAGNOSIS: yearOfDiagnosis }[criterion]) {
        notApplied.push({ criterion, reason: NO_PRIMARY_FLAG_REASON });
      }
    }
  }
  const diagnosisApplied = diagnosisCriteria && vocabulary.primaryFlag;
  if (cancerSites && diagnosisApplied) {
    diagnosisFilter.cancerSites = cancerSites;
    expand('CANCER_SITES', CASE.icd10, vocabulary.icd10Codes, (code) => cancerSites.includes(cancerSiteFromCode(code)), cancerSites.includes('UNKNOWN'), true);
  }
  if (sex) {
    if (vocabulary.sexField) expand('SEX', vocabulary.sexField, vocabulary.sexes, (raw) => sex.includes(normaliseSex(raw)), sex.includes('UNKNOWN'), false);
    else notApplied.push({ criterion: 'SEX', reason: NO_SEX_FIELD_REASON });
  }
  if (collections) {
    const wanted = new Set(collections.map(fold));
    expand('COLLECTIONS', CASE.project, vocabulary.projects, (id) => wanted.has(fold(id)), false, false);
  }

  const plan: FilterPlan = { clinical: [], diagnosis: [], ranges: [], slides: false, diagnosisFilter };
  if (modalities) {
    const radiology = modalities.filter((m: Modality) => m !== 'SM');
    if (radiology.length > 0 && vocabulary.dicomFiles) notApplied.push({ criterion: 'MODALITIES', reason: DICOM_REASON });
    else if (modalities.includes('SM')) plan.slides = true;
    // Radiology modalities only, in a repository without radiology: nobody matches.
    else empty = true;
  }
  if (bodyParts) notApplied.push({ criterion: 'BODY_PARTS', reason: BODY_PART_REASON });
  if (manufacturers) notApplied.push({ criterion: 'MANUFACTURERS', reason: MANUFACTURER_REASON });

  for (const { criterion, condition, universe, onDiagnoses } of expansions) {
    if (!wildcardSafe(condition.values, universe)) {
      notApplied.push({ criterion, reason: WILDCARD_REASON });
      if (criterion === 'CANCER_SITES') delete diagnosisFilter.cancerSites;
      continue;
    }
    if (condition.values.length === 0 && !condition.missing) empty = true;
    (onDiagnoses ? plan.diagnosis : plan.clinical).push(condition);
  }
  if (ageAtDiagnosis && diagnosisApplied) {
    const { min, max } = ageAtDiagnosis;
    diagnosisFilter.ageAtDiagnosis = ageAtDiagnosis;
    plan.ageYears = ageAtDiagnosis;
    plan.ranges.push({
      field: CASE.age,
      min: min === undefined ? undefined : firstDayOfAge(min),
      max: max === undefined ? undefined : lastDayOfAge(max),
    });
  }
  if (yearOfDiagnosis && diagnosisApplied) {
    diagnosisFilter.yearOfDiagnosis = yearOfDiagnosis;
    plan.ranges.push({ field: CASE.year, ...yearOfDiagnosis });
  }
  return { planned: empty ? { kind: 'empty' } : { kind: 'query', plan }, notApplied };
}

/** What the servers said they left out of the filters of one request's searches. */
export class WarningLog {
  /** Filter fields reported unrecognised (and so left out of the query). */
  readonly ignoredFields = new Set<string>();
  /** Filter warnings that name no field. */
  readonly unattributed: string[] = [];
  /** Every filter warning as sent, for the reason given to the user. */
  readonly texts = new Set<string>();

  record(warnings: Warnings): void {
    for (const [parameter, text] of warnings.texts) {
      if (!/filter/i.test(parameter)) continue;
      this.texts.add(text);
      const names = warnings.unrecognized.get(parameter);
      if (names) for (const name of names) this.ignoredFields.add(name);
      else this.unattributed.push(text);
    }
  }
}

/**
 * The report of a request: the plan's criteria not applied, and those whose fields the server said it ignored
 * (GDC `warnings`). A warning that names no field leaves the answer not exact.
 */
export function reportOf(filter: NormalizedFilter, planned: readonly NotApplied[], log: WarningLog): FilterReport {
  const requested = criteriaOf(filter);
  const notApplied = [...planned];
  const ignoredBy = new Map<FilterCriterion, string[]>();
  for (const field of log.ignoredFields) {
    for (const criterion of CRITERIA_OF_FIELD[ownFieldName(field)] ?? []) {
      if (requested.includes(criterion)) ignoredBy.set(criterion, [...(ignoredBy.get(criterion) ?? []), field]);
    }
  }
  const unattributed = [...log.ignoredFields].filter((field) => !CRITERIA_OF_FIELD[ownFieldName(field)]);
  for (const [criterion, fields] of ignoredBy) {
    if (notApplied.some((n) => n.criterion === criterion)) continue;
    notApplied.push({ criterion, reason: `the repository ignored the filter field ${fields.join(', ')} (GDC warnings: ${[...log.texts].join('; ')})` });
  }
  return {
    applied: requested.filter((c) => !notApplied.some((n) => n.criterion === c)),
    notApplied,
    exact: unattributed.length === 0 && log.unattributed.length === 0,
  };
}
