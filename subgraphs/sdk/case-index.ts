/**
 * A harvested index of cases held in columns: the compact form of the FullCaseRecord[] an adapter maps from a
 * whole repository (DICOMweb, NBIA, XNAT). Held as record objects, a series cost about 290 bytes of heap (its
 * object, its UID string, its retrieve strings, its slot in an array); here it is about 70: typed arrays of
 * numbers, UIDs packed two characters a byte (packed-strings.ts), and each repeated value (modality, body part,
 * manufacturer, descriptions, dates) kept once in a dictionary.
 *
 * Filters run on the columns without building records: the attributes image criteria and facets read
 * (modality, body part, manufacturer, with their raw forms) take few distinct combinations in a repository, so a
 * filter is tried once per combination (seriesMatches, the same function cohortOf uses) and each series looks its
 * answer up. Counting goes through cohortOf's own tally (evaluate.ts). Records are built only for what a query
 * lists (a page of cases, their studies).
 */
import { manufacturerVendor } from '../../schema/codes/manufacturer';
import type { BodyPart, Modality, RetrieveReference } from '../../schema/generated/graphql';
import { clinicalMatches, CohortTally, hasImageCriteria, seriesMatches } from './evaluate';
import type { NormalizedFilter } from './filter';
import { lazyRetrieveParts, type LazySeriesMaker, type SeriesFields } from './lazy-retrieve';
import { PackedStrings } from './packed-strings';
import type { CaseRecord, CohortRecord, FullCaseRecord, SeriesRecord, StudyRecord } from './records';
import type { FilterReport } from './report';

/** The attributes of a series that filters and facets read, and their raw forms, as one dictionary entry. */
interface SeriesKind {
  modality: Modality | null;
  modalityRaw: string | null;
  bodyPart: BodyPart;
  bodyPartRaw: string | null;
  manufacturer: string | null;
  /** The facet values the tally counts: modality or UNKNOWN, vendor or UNKNOWN. */
  modalityFacet: string;
  vendor: string;
}

/** Values kept once each; positions stored in the columns. */
class Dictionary<T> {
  readonly values: T[] = [];
  private positions: Map<string, number> | undefined = new Map();

  positionOf(key: string, value: () => T): number {
    const positions = this.positions as Map<string, number>;
    let at = positions.get(key);
    if (at === undefined) positions.set(key, (at = this.values.push(value()) - 1));
    return at;
  }

  /** Drops the lookup once building is done: only the values are read afterwards. */
  seal(): void {
    this.positions = undefined;
  }
}

/** Strings of a dictionary keyed by themselves (null apart from every string). */
function stringKey(value: string | null | undefined): string {
  return value === null || value === undefined ? '\u0000' : `=${value}`;
}

