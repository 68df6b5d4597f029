/**
 * The unified filter as EUCAIM node mediator requests, with the report of what is applied, and the check of each
 * answer against what was asked. Pure: the adapter runs the plans.
 *
 * The mediator takes one value per criterion, string values only, no ranges (native-apis README 1.1.2 item 4: "no
 * OR between values of the same criterion", "The only supported condition value type is string"), and it silently
 * ignores what it does not understand. So the adapter sends only values it has a code for, reports every criterion
 * it could not send with a reason, and checks what each answer lists per collection (genders, modalities, body
 * parts) against the parameters sent before it calls a count exact (refutedCriteria).
 */
import type { BodyPart, CancerSite, FilterCriterion, Modality, Sex } from '../../schema/generated/graphql';
import { bodyPartOf } from '../../schema/codes/body-part';
import { normaliseModality } from '../../schema/codes/modality';
import { normaliseSex } from '../../schema/codes/sex';
import type { CollectionMetadata } from '../sdk/entry';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import type { MediatorQuery, SearchParam } from './client';
import {
  BODY_PART_CODE, bodyPartOfCode, cancerSiteOfDiagnosis, DIAGNOSIS_OF_SITE, GENDER_OF_SEX, manufacturerCode, MANUFACTURER_OF_VENDOR,
  MODALITY_CODE, modalityOfCode, PELVIS_CANCER, sexOfGender,
} from './mapping';
import type { MediatorAnswer } from './parse';


/** A criterion asked once per value, the counts summed. */
export interface EnumeratedCriterion {
  param: 'gender' | 'diagnosis';
  criterion: FilterCriterion;
  values: string[];
}

export interface CohortPlan {
  /** Parameters sent with one value in every request. */
  fixed: MediatorQuery;
  /** Single-valued subject attributes with several values: one request per combination, summed. */
  enumerated: EnumeratedCriterion[];
  /** Collection ids to select from the per-collection answer; null for all (then `total` is used). */
  collections: string[] | null;
  /** What the counts answer: the filter without the criteria not applied. */
  evaluable: NormalizedFilter;
  report: FilterReport;
}

export interface PlanOptions {
  /** Most requests one cohort may cost (the product of the enumerated criteria's sizes). */
  maxRequests: number;
}

export const DEFAULT_MAX_REQUESTS_PER_COHORT = 16;

const RANGE_REASON = 'the mediator takes no ranges: GET /search has no age or year parameter and Focus sends only string values (native-apis 1.1.2 item 4)';

function list(values: readonly string[]): string {
  return values.join(', ');
}

function noCodeReason(what: string, missing: readonly string[], known: string): string {
  const subject = missing.length === 1 ? `${what} ${missing[0]} has` : `${what}s ${list(missing)} have`;
  return `${subject} no value in the mediator's vocabulary (it knows ${known}); leaving the value out would undercount, so the criterion is not applied`;
}

function multiValueReason(what: string, count: number): string {
  return `the mediator takes one value per criterion and a subject can have series of several ${what}s, so ${count} one-value counts cannot be summed (it would count such subjects twice)`;
}

const KNOWN = {
  cancerSite: `${Object.keys(DIAGNOSIS_OF_SITE).join(', ')} and "${PELVIS_CANCER.label}"`,
  modality: Object.keys(MODALITY_CODE).join(', '),
  bodyPart: Object.keys(BODY_PART_CODE).join(', '),
  manufacturer: Object.values(MANUFACTURER_OF_VENDOR).join(', '),
};

/**
 * Splits a filter into what the mediator answers exactly and what is reported as not applied.
 *
 * - sex and cancer sites are single-valued subject attributes in this model (a case has one sex and one primary
 *   diagnosis, schema Case.sex / Case.diagnosis), so the subjects matching "A or B" are the disjoint sum of those
 *   matching A and those matching B: several values are answered exactly by one request per value combination.
 *   A sex list naming all four sexes selects everyone and costs no parameter.
 * - modalities, body parts and manufacturers describe series, and a subject (even a study) has many: the sum of
 *   one-value counts is not the count of the union, so several values are not applied.
 * - a value without a mediator code makes its whole criterion not applied: sending only the other values would
 *   undercount, and dropping the criterion gives an upper bound.
 * - ranges are not applied. Collections are applied exactly by picking collections from the per-collection answer.
 * - when the combinations exceed `maxRequests`, the enumerated criterion with most values is dropped (not applied,
 *   with the reason) until they fit.
 * - `skip`: criteria an earlier answer showed the node did not apply, with the reason.
 */
