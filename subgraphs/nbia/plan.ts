/**
 * Whether a filter can be pushed down to getSimpleSearch, and as which criteria. getSimpleSearch matches raw stored
 * strings exactly (README §2a, §7.3: body parts come back raw and case-inconsistent, "CHEST" and "Chest" apart),
 * so each normalised value is expanded to the raw values NBIA lists (get*Values) that normalise to it; repeated
 * criteria of one type OR together, so the expansion keeps the unified semantics.
 *
 * Every native search also carries `PhantomCriteria=1` (NBIA's PhantomCriteria.ExcludePhantom, honoured by
 * SearchUtil.getPatients_v4): phantom subjects are no patients. A server that ignores it (or any other criterion)
 * is caught by the adapter, which compares the search's total with the index's count for the filter.
 *
 * Not expressible natively, hence answered from the harvested index:
 * - age at diagnosis (getSimpleSearch has no age criterion);
 * - sex UNKNOWN, body part UNKNOWN, cancer site UNKNOWN: they stand for a missing value (no PatientSex, no
 *   BodyPartExamined, a collection the config does not describe), which no criterion selects.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import { normaliseBodyPart } from '../../schema/codes/body-part';
import { manufacturerMatches } from '../../schema/codes/manufacturer';
import { normaliseModality } from '../../schema/codes/modality';
import type { CollectionMetadata } from '../sdk/entry';
import type { NormalizedFilter } from '../sdk/filter';
import type { SimpleSearchCriterion } from './native-types';

/** The raw values NBIA holds, from getModalityValues, getBodyPartValues and getManufacturerValues. */
export interface Vocabulary {
  modalities: readonly string[];
  bodyParts: readonly string[];
  manufacturers: readonly string[];
}

export type SearchPlan =
  | { kind: 'native'; criteria: SimpleSearchCriterion[] }
  /** Expressible, and provably matches nothing (e.g. no raw value normalises to the requested body part). */
  | { kind: 'empty' }
  | { kind: 'index'; because: FilterCriterion };

const SEX_CODES = { FEMALE: 'F', MALE: 'M', OTHER: 'O' } as const;

/** PhantomCriteria values (PhantomCriteria.java): "0" everything, "1" ExcludePhantom, "2" PhantomOnly. */
export const EXCLUDE_PHANTOMS: SimpleSearchCriterion = { type: 'PhantomCriteria', value: '1' };

/** Whether planning needs the raw value lists. */
export function needsVocabulary(filter: NormalizedFilter): boolean {
  return Boolean(filter.modalities || filter.bodyParts || filter.manufacturers);
}

/**
 * Plans a search. `filter` must no longer hold criteria NBIA cannot evaluate at all (year of diagnosis).
 * `vocabulary` is needed when needsVocabulary(filter).
 */
export function planSearch(filter: NormalizedFilter, collections: readonly CollectionMetadata[], vocabulary: Vocabulary | null): SearchPlan {
  if (filter.ageAtDiagnosis) return { kind: 'index', because: 'AGE_AT_DIAGNOSIS' };
  if (filter.sex?.includes('UNKNOWN')) return { kind: 'index', because: 'SEX' };
  if (filter.cancerSites?.includes('UNKNOWN')) return { kind: 'index', because: 'CANCER_SITES' };
  if (filter.bodyParts?.includes('UNKNOWN')) return { kind: 'index', because: 'BODY_PARTS' };

  const criteria: SimpleSearchCriterion[] = [];
  const add = (type: SimpleSearchCriterion['type'], values: readonly string[]) => {
    for (const value of values) criteria.push({ type, value });
  };

  // Collections and cancer sites both become CollectionCriteria: the two criteria AND, so intersect them.
  let collectionIds = filter.collections;
  if (filter.cancerSites) {
    const sites = filter.cancerSites;
    const ofSites = collections.filter((c) => sites.includes(c.cancerSite)).map((c) => c.id);
    collectionIds = collectionIds ? collectionIds.filter((id) => ofSites.includes(id)) : ofSites;
  }
  if (collectionIds) {
    if (collectionIds.length === 0) return { kind: 'empty' };
    add('CollectionCriteria', collectionIds);
  }
  if (filter.sex) add('PatientSexCriteria', filter.sex.map((sex) => SEX_CODES[sex as keyof typeof SEX_CODES]));

  if (needsVocabulary(filter) && !vocabulary) throw new Error('planSearch: image criteria need the vocabulary');
  const expansions: Array<[SimpleSearchCriterion['type'], string[] | undefined]> = [
    ['ImageModalityCriteria', filter.modalities && vocabulary?.modalities.filter((raw) => {
      const modality = normaliseModality(raw);
      return modality !== null && filter.modalities!.includes(modality);
    })],
    ['AnatomicalSiteCriteria', filter.bodyParts && vocabulary?.bodyParts.filter((raw) => filter.bodyParts!.includes(normaliseBodyPart(raw)))],
    ['ManufacturerCriteria', filter.manufacturers && vocabulary?.manufacturers.filter((raw) => manufacturerMatches(raw, filter.manufacturers!))],
  ];
  for (const [type, raw] of expansions) {
    if (raw === undefined) continue;
    // An empty list would drop the criterion and match everything: no raw value means no match.
    if (raw.length === 0) return { kind: 'empty' };
    add(type, raw);
  }
  criteria.push(EXCLUDE_PHANTOMS);
  return { kind: 'native', criteria };
}
