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
  const tally = new CohortTally();
  for (const record of records) {
    const matched = matchCase(record, filter);
    if (!matched) continue;
    tally.beginCase(record);
    for (const study of matched) {
      tally.addStudy();
      for (const s of study.series) tally.addSeries(s.modality ?? 'UNKNOWN', s.bodyPart, manufacturerVendor(s.manufacturer) ?? 'UNKNOWN', s.instanceCount);
    }
    tally.endCase();
  }
  return tally.result(report);
}

/**
 * The counts and facets of a cohort, case by case: cohortOf over records and the compact index (case-index.ts)
 * count through this one tally. A case's series name few distinct values: arrays searched in place cost less than
 * a Set per case (this runs for every case of an index at every distinct filter).
 */
export class CohortTally {
  private subjects = 0;
  private studies = 0;
  private series = 0;
  private images = 0;
  private readonly facets = new FacetCounter();
  private modalities: string[] = [];
  private bodyParts: string[] = [];
  private vendors: string[] = [];

  /** A matching case; its matched studies and series follow, then endCase. */
  beginCase(record: CaseRecord): void {
    this.subjects++;
    this.facets.addOne('sex', record.sex ?? 'UNKNOWN');
    this.facets.addOne('cancerSite', record.diagnosis?.cancerSite ?? 'UNKNOWN');
    this.facets.addOne('ageBand', ageBand(record.ageAtDiagnosis));
    this.modalities = [];
    this.bodyParts = [];
    this.vendors = [];
  }

  addStudy(): void {
    this.studies++;
  }

  /** A matched series, by its facet values (modality or UNKNOWN, body part, vendor or UNKNOWN). */
  addSeries(modality: string, bodyPart: string, vendor: string, instanceCount: number | null | undefined): void {
    this.series++;
    this.images += instanceCount ?? 0;
    pushDistinct(this.modalities, modality);
    pushDistinct(this.bodyParts, bodyPart);
    pushDistinct(this.vendors, vendor);
  }

  endCase(): void {
    this.facets.addDistinct('modality', this.modalities);
    this.facets.addDistinct('bodyPart', this.bodyParts);
    this.facets.addDistinct('manufacturer', this.vendors);
  }

  result(report: FilterReport): CohortRecord {
    return { subjects: this.subjects, studies: this.studies, series: this.series, images: this.images, facets: this.facets.result(), ...reportFields(report) };
  }
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