export function planCohort(filter: NormalizedFilter, options: PlanOptions, skip: ReadonlyMap<FilterCriterion, string> = new Map()): CohortPlan {
  const fixed: MediatorQuery = {};
  const enumerated: EnumeratedCriterion[] = [];
  const notApplied: NotApplied[] = [];
  let collections: string[] | null = null;

  const singleValued = (param: 'gender' | 'diagnosis', criterion: FilterCriterion, codes: string[]) => {
    if (codes.length === 1) fixed[param] = codes[0];
    else enumerated.push({ param, criterion, values: codes });
  };
  const seriesValued = (param: SearchParam, criterion: FilterCriterion, what: string, known: string, values: readonly string[], code: (v: string) => string | null | undefined) => {
    const missing = values.filter((v) => !code(v));
    // Distinct values may share a code ("siemens" and "siemens healthineers" both mean Siemens).
    const codes = [...new Set(values.map((v) => code(v) as string))];
    if (missing.length > 0) notApplied.push({ criterion, reason: noCodeReason(what, missing, known) });
    else if (codes.length > 1) notApplied.push({ criterion, reason: multiValueReason(what, codes.length) });
    else fixed[param] = codes[0];
  };

  for (const criterion of criteriaOf(filter)) {
    const skipped = skip.get(criterion);
    if (skipped !== undefined) {
      notApplied.push({ criterion, reason: skipped });
      continue;
    }
    switch (criterion) {
      case 'SEX': {
        const sexes = filter.sex ?? [];
        if (sexes.length < Object.keys(GENDER_OF_SEX).length) singleValued('gender', criterion, sexes.map((s) => GENDER_OF_SEX[s]));
        break;
      }
      case 'CANCER_SITES': {
        const sites = filter.cancerSites ?? [];
        const missing = sites.filter((s) => !DIAGNOSIS_OF_SITE[s]);
        if (missing.length > 0) notApplied.push({ criterion, reason: noCodeReason('cancer site', missing, KNOWN.cancerSite) });
        else singleValued('diagnosis', criterion, sites.map((s) => DIAGNOSIS_OF_SITE[s] as string));
        break;
      }
      case 'AGE_AT_DIAGNOSIS':
      case 'YEAR_OF_DIAGNOSIS':
        notApplied.push({ criterion, reason: RANGE_REASON });
        break;
      case 'MODALITIES':
        seriesValued('modality', criterion, 'modality', KNOWN.modality, filter.modalities ?? [], (m) => MODALITY_CODE[m as Modality]);
        break;
      case 'BODY_PARTS':
        seriesValued('bodyPart', criterion, 'body part', KNOWN.bodyPart, filter.bodyParts ?? [], (b) => BODY_PART_CODE[b as BodyPart]);
        break;
      case 'MANUFACTURERS':
        seriesValued('manufacturer', criterion, 'manufacturer', KNOWN.manufacturer, filter.manufacturers ?? [], manufacturerCode);
        break;
      case 'COLLECTIONS':
        collections = [...(filter.collections ?? [])];
        break;
    }
  }

  // Keep the number of requests within the cap.
  const combinations = () => enumerated.reduce((product, e) => product * e.values.length, 1);
  while (combinations() > options.maxRequests) {
    const total = combinations();
    const largest = enumerated.reduce((a, b) => (b.values.length > a.values.length ? b : a));
    enumerated.splice(enumerated.indexOf(largest), 1);
    notApplied.push({
      criterion: largest.criterion,
      reason: `the mediator takes one value per criterion; answering ${largest.values.length} values exactly needs one request per value combination, `
        + `${total} requests in all, more than this repository's cap of ${options.maxRequests} per cohort`,
    });
  }

  const notAppliedCriteria = notApplied.map((n) => n.criterion);
  const requested = criteriaOf(filter);
  return {
    fixed,
    enumerated,
    collections,
    evaluable: withoutCriteria(filter, notAppliedCriteria),
    report: {
      applied: requested.filter((c) => !notAppliedCriteria.includes(c)),
      notApplied: requested.flatMap((c) => notApplied.filter((n) => n.criterion === c)),
    },
  };
}

/** The requests of a plan: every combination of the enumerated values, with the fixed parameters. */
export function queriesOf(plan: Pick<CohortPlan, 'fixed' | 'enumerated'>): MediatorQuery[] {
  let queries: MediatorQuery[] = [{ ...plan.fixed }];
  for (const { param, values } of plan.enumerated) {
    queries = queries.flatMap((query) => values.map((value) => ({ ...query, [param]: value })));
  }
  return queries;
}

/** A stable key for a request, to ask each distinct one once per cohort. */
export function queryKey(query: MediatorQuery): string {
  return (['gender', 'diagnosis', 'modality', 'bodyPart', 'manufacturer'] as const)
    .map((param) => `${param}=${query[param] ?? ''}`).join('&');
}

// ---------------------------------------------------------------------------------------------------------------
// Facets

export type FacetAttribute = 'sex' | 'cancerSite' | 'modality';

export interface FacetValue {
  /** The value reported in FacetCount.value. */
  value: string;
  /** The mediator value asked for it. */
  code: string;
}

