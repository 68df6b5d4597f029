/**
 * Pure translation between the unified cancer-case filter and the EUCAIM node mediator's vocabulary, and from the
 * mediator's answer to unified records. No I/O here: the adapter runs the plans this module makes.
 *
 * The mediator takes one value per criterion, string values only, no ranges (native-apis README 1.1.2 item 4: "no
 * OR between values of the same criterion", "The only supported condition value type is string"), and it silently
 * ignores what it does not understand. So the adapter sends only values it has a code for, and reports every
 * criterion it could not send with a reason, making the counts upper bounds instead of silently wrong.
 */
import type { BodyPart, CancerSite, FilterCriterion, Modality, Sex } from '../../schema/generated/graphql';
import { manufacturerVendor } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import type { CollectionMetadata } from '../sdk/entry';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { CollectionRecord } from '../sdk/records';
import type { FilterReport, NotApplied } from '../sdk/report';
import type { MediatorAnswer, MediatorQuery, SearchParam } from './client';

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary (1.1.2 item 4 mapping tables of Focus src/eucaim_api.rs; labels from 1.1.3)

/** gender: every unified sex has a code. */
export const GENDER_OF_SEX: Record<Sex, string> = { FEMALE: 'female', MALE: 'male', OTHER: 'other', UNKNOWN: 'unknown' };

/** diagnosis: the SNOMED key strings of the UI catalogue (1.1.3). */
export const DIAGNOSIS_OF_SITE: Partial<Record<CancerSite, string>> = {
  COLON: 'SNOMEDCT363406005',
  BREAST: 'SNOMEDCT254837009',
  LUNG: 'SNOMEDCT363358000',
  PROSTATE: 'SNOMEDCT399068003',
};

/**
 * The fifth diagnosis, "Pelvis Cancer" (SNOMEDCT363484005), names no organ: it could be rectum, cervix, bladder or
 * an ill-defined pelvic site (ICD-O-3 C76.3, which the unified model files under OTHER with every other unlisted C
 * code). No CancerSite equals it, so no unified value is ever sent as it; facets report its count under this label,
 * a raw value as the schema allows for FacetCount.value.
 */
export const PELVIS_CANCER = { code: 'SNOMEDCT363484005', label: 'Pelvis Cancer' } as const;

/**
 * modality: RID10312→MR, RID10321→CT, RID10337→PET, RID10334→SPECT. DICOM has no SPECT modality: SPECT images are
 * stored as NM (PS3.3 C.8.4), and schema/codes/modality.ts maps the mediator's SPECT to NM, so NM ↔ SPECT.
 */
export const MODALITY_CODE: Partial<Record<Modality, string>> = { MR: 'MR', CT: 'CT', PT: 'PET', NM: 'SPECT' };

/** bodyPart: the mediator's five body parts; CHEST, ABDOMEN, RECTUM... have none (lung is not chest). */
export const BODY_PART_CODE: Partial<Record<BodyPart, string>> = {
  BREAST: 'breast', COLON: 'colon', LUNG: 'lung', PELVIS: 'pelvis', PROSTATE: 'prostate',
};

/** manufacturer: vendor (schema/codes/manufacturer.ts) → mediator value. Focus sends `General%20Electric`. */
export const MANUFACTURER_OF_VENDOR: Record<string, string> = {
  Siemens: 'Siemens', GE: 'General Electric', Philips: 'Philips', Toshiba: 'Toshiba',
};

/**
 * The mediator value for a unified manufacturer filter value (lower-cased). A value naming one of the four vendors
 * ("siemens", "siemens healthineers", "ge medical systems") selects, in the unified semantics, the series of that
 * vendor: manufacturerMatches accepts a series whose vendor equals the value's vendor. The prefix half of that rule
 * adds nothing for these vendors since their vendor patterns are themselves name prefixes; the one theoretical gap
 * ("ge" would also prefix-match a raw "GEXXX" that is not GE) is accepted and documented here.
 */
export function manufacturerCode(value: string): string | null {
  const vendor = manufacturerVendor(value);
  return vendor !== null && Object.prototype.hasOwnProperty.call(MANUFACTURER_OF_VENDOR, vendor) ? MANUFACTURER_OF_VENDOR[vendor] : null;
}

// And back, mediator value → unified value.

export function sexOfGender(code: string): Sex | null {
  return (Object.keys(GENDER_OF_SEX) as Sex[]).find((sex) => GENDER_OF_SEX[sex] === code) ?? null;
}

/** Null for "Pelvis Cancer" and unknown codes. */
export function cancerSiteOfDiagnosis(code: string): CancerSite | null {
  return (Object.keys(DIAGNOSIS_OF_SITE) as CancerSite[]).find((site) => DIAGNOSIS_OF_SITE[site] === code) ?? null;
}

export function modalityOfCode(code: string): Modality | null {
  return (Object.keys(MODALITY_CODE) as Modality[]).find((m) => MODALITY_CODE[m] === code) ?? null;
}

export function bodyPartOfCode(code: string): BodyPart | null {
  return (Object.keys(BODY_PART_CODE) as BodyPart[]).find((b) => BODY_PART_CODE[b] === code) ?? null;
}

/** The vendor name (as manufacturerVendor writes it) of a mediator manufacturer value. */
export function vendorOfManufacturerCode(code: string): string | null {
  return Object.keys(MANUFACTURER_OF_VENDOR).find((vendor) => MANUFACTURER_OF_VENDOR[vendor] === code) ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Cohort plans

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
 */
export function planCohort(filter: NormalizedFilter, options: PlanOptions): CohortPlan {
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
// Answers

export interface Counts {
  subjects: number;
  studies: number;
}

/**
 * Subjects and studies of one answer, over the selected collections (summed: a case belongs to one collection in
 * this model, Case.collection) or over all of them (`total`, the node's own figure, else the sum).
 */
export function countsOf(answer: MediatorAnswer, collections: readonly string[] | null): Counts {
  if (collections === null && answer.total) return { subjects: answer.total.subjectsCount, studies: answer.total.studiesCount };
  // Collections the answer leaves out have no matching subject.
  const selected = collections === null ? answer.collections : answer.collections.filter((c) => collections.includes(c.id));
  return {
    subjects: selected.reduce((sum, c) => sum + c.subjectsCount, 0),
    studies: selected.reduce((sum, c) => sum + c.studiesCount, 0),
  };
}

export function addCounts(a: Counts, b: Counts): Counts {
  return { subjects: a.subjects + b.subjects, studies: a.studies + b.studies };
}

/**
 * Collection records from an unfiltered answer. Modalities are normalised (PET → PT, SPECT → NM; values naming no
 * modality are dropped); cancer sites, licence, DOI and landing page come from the entry's collection metadata
 * when it describes the collection (the mediator does not say them); the node's own name and description win.
 */
export function collectionRecordsOf(answer: MediatorAnswer, metadata: readonly CollectionMetadata[]): CollectionRecord[] {
  return answer.collections.map((c) => {
    const meta = metadata.find((m) => m.id === c.id);
    return {
      id: c.id,
      name: c.name || meta?.name || c.id,
      description: c.description ?? meta?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: c.subjectsCount,
      studies: c.studiesCount,
      cancerSites: meta ? [meta.cancerSite] : [],
      modalities: [...new Set(c.modalities.map(normaliseModality).filter((m): m is Modality => m !== null))],
    };
  });
}
