/**
 * Evaluates a CaseFilter over unified records, for adapters that hold an index or whose native API cannot
 * evaluate a criterion. Semantics (schema/cancer-case.graphql): image criteria select series; a study counts when
 * one of its series is selected; a case matches when its clinical criteria hold and, if image criteria are set,
 * one of its series is selected.
 */
import type { FilterCriterion } from '../../schema/generated/graphql';
import { manufacturerMatcher, manufacturerVendor } from '../../schema/codes/manufacturer';
import type { NormalizedFilter } from './filter';
import { inRange } from './filter';
import { ageBand, FacetCounter } from './facets';
import type { CaseRecord, CohortRecord, FullCaseRecord, SeriesRecord, StudyRecord } from './records';
import type { FilterReport } from './report';

export function hasImageCriteria(filter: NormalizedFilter): boolean {
  return Boolean(filter.modalities || filter.bodyParts || filter.manufacturers);
}

/** One matcher per filter's manufacturer list, however many series it is tried on. */
const manufacturerMatchers = new WeakMap<readonly string[], (raw: string | null | undefined) => boolean>();

function matchesManufacturer(raw: string | null | undefined, values: readonly string[]): boolean {
  let matcher = manufacturerMatchers.get(values);
  if (!matcher) manufacturerMatchers.set(values, (matcher = manufacturerMatcher(values)));
  return matcher(raw);
}

export function seriesMatches(series: SeriesRecord, filter: NormalizedFilter): boolean {
  if (filter.modalities && !(series.modality && filter.modalities.includes(series.modality))) return false;
  if (filter.bodyParts && !filter.bodyParts.includes(series.bodyPart)) return false;
  if (filter.manufacturers && !matchesManufacturer(series.manufacturer, filter.manufacturers)) return false;
  return true;
}

export function clinicalMatches(record: CaseRecord, filter: NormalizedFilter): boolean {
  if (filter.cancerSites && !filter.cancerSites.includes(record.diagnosis?.cancerSite ?? 'UNKNOWN')) return false;
  if (filter.sex && !filter.sex.includes(record.sex ?? 'UNKNOWN')) return false;
  if (filter.collections && !(record.collection && filter.collections.includes(record.collection))) return false;
  if (!inRange(record.ageAtDiagnosis, filter.ageAtDiagnosis)) return false;
  if (!inRange(record.diagnosis?.yearOfDiagnosis, filter.yearOfDiagnosis)) return false;
  return true;
}

export interface MatchedStudy {
  study: StudyRecord;
  series: SeriesRecord[];
}

/** The studies and series of a case that the filter selects; null when the case does not match. */
export function matchCase(record: FullCaseRecord, filter: NormalizedFilter): MatchedStudy[] | null {
  if (!clinicalMatches(record, filter)) return null;
  const imageCriteria = hasImageCriteria(filter);
  const matched: MatchedStudy[] = [];
  for (const study of record.studies) {
    const series = imageCriteria ? study.series.filter((s) => seriesMatches(s, filter)) : study.series;
    if (!imageCriteria || series.length > 0) matched.push({ study, series });
  }
  return imageCriteria && matched.length === 0 ? null : matched;
}

/** Counts and facets of the cases a filter selects. */
export function cohortOf(records: readonly FullCaseRecord[], filter: NormalizedFilter, report: FilterReport): CohortRecord {
  let subjects = 0;
  let studies = 0;
  let seriesCount = 0;
  let images = 0;
  const facets = new FacetCounter();
  for (const record of records) {
    const matched = matchCase(record, filter);
    if (!matched) continue;
    subjects++;
    studies += matched.length;
    facets.addOne('sex', record.sex ?? 'UNKNOWN');
    facets.addOne('cancerSite', record.diagnosis?.cancerSite ?? 'UNKNOWN');
    facets.addOne('ageBand', ageBand(record.ageAtDiagnosis));
    // A case's series name few distinct values: arrays searched in place cost less than a Set per case (this loop
    // runs for every case of an index at every distinct filter).
    const modalities: string[] = [];
    const bodyParts: string[] = [];
    const vendors: string[] = [];
    for (const study of matched) {
      for (const s of study.series) {
        seriesCount++;
        images += s.instanceCount ?? 0;
        pushDistinct(modalities, s.modality ?? 'UNKNOWN');
        pushDistinct(bodyParts, s.bodyPart);
        pushDistinct(vendors, manufacturerVendor(s.manufacturer) ?? 'UNKNOWN');
      }
    }
    facets.addDistinct('modality', modalities);
    facets.addDistinct('bodyPart', bodyParts);
    facets.addDistinct('manufacturer', vendors);
  }
  return { subjects, studies, series: seriesCount, images, facets: facets.result(), ...reportFields(report) };
}

function pushDistinct(values: string[], value: string): void {
  if (!values.includes(value)) values.push(value);
}

export function reportFields(report: FilterReport): Pick<CohortRecord, 'exact' | 'filtersApplied' | 'filtersNotApplied'> {
  return {
    exact: report.notApplied.length === 0 && report.exact !== false,
    filtersApplied: report.applied,
    filtersNotApplied: report.notApplied,
  };
}

export type { FilterCriterion };