const PARAM_OF_FACET: Record<FacetAttribute, 'gender' | 'diagnosis' | 'modality'> = { sex: 'gender', cancerSite: 'diagnosis', modality: 'modality' };

/** The facet values the mediator can count, one request each: 4 sexes, its 5 diagnoses, its 4 modalities. */
export const FACET_VALUES: Record<FacetAttribute, readonly FacetValue[]> = {
  sex: (Object.keys(GENDER_OF_SEX) as Sex[]).map((sex) => ({ value: sex, code: GENDER_OF_SEX[sex] })),
  cancerSite: [
    ...(Object.keys(DIAGNOSIS_OF_SITE) as CancerSite[]).map((site) => ({ value: site, code: DIAGNOSIS_OF_SITE[site] as string })),
    { value: PELVIS_CANCER.label, code: PELVIS_CANCER.code },
  ],
  modality: (Object.keys(MODALITY_CODE) as Modality[]).map((m) => ({ value: m, code: MODALITY_CODE[m] as string })),
};

/**
 * The requests that count the subjects of a plan's cohort having one facet value; null when the plan's own
 * criteria exclude that value (count 0 without asking). Counting a subject attribute this way is exact for the
 * same reason as the enumeration above; for modality it counts subjects with a selected series of that modality,
 * which is how cohortOf counts the modality facet.
 */
export function facetQueries(plan: Pick<CohortPlan, 'fixed' | 'enumerated'>, attribute: FacetAttribute, code: string): MediatorQuery[] | null {
  const param = PARAM_OF_FACET[attribute];
  const fixedValue = plan.fixed[param];
  if (fixedValue !== undefined) return fixedValue === code ? queriesOf(plan) : null;
  const enumerated = plan.enumerated.find((e) => e.param === param);
  if (enumerated && !enumerated.values.includes(code)) return null;
  return queriesOf({
    fixed: { ...plan.fixed, [param]: code },
    enumerated: plan.enumerated.filter((e) => e.param !== param),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// What the node did

const CRITERION_OF_PARAM: Partial<Record<SearchParam, FilterCriterion>> = {
  gender: 'SEX', diagnosis: 'CANCER_SITES', modality: 'MODALITIES', bodyPart: 'BODY_PARTS',
};

/**
 * The parameters of a request the answer shows the node did not apply, as the criteria they stand for, with the
 * reason. The node echoes no request, but each collection it answers lists its subjects' genders and their selected
 * series' modalities and body parts (1.1.2 item 5): a collection with matching subjects must list only the gender
 * asked, and list the modality and body part asked. A list that contradicts the parameter, or is missing, means the
 * node did not apply it (it ignores what it does not implement, without a word). The diagnosis is checked against the
 * collections the entry's catalogue metadata gives a cancer site. The manufacturer is not echoed at all: the answer
 * holds nothing to check it against, so it is taken as applied.
 */
export function refutedCriteria(query: MediatorQuery, answer: MediatorAnswer, metadata: readonly CollectionMetadata[]): Map<FilterCriterion, string> {
  const refuted = new Map<FilterCriterion, string>();
  const collections = answer.collections.filter((c) => c.subjectsCount > 0);
  const refute = (param: SearchParam, why: string) => {
    const criterion = CRITERION_OF_PARAM[param];
    if (criterion && !refuted.has(criterion)) {
      refuted.set(criterion, `the node's answer to ${param}=${query[param]} ${why}, so it did not apply the parameter; the criterion is counted without it`);
    }
  };
  if (query.gender !== undefined) {
    const sex = sexOfGender(query.gender);
    for (const c of collections) {
      const others = c.gender.filter((label) => normaliseSex(label) !== sex);
      if (c.gender.length === 0) refute('gender', `lists no gender for collection "${c.id}"`);
      else if (others.length > 0) refute('gender', `lists ${others.join(', ')} in collection "${c.id}"`);
    }
  }
  if (query.diagnosis !== undefined) {
    const site = cancerSiteOfDiagnosis(query.diagnosis);
    for (const c of collections) {
      const known = metadata.find((m) => m.id === c.id)?.cancerSite;
      if (site !== null && known !== undefined && known !== site) refute('diagnosis', `counts subjects in collection "${c.id}", whose cancer site is ${known}`);
    }
  }
  if (query.modality !== undefined) {
    const modality = modalityOfCode(query.modality);
    for (const c of collections) {
      if (!c.modalities.some((raw) => normaliseModality(raw) === modality)) refute('modality', `lists no ${modality} series for collection "${c.id}"`);
    }
  }
  if (query.bodyPart !== undefined) {
    const bodyPart = bodyPartOfCode(query.bodyPart);
    for (const c of collections) {
      if (!c.bodyParts.some((raw) => bodyPartOf(raw) === bodyPart)) refute('bodyPart', `lists no ${bodyPart} body part for collection "${c.id}"`);
    }
  }
  return refuted;
}
