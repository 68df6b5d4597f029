/**
 * A unified CaseFilter as GDC conditions. GDC matches the raw values it stores, exactly (README §2c, §5: sex as
 * "female"/"not reported", ICD-10 codes, project ids, raw DICOM modality and dirty BodyPartExamined strings), so
 * each unified value is expanded into the raw values of the repository's vocabulary (facets, cached) that normalise
 * to it, with the shared code tables; OR within a criterion becomes one `in` list, and UNKNOWN adds "is missing".
 * User strings never reach the query: manufacturers are matched against the vocabulary with the schema's rule
 * (vendor or case-insensitive prefix) and collections against the project ids, and only vocabulary values are sent.
 *
 * Clinical criteria are conditions on the case (`demographic`, `diagnoses`, `project`), image criteria conditions
 * on the series (`imaging.*` of an imaging file). Ages are whole years in the schema and days in GDC: whole-year age
 * y holds for days in [ceil(365.25·y), ceil(365.25·(y+1)) - 1].
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { cancerSiteFromCode } from '../../schema/codes/cancer-site';
import { manufacturerMatches } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { NormalizedFilter, Range } from '../sdk/filter';
import type { NotApplied } from '../sdk/report';
import { firstDayOfAge, lastDayOfAge } from './mapping';
import { CASE, FILE, wildcardSafe, type RangeCondition, type TermCondition } from './query';

/** The raw values the repository holds, per field (facets without filters). */
export interface Vocabulary {
  sexes: readonly string[];
  icd10Codes: readonly string[];
  projects: readonly string[];
  modalities: readonly string[];
  bodyParts: readonly string[];
  manufacturers: readonly string[];
}

export interface FilterPlan {
  /** Term conditions on the case. */
  clinical: TermCondition[];
  /** Range conditions on the case (days, years). */
  ranges: RangeCondition[];
  /** The age range in whole years, when the filter has one. */
  ageYears?: Range;
  /** Term conditions that one series must satisfy together. */
  image: TermCondition[];
}

export type Planned = { kind: 'query'; plan: FilterPlan } | { kind: 'empty' };

export const WILDCARD_REASON = 'a value the repository holds contains "*", which GDC filters read as a wildcard and cannot match literally';

interface Expansion {
  criterion: FilterCriterion;
  condition: TermCondition;
  universe: readonly string[];
  image: boolean;
}

/**
 * Plans a filter. Criteria whose raw values cannot be sent safely are returned as not applied (the plan leaves
 * them out); a criterion that no held value satisfies makes the whole plan empty (it matches nothing).
 */
export function planFilter(filter: NormalizedFilter, vocabulary: Vocabulary): { planned: Planned; notApplied: NotApplied[] } {
  const expansions: Expansion[] = [];
  const expand = (criterion: FilterCriterion, field: string, universe: readonly string[], keep: (raw: string) => boolean, missing: boolean, image: boolean) =>
    expansions.push({ criterion, condition: { field, values: universe.filter(keep), missing }, universe, image });

  const { sex, cancerSites, collections, modalities, bodyParts, manufacturers } = filter;
  if (cancerSites) {
    expand('CANCER_SITES', CASE.icd10, vocabulary.icd10Codes, (code) => cancerSites.includes(cancerSiteFromCode(code)), cancerSites.includes('UNKNOWN'), false);
  }
  if (sex) expand('SEX', CASE.sex, vocabulary.sexes, (raw) => sex.includes(normaliseSex(raw)), sex.includes('UNKNOWN'), false);
  if (collections) expand('COLLECTIONS', CASE.project, vocabulary.projects, (id) => collections.includes(id), false, false);
  if (modalities) {
    expand('MODALITIES', FILE.modality, vocabulary.modalities, (raw) => {
      const modality = normaliseModality(raw);
      return modality !== null && modalities.includes(modality);
    }, false, true);
  }
  if (bodyParts) {
    expand('BODY_PARTS', FILE.bodyPart, vocabulary.bodyParts, (raw) => bodyParts.includes(normaliseBodyPart(raw)), bodyParts.includes(normaliseBodyPart(null)), true);
  }
  if (manufacturers) expand('MANUFACTURERS', FILE.manufacturer, vocabulary.manufacturers, (raw) => manufacturerMatches(raw, manufacturers), false, true);

  const notApplied: NotApplied[] = [];
  const plan: FilterPlan = { clinical: [], ranges: [], image: [] };
  let empty = false;
  for (const { criterion, condition, universe, image } of expansions) {
    if (!wildcardSafe(condition.values, universe)) {
      notApplied.push({ criterion, reason: WILDCARD_REASON });
      continue;
    }
    if (condition.values.length === 0 && !condition.missing) empty = true;
    (image ? plan.image : plan.clinical).push(condition);
  }
  if (filter.ageAtDiagnosis) {
    const { min, max } = filter.ageAtDiagnosis;
    plan.ageYears = filter.ageAtDiagnosis;
    plan.ranges.push({
      field: CASE.age,
      min: min === undefined ? undefined : firstDayOfAge(min),
      max: max === undefined ? undefined : lastDayOfAge(max),
    });
  }
  if (filter.yearOfDiagnosis) plan.ranges.push({ field: CASE.year, ...filter.yearOfDiagnosis });
  return { planned: empty ? { kind: 'empty' } : { kind: 'query', plan }, notApplied };
}

/**
 * Whether the image conditions can be put on /cases as they are: one condition, values only. GDC evaluates each
 * `files.*` condition on its own, so two of them may be met by two different series of a case; and "is missing"
 * on /cases is also met by a non-imaging file. Anything else is evaluated on /files, where a document is a series.
 */
export function imageFitsCases(image: readonly TermCondition[]): boolean {
  return image.length === 1 && !image[0].missing;
}
