/**
 * What the dataset-service can answer for a filter, and the report of the rest. The node has no query: it gives per
 * dataset the subjects per raw value of one attribute at a time, so
 * - collections select datasets, and cancer sites select datasets through the config's collection metadata (every
 *   dataset must be described, or the criterion is not applied);
 * - one of sex, modalities, body parts, manufacturers is counted from the per-value arrays (sex with any number of
 *   values, since a subject has one; the others when one raw value per dataset stands for what is asked);
 * - age and year ranges, and any second attribute, are reported not applied: the node has no joint counts.
 */
import { knownVendor } from '../../schema/codes/manufacturer';
import type { FilterCriterion } from '../../schema/generated/graphql';
import type { CollectionMetadata } from '../sdk/entry';
import { criteriaOf, type NormalizedFilter } from '../sdk/filter';
import type { FilterReport, NotApplied } from '../sdk/report';
import { subjectsWith } from './mapping';
import type { FacetName, NativeDataset } from './parse';

/** Per-subject attributes in the order the adapter tries to count them. */
const ATTRIBUTES: ReadonlyArray<[FilterCriterion, FacetName, keyof NormalizedFilter]> = [
  ['SEX', 'sex', 'sex'], ['MODALITIES', 'modality', 'modalities'], ['BODY_PARTS', 'bodyPart', 'bodyParts'], ['MANUFACTURERS', 'manufacturer', 'manufacturers'],
];

export interface DatasetPlan {
  /** The datasets the collection and cancer-site criteria keep. */
  datasets: NativeDataset[];
  /** The one attribute counted from the per-value arrays, with the unified values asked; null when none is. */
  counted: { criterion: FilterCriterion; facet: FacetName; values: ReadonlySet<string> } | null;
  report: FilterReport;
}

export function planCohort(filter: NormalizedFilter, all: readonly NativeDataset[], metadata: readonly CollectionMetadata[]): DatasetPlan {
  const notApplied: NotApplied[] = [];
  const datasets = select(all, filter, metadata, notApplied);
  for (const criterion of ['AGE_AT_DIAGNOSIS', 'YEAR_OF_DIAGNOSIS'] as const) {
    if (criteriaOf(filter).includes(criterion)) notApplied.push({ criterion, reason: 'the node gives only the lowest and highest value per dataset' });
  }
  let counted: DatasetPlan['counted'] = null;
  for (const [criterion, facet, key] of ATTRIBUTES) {
    const values = filter[key] as string[] | undefined;
    if (!values) continue;
    const reason = counted ? `the node counts one attribute at a time (${counted.criterion} is counted)` : uncountable(datasets, facet, values);
    if (reason) {
      notApplied.push({ criterion, reason });
      continue;
    }
    counted = { criterion, facet, values: wanted(facet, values) };
  }
  return { datasets, counted, report: { applied: criteriaOf(filter).filter((c) => !notApplied.some((n) => n.criterion === c)), notApplied } };
}

function wanted(facet: FacetName, values: readonly string[]): Set<string> {
  return new Set(facet === 'manufacturer' ? values.map((v) => (knownVendor(v) as string).toLowerCase()) : values);
}

/** Datasets the collection and cancer-site criteria keep; cancer sites need every dataset described in the config. */
function select(datasets: readonly NativeDataset[], filter: NormalizedFilter, metadata: readonly CollectionMetadata[], notApplied: NotApplied[]): NativeDataset[] {
  let selected = filter.collections ? datasets.filter((d) => filter.collections!.includes(d.id)) : [...datasets];
  if (filter.cancerSites) {
    const siteOf = new Map(metadata.map((c) => [c.id, c.cancerSite]));
    const undescribed = datasets.filter((d) => !siteOf.has(d.id)).map((d) => d.id);
    if (undescribed.length > 0) notApplied.push({ criterion: 'CANCER_SITES', reason: `datasets without a cancer site in the config: ${undescribed.join(', ')}` });
    else selected = selected.filter((d) => filter.cancerSites!.includes(siteOf.get(d.id)!));
  }
  return selected;
}

function uncountable(datasets: readonly NativeDataset[], facet: FacetName, values: readonly string[]): string | null {
  if (facet === 'manufacturer' && values.some((v) => !knownVendor(v))) return 'the node knows manufacturers by vendor only; a name that is no known vendor cannot be matched';
  if (datasets.some((d) => subjectsWith(d, facet, wanted(facet, values)) === null)) {
    return 'a dataset counts several raw values for what is asked: subjects having both would be counted twice';
  }
  return null;
}