/** NaN stands for null in the number columns. */
function numberOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export class CaseIndex {
  /** Each case without its studies, sorted by subject id (code-unit order, the order cursors rely on). */
  private readonly heads: CaseRecord[];
  private readonly caseStudies: Uint32Array;

  private readonly studyUids = new PackedStrings();
  private readonly studyDates: Uint32Array;
  private readonly studyDescriptions: Uint32Array;
  private readonly studyModalities: Uint32Array;
  private readonly studyBodyParts: Uint32Array;
  private readonly studySeriesCounts: Float64Array;
  private readonly studyInstanceCounts: Float64Array;
  private readonly studySeries: Uint32Array;

  private readonly seriesUids = new PackedStrings();
  private readonly seriesKinds: Uint32Array;
  private readonly seriesDescriptions: Uint32Array;
  private readonly seriesInstanceCounts: Float64Array;
  private readonly seriesSizes: Float64Array;
  /** 0: the series' retrieve is in `plainRetrieves`; n: made by makers[n - 1] from its three strings. */
  private readonly seriesMakers: Uint8Array;
  private readonly seriesRetrieveStrings: Uint32Array;
  private readonly plainRetrieves = new Map<number, RetrieveReference | null>();
  private readonly makers: LazySeriesMaker[] = [];

  private readonly texts = new Dictionary<string | null>();
  private readonly valueLists = new Dictionary<readonly string[]>();
  private readonly kinds = new Dictionary<SeriesKind>();
  private readonly retrieveStrings = new PackedStrings();

  /** Builds the index of `records` (sorted by subject id here when they are not). */
  static from(records: readonly FullCaseRecord[]): CaseIndex {
    return new CaseIndex(isSortedBySubject(records) ? records : [...records].sort(bySubject));
  }

  private constructor(records: readonly FullCaseRecord[]) {
    let studies = 0;
    let series = 0;
    for (const record of records) {
      studies += record.studies.length;
      for (const study of record.studies) series += study.series.length;
    }
    this.heads = new Array<CaseRecord>(records.length);
    this.caseStudies = new Uint32Array(records.length + 1);
    this.studyDates = new Uint32Array(studies);
    this.studyDescriptions = new Uint32Array(studies);
    this.studyModalities = new Uint32Array(studies);
    this.studyBodyParts = new Uint32Array(studies);
    this.studySeriesCounts = new Float64Array(studies);
    this.studyInstanceCounts = new Float64Array(studies);
    this.studySeries = new Uint32Array(studies + 1);
    this.seriesKinds = new Uint32Array(series);
    this.seriesDescriptions = new Uint32Array(series);
    this.seriesInstanceCounts = new Float64Array(series);
    this.seriesSizes = new Float64Array(series);
    this.seriesMakers = new Uint8Array(series);
    this.seriesRetrieveStrings = new Uint32Array(series * 3);

    const diagnoses = new Dictionary<CaseRecord['diagnosis']>();
    const retrieveStringPositions = new Map<string, number>();
    const retrieveString = (value: string): number => {
      let at = retrieveStringPositions.get(value);
      if (at === undefined) retrieveStringPositions.set(value, (at = this.retrieveStrings.push(value)));
      return at;
    };
    let study = 0;
    let seriesAt = 0;
    records.forEach((record, c) => {
      const { studies: _studies, diagnosis, ...head } = record;
      // Identical diagnoses (a collection's cancer site, as DICOM repositories derive it) are kept once.
      this.heads[c] = { ...head, diagnosis: diagnosis ? diagnoses.values[diagnoses.positionOf(JSON.stringify(diagnosis), () => diagnosis)] : diagnosis };
      this.caseStudies[c] = study;
      for (const s of record.studies) {
        this.studyUids.push(s.uid);
        this.studyDates[study] = this.text(s.date);
        this.studyDescriptions[study] = this.text(s.description);
        this.studyModalities[study] = this.valueList(s.modalities);
        this.studyBodyParts[study] = this.valueList(s.bodyParts);
        this.studySeriesCounts[study] = s.seriesCount ?? NaN;
        this.studyInstanceCounts[study] = s.instanceCount ?? NaN;
        this.studySeries[study] = seriesAt;
        for (const one of s.series) {
          this.seriesUids.push(one.uid);
          this.seriesKinds[seriesAt] = this.kindOf(one);
          this.seriesDescriptions[seriesAt] = this.text(one.description);
          this.seriesInstanceCounts[seriesAt] = one.instanceCount ?? NaN;
          this.seriesSizes[seriesAt] = one.sizeBytes ?? NaN;
          const parts = lazyRetrieveParts(one);
          if (parts) {
            let maker = this.makers.indexOf(parts.make);
            if (maker < 0) maker = this.makers.push(parts.make) - 1;
            this.seriesMakers[seriesAt] = maker + 1;
            this.seriesRetrieveStrings[seriesAt * 3] = retrieveString(parts.a);
            this.seriesRetrieveStrings[seriesAt * 3 + 1] = retrieveString(parts.b);
            this.seriesRetrieveStrings[seriesAt * 3 + 2] = retrieveString(parts.c);
          } else {
            this.plainRetrieves.set(seriesAt, one.retrieve ?? null);
          }
          seriesAt++;
        }
        study++;
      }
    });
    this.caseStudies[records.length] = study;
    this.studySeries[studies] = seriesAt;
    if (this.makers.length > 255) throw new Error('a case index holds series of at most 255 retrieve makers');
    this.studyUids.trim();
    this.seriesUids.trim();
    this.retrieveStrings.trim();
    this.texts.seal();
    this.valueLists.seal();
    this.kinds.seal();
  }

  /** Number of cases. */
  get size(): number {
    return this.heads.length;
  }

  get seriesCount(): number {
    return this.seriesKinds.length;
  }

  /** A case without its studies (a copy: the caller may change it). */
  head(at: number): CaseRecord {
    return { ...this.heads[at] };
  }

  /** A case with its studies and series, built now. */
  record(at: number): FullCaseRecord {
    return { ...this.heads[at], studies: this.studiesOf(at) };
  }

  /** Every case with its studies, built now: for what reads a whole repository seldom (collections). */
  records(): FullCaseRecord[] {
    return this.heads.map((_, at) => this.record(at));
  }

  /** Position of the case with this subject id, or -1. */
  find(subjectId: string): number {
    const at = this.firstAfterOrAt(subjectId, 0, this.heads.length, (i) => this.heads[i].subjectId);
    return at < this.heads.length && this.heads[at].subjectId === subjectId ? at : -1;
  }

  /** Positions of the cases the filter selects (matchCase's semantics), in subject order. */
  matching(filter: NormalizedFilter): number[] {
    const selected = this.seriesSelection(filter);
    const matches: number[] = [];
    for (let c = 0; c < this.heads.length; c++) {
      if (!clinicalMatches(this.heads[c], filter)) continue;
      if (selected && !this.anySeriesSelected(this.caseStudies[c], this.caseStudies[c + 1], selected)) continue;
      matches.push(c);
    }
    return matches;
  }

  /** Counts and facets of the cases the filter selects: cohortOf's answer for these records. */
  cohort(filter: NormalizedFilter, report: FilterReport): CohortRecord {
    const selected = this.seriesSelection(filter);
    const kinds = this.kinds.values;
    const tally = new CohortTally();
    for (let c = 0; c < this.heads.length; c++) {
      const head = this.heads[c];
      if (!clinicalMatches(head, filter)) continue;
      let begun = false;
      for (let study = this.caseStudies[c]; study < this.caseStudies[c + 1]; study++) {
        const end = this.studySeries[study + 1];
        let first = this.studySeries[study];
        // With image criteria a study counts from its first selected series; without, every study counts.
        if (selected) while (first < end && !selected[this.seriesKinds[first]]) first++;
        if (selected && first === end) continue;
        if (!begun) tally.beginCase(head);
        begun = true;
        tally.addStudy();
        for (let s = first; s < end; s++) {
          const kind = kinds[this.seriesKinds[s]];
          if (selected && !selected[this.seriesKinds[s]]) continue;
          tally.addSeries(kind.modalityFacet, kind.bodyPart, kind.vendor, numberOrNull(this.seriesInstanceCounts[s]));
        }
      }
      // A case without studies matches a filter without image criteria.
      if (!begun && !selected) tally.beginCase(head);
      if (begun || !selected) tally.endCase();
    }
    return tally.result(report);
  }

  /** Position of the first of `positions` (cases in subject order) whose subject id is after `key`. */
  firstAfter(positions: readonly number[], key: string): number {
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.heads[positions[mid]].subjectId <= key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * Every study's UID and counts, its series built when asked: an incremental refresh keeps the series of the
   * studies whose counts did not change (DICOMweb).
   */
  studySummaries(): Array<{ uid: string; seriesCount: number | null; instanceCount: number | null; series: () => SeriesRecord[] }> {
    return Array.from({ length: this.studySeriesCounts.length }, (_, study) => ({
      uid: this.studyUids.get(study) as string,
      seriesCount: numberOrNull(this.studySeriesCounts[study]),
      instanceCount: numberOrNull(this.studyInstanceCounts[study]),
      series: () => this.seriesOf(study),
    }));
  }

  /** A case's studies and their series, built now. */
  studiesOf(at: number): StudyRecord[] {
    const studies: StudyRecord[] = [];
    for (let study = this.caseStudies[at]; study < this.caseStudies[at + 1]; study++) {
      studies.push({
        uid: this.studyUids.get(study) as string,
        date: this.texts.values[this.studyDates[study]],
        description: this.texts.values[this.studyDescriptions[study]],
        modalities: [...this.valueLists.values[this.studyModalities[study]]] as Modality[],
        bodyParts: [...this.valueLists.values[this.studyBodyParts[study]]] as BodyPart[],
        seriesCount: numberOrNull(this.studySeriesCounts[study]),
        instanceCount: numberOrNull(this.studyInstanceCounts[study]),
        series: this.seriesOf(study),
      });
    }
    return studies;
  }

  private seriesOf(study: number): SeriesRecord[] {
    const series: SeriesRecord[] = [];
    for (let s = this.studySeries[study]; s < this.studySeries[study + 1]; s++) {
      const kind = this.kinds.values[this.seriesKinds[s]];
      const fields: SeriesFields = {
        uid: this.seriesUids.get(s) as string,
        modality: kind.modality,
        modalityRaw: kind.modalityRaw,
        bodyPart: kind.bodyPart,
        bodyPartRaw: kind.bodyPartRaw,
        manufacturer: kind.manufacturer,
        description: this.texts.values[this.seriesDescriptions[s]],
        instanceCount: numberOrNull(this.seriesInstanceCounts[s]),
        sizeBytes: numberOrNull(this.seriesSizes[s]),
      };
      const maker = this.seriesMakers[s];
      if (maker === 0) {
        series.push({ ...fields, retrieve: this.plainRetrieves.get(s) ?? null });
        continue;
      }
      const [a, b, c] = [0, 1, 2].map((i) => this.retrieveStrings.get(this.seriesRetrieveStrings[s * 3 + i]) as string);
      series.push(this.makers[maker - 1](fields, a, b, c));
    }
    return series;
  }

  /** Per series kind, whether the filter's image criteria select it; null when the filter has none. */
  private seriesSelection(filter: NormalizedFilter): Uint8Array | null {
    if (!hasImageCriteria(filter)) return null;
    const kinds = this.kinds.values;
    const selected = new Uint8Array(kinds.length);
    for (let k = 0; k < kinds.length; k++) selected[k] = seriesMatches(kinds[k] as unknown as SeriesRecord, filter) ? 1 : 0;
    return selected;
  }

  private anySeriesSelected(fromStudy: number, toStudy: number, selected: Uint8Array): boolean {
    for (let s = this.studySeries[fromStudy]; s < this.studySeries[toStudy]; s++) if (selected[this.seriesKinds[s]]) return true;
    return false;
  }

  private firstAfterOrAt(key: string, low: number, high: number, keyAt: (i: number) => string): number {
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (keyAt(mid) < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private text(value: string | null | undefined): number {
    return this.texts.positionOf(stringKey(value), () => value ?? null);
  }

  private valueList(values: readonly string[]): number {
    return this.valueLists.positionOf(values.join('\u0000'), () => [...values]);
  }

  private kindOf(series: SeriesRecord): number {
    const key = [series.modality, series.modalityRaw, series.bodyPart, series.bodyPartRaw, series.manufacturer].map(stringKey).join('\u0001');
    return this.kinds.positionOf(key, () => ({
      modality: series.modality ?? null,
      modalityRaw: series.modalityRaw ?? null,
      bodyPart: series.bodyPart,
      bodyPartRaw: series.bodyPartRaw ?? null,
      manufacturer: series.manufacturer ?? null,
      modalityFacet: series.modality ?? 'UNKNOWN',
      vendor: manufacturerVendor(series.manufacturer) ?? 'UNKNOWN',
    }));
  }
}

function bySubject(a: { subjectId: string }, b: { subjectId: string }): number {
  return a.subjectId < b.subjectId ? -1 : a.subjectId > b.subjectId ? 1 : 0;
}

function isSortedBySubject(records: readonly FullCaseRecord[]): boolean {
  for (let i = 1; i < records.length; i++) if (records[i - 1].subjectId > records[i].subjectId) return false;
  return true;
}
