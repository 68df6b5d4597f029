/**
 * What the DICOMweb adapter can answer exactly for a filter, judged on what the PACS actually returned, and what it
 * pushes down to QIDO-RS in live mode.
 *
 * A criterion is applied only when the data it needs is there:
 * - year of diagnosis: never (DICOM carries no diagnosis date);
 * - sex, age, body part, manufacturer: when the PACS returned the attribute (PatientSex, PatientAge,
 *   BodyPartExamined, Manufacturer) for at least one result. Absent from every result means the server does not
 *   answer that `includefield` (PS3.18 8.3.4.3 lets it leave out attributes it does not support) or holds none:
 *   either way a filter on it would silently count 0. The facet is then left empty rather than all UNKNOWN;
 * - collections and cancer sites: when every case that satisfies the other criteria is placed in a collection by
 *   the owner's rule (and, for cancer sites, in one whose cancer site the config gives). A case that cannot be
 *   placed could belong to the requested collection: counting it out would be a silent 0, counting it in a guess.
 * Counts of a filter with a criterion not applied are those of the filter without it (an upper bound), as
 * everywhere in the federation.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import { dicomSexCode } from '../../schema/codes/sex';
import type { CaseIndex } from '../sdk/case-index';
import type { FacetName } from '../sdk/facets';
import { criteriaOf, withoutCriteria, type NormalizedFilter } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import type { QidoQuery } from './client';
import type { CollectionRule } from './options';
import { Tag } from './parse';
import { describeRule } from './placement';

export const YEAR_NOT_AVAILABLE = 'DICOM carries no diagnosis date';

/** The includefield attributes a criterion needs, and the facet that counts them. */
const NEEDS: ReadonlyArray<{ criterion: FilterCriterion; tag: string; name: string; facet: FacetName; level: 'study' | 'series' }> = [
  { criterion: 'SEX', tag: Tag.PatientSex, name: 'PatientSex (0010,0040)', facet: 'sex', level: 'study' },
  { criterion: 'AGE_AT_DIAGNOSIS', tag: Tag.PatientAge, name: 'PatientAge (0010,1010)', facet: 'ageBand', level: 'study' },
  { criterion: 'BODY_PARTS', tag: Tag.BodyPartExamined, name: 'BodyPartExamined (0018,0015)', facet: 'bodyPart', level: 'series' },
  { criterion: 'MANUFACTURERS', tag: Tag.Manufacturer, name: 'Manufacturer (0008,0070)', facet: 'manufacturer', level: 'series' },
];

/** Study attributes whose presence is checked (asked with includefield). */
export const CHECKED_STUDY_TAGS = [Tag.PatientSex, Tag.PatientAge];
/** Series attributes whose presence is checked (asked with includefield). */
export const CHECKED_SERIES_TAGS = [Tag.BodyPartExamined, Tag.Manufacturer];

export interface PlanContext {
  rule: CollectionRule;
}

export interface CohortPlan {
  /** The filter to evaluate over the records. */
  evaluable: NormalizedFilter;
  report: FilterReport;
  /** Facets the records cannot fill (their attribute never came back). */
  blankFacets: FacetName[];
}

/**
 * Splits `filter` by what `cases` (with the tags the PACS `carried`) let the adapter evaluate exactly.
 * `cases` must be every case that could match (the whole index, or a live result fetched without a collection
 * constraint).
 */
export function planCohort(filter: NormalizedFilter, cases: CaseIndex, carried: ReadonlySet<string>, context: PlanContext): CohortPlan {
  const requested = criteriaOf(filter);
  const notApplied: NotApplied[] = [];
  if (filter.yearOfDiagnosis) notApplied.push({ criterion: 'YEAR_OF_DIAGNOSIS', reason: YEAR_NOT_AVAILABLE });
  const blankFacets: FacetName[] = [];
  // Without any result of a level there is nothing the attribute could have been returned on.
  const returned = { study: cases.size > 0, series: cases.seriesCount > 0 };
  for (const need of NEEDS) {
    if (carried.has(need.tag) || !returned[need.level]) continue;
    blankFacets.push(need.facet);
    if (requested.includes(need.criterion)) {
      notApplied.push({ criterion: need.criterion, reason: `the PACS returned no ${need.name} for any result: it does not answer that includefield or holds none` });
    }
  }
  if (filter.collections || filter.cancerSites) {
    // The cases the other criteria select: only their placement matters.
    const others = withoutCriteria(filter, [...notApplied.map((n) => n.criterion), 'COLLECTIONS', 'CANCER_SITES']);
    const candidates = cases.matching(others).map((at) => cases.head(at));
    const unplaced = candidates.filter((record) => record.collection === null).length;
    const how = describeRule(context.rule);
    if (filter.collections && unplaced > 0) {
      notApplied.push({ criterion: 'COLLECTIONS', reason: `${unplaced} case(s) that satisfy the other criteria cannot be placed in a collection (${how}): their studies give no collection or different ones` });
    }
    if (filter.cancerSites) {
      const unsited = candidates.filter((record) => record.diagnosis === null);
      if (unsited.length > 0) {
        const undescribed = [...new Set(unsited.map((r) => r.collection).filter((c): c is string => c !== null))];
        const reasons = [
          ...(unplaced > 0 ? [`${unplaced} cannot be placed in a collection (${how})`] : []),
          ...(undescribed.length > 0 ? [`the federation config gives no cancer site for collection ${undescribed.join(', ')}`] : []),
        ];
        notApplied.push({ criterion: 'CANCER_SITES', reason: `the cancer site of ${unsited.length} case(s) that satisfy the other criteria is unknown: ${reasons.join('; ')} (DICOM carries no diagnosis; the site comes from the collection)` });
      }
    }
  }
  const notAppliedCriteria = notApplied.map((n) => n.criterion);
  return {
    evaluable: withoutCriteria(filter, notAppliedCriteria),
    report: { applied: requested.filter((c) => !notAppliedCriteria.includes(c)), notApplied: sortLike(requested, notApplied) },
    blankFacets,
  };
}

/**
 * What QIDO can match at study level (PS3.18 8.3.4, PS3.4 C.2.2.2; comma lists OR together) to narrow a live query.
 * Everything is evaluated locally afterwards, so a server that ignores a key only costs bandwidth. Collections are
 * never pushed down: studies without the collection attribute would not come back, and the plan could not see that
 * cases are unplaced.
 */
export function pushDown(filter: NormalizedFilter): QidoQuery {
  const query: QidoQuery = {};
  // Age at diagnosis is read from the earliest study: dropping studies by modality would change it.
  if (filter.modalities && !filter.ageAtDiagnosis) query.ModalitiesInStudy = filter.modalities.join(',');
  // An empty PatientSex would be universal matching, so UNKNOWN cannot be pushed down.
  if (filter.sex && !filter.sex.includes('UNKNOWN')) query.PatientSex = filter.sex.map(dicomSexCode).join(',');
  return query;
}

function sortLike(order: readonly FilterCriterion[], items: NotApplied[]): NotApplied[] {
  return [...items].sort((a, b) => order.indexOf(a.criterion) - order.indexOf(b.criterion));
}
