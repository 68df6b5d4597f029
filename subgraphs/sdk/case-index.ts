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
import { sortBySubject } from './index-pages';
import { PackedStrings } from './packed-strings';
import type { CaseOutline, CaseRecord, CohortRecord, FullCaseRecord, SeriesRecord, StudyRecord } from './records';
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

type NumberKind = 'none' | 'whole' | 'any';

/** Strings of a dictionary keyed by themselves (null apart from every string). */
function stringKey(value: string | null | undefined): string {
  return value === null || value === undefined ? '\u0000' : `=${value}`;
}

/**
 * A column of nullable numbers in as few bytes as its values need: none when every one is null, 4 each when all are
 * whole and from 0 to 2^31 - 1 (counts), else 8.
 */
class NullableNumbers {
  private readonly whole?: Int32Array;
  private readonly any?: Float64Array;

  /** What a column holding `values` needs (see NullableNumbers); fold over the values, starting from 'none'. */
  static widen(kind: NumberKind, value: number | null | undefined): NumberKind {
    if (value === null || value === undefined || kind === 'any') return kind;
    return Number.isInteger(value) && value >= 0 && value <= 0x7fffffff ? 'whole' : 'any';
  }

  constructor(length: number, kind: NumberKind) {
    // -1 and NaN stand for null.
    if (kind === 'whole') this.whole = new Int32Array(length).fill(-1);
    if (kind === 'any') this.any = new Float64Array(length).fill(NaN);
  }

  set(at: number, value: number | null | undefined): void {
    if (value === null || value === undefined) return;
    if (this.whole) this.whole[at] = value;
    else if (this.any) this.any[at] = value;
  }

  get(at: number): number | null {
    if (this.whole) return this.whole[at] < 0 ? null : this.whole[at];
    if (this.any) return Number.isNaN(this.any[at]) ? null : this.any[at];
    return null;
  }
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
  private readonly studySeriesCounts: NullableNumbers;
  private readonly studyInstanceCounts: NullableNumbers;
  private readonly studySeries: Uint32Array;

  private readonly seriesUids = new PackedStrings();
  private readonly seriesKinds: Uint32Array;
  private readonly seriesDescriptions: Uint32Array;
  private readonly seriesInstanceCounts: NullableNumbers;
  private readonly seriesSizes: NullableNumbers;
  /** 0: the series' retrieve is in `plainRetrieves`; n: made as lazy retrieve n - 1 says. */
  private readonly seriesRetrieves: Uint32Array;
  private readonly plainRetrieves = new Map<number, RetrieveReference | null>();
  /**
   * Each distinct lazy retrieve (one per study in DICOMweb, per series in XNAT) as four numbers: its maker's
   * position in `makers`, then its three strings' positions in `retrieveStrings`.
   */
  private readonly lazyRetrieves: Uint32Array;
  private readonly makers: LazySeriesMaker[] = [];

  private readonly texts = new Dictionary<string | null>();
  private readonly valueLists = new Dictionary<readonly string[]>();
  private readonly kinds = new Dictionary<SeriesKind>();
  private readonly retrieveStrings = new PackedStrings();

  /** Builds the index of `records`, sorted here by subject id (harvests need not sort them). */
  static from(records: readonly FullCaseRecord[]): CaseIndex {
    return new CaseIndex(sortBySubject([...records]));
  }

  private constructor(records: readonly FullCaseRecord[]) {
    let studies = 0;
    let series = 0;
    const kinds: Record<'studySeries' | 'studyInstances' | 'seriesInstances' | 'seriesSizes', NumberKind> = {
      studySeries: 'none', studyInstances: 'none', seriesInstances: 'none', seriesSizes: 'none',
    };
    for (const record of records) {
      studies += record.studies.length;
      for (const study of record.studies) {
        series += study.series.length;
        kinds.studySeries = NullableNumbers.widen(kinds.studySeries, study.seriesCount);
        kinds.studyInstances = NullableNumbers.widen(kinds.studyInstances, study.instanceCount);
        for (const one of study.series) {
          kinds.seriesInstances = NullableNumbers.widen(kinds.seriesInstances, one.instanceCount);
          kinds.seriesSizes = NullableNumbers.widen(kinds.seriesSizes, one.sizeBytes);
        }
      }
    }
    this.heads = new Array<CaseRecord>(records.length);
    this.caseStudies = new Uint32Array(records.length + 1);
    this.studyDates = new Uint32Array(studies);
    this.studyDescriptions = new Uint32Array(studies);
    this.studyModalities = new Uint32Array(studies);
    this.studyBodyParts = new Uint32Array(studies);
    this.studySeriesCounts = new NullableNumbers(studies, kinds.studySeries);
    this.studyInstanceCounts = new NullableNumbers(studies, kinds.studyInstances);
    this.studySeries = new Uint32Array(studies + 1);
    this.seriesKinds = new Uint32Array(series);
    this.seriesDescriptions = new Uint32Array(series);
    this.seriesInstanceCounts = new NullableNumbers(series, kinds.seriesInstances);
    this.seriesSizes = new NullableNumbers(series, kinds.seriesSizes);
    this.seriesRetrieves = new Uint32Array(series);

    const diagnoses = new Dictionary<CaseRecord['diagnosis']>();
    const lazyRetrievePositions = new Map<string, number>();
    const lazyRetrieves: number[] = [];
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
        this.studySeriesCounts.set(study, s.seriesCount);
        this.studyInstanceCounts.set(study, s.instanceCount);
        this.studySeries[study] = seriesAt;
        for (const one of s.series) {
          this.seriesUids.push(one.uid);
          this.seriesKinds[seriesAt] = this.kindOf(one);
          this.seriesDescriptions[seriesAt] = this.text(one.description);
          this.seriesInstanceCounts.set(seriesAt, one.instanceCount);
          this.seriesSizes.set(seriesAt, one.sizeBytes);
          const parts = lazyRetrieveParts(one);
          if (parts) {
            let maker = this.makers.indexOf(parts.make);
            if (maker < 0) maker = this.makers.push(parts.make) - 1;
            const tuple = [maker, retrieveString(parts.a), retrieveString(parts.b), retrieveString(parts.c)];
            const key = tuple.join(' ');
            let at = lazyRetrievePositions.get(key);
            if (at === undefined) lazyRetrievePositions.set(key, (at = lazyRetrieves.push(...tuple) / 4 - 1));
            this.seriesRetrieves[seriesAt] = at + 1;
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
    this.studyUids.trim();
    this.seriesUids.trim();
    this.retrieveStrings.trim();
    this.texts.seal();
    this.valueLists.seal();
    this.kinds.seal();
    this.lazyRetrieves = Uint32Array.from(lazyRetrieves);
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

  /**
   * Every case as collection statistics read it, without UIDs or retrieve references (a repository of 20,000 cases
   * and 250,000 series: 2-9 ms, where building every record takes 250-300 ms).
   */
  outlines(): CaseOutline[] {
    const kinds = this.kinds.values;
    return this.heads.map((head, at) => {
      const studies: CaseOutline['studies'][number][] = [];
      for (let study = this.caseStudies[at]; study < this.caseStudies[at + 1]; study++) {
        const series: SeriesKind[] = [];
        for (let s = this.studySeries[study]; s < this.studySeries[study + 1]; s++) series.push(kinds[this.seriesKinds[s]]);
        studies.push({ modalities: this.valueLists.values[this.studyModalities[study]] as Modality[], series });
      }
      return { subjectId: head.subjectId, collection: head.collection, diagnosis: head.diagnosis, studies };
    });
  }

  /** Position of the case with this subject id, or -1. */
  find(subjectId: string): number {
    const at = firstInOrder(this.heads.length, (i) => this.heads[i].subjectId >= subjectId);
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
          if (selected && !selected[this.seriesKinds[s]]) continue;
          const kind = kinds[this.seriesKinds[s]];
          tally.addSeries(kind.modalityFacet, kind.bodyPart, kind.vendor, this.seriesInstanceCounts.get(s));
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
    return firstInOrder(positions.length, (i) => this.heads[positions[i]].subjectId > key);
  }

  /**
   * Every study's UID and counts, its series built when asked: an incremental refresh keeps the series of the
   * studies whose counts did not change (DICOMweb).
   */
  studySummaries(): Array<{ uid: string; seriesCount: number | null; instanceCount: number | null; series: () => SeriesRecord[] }> {
    return Array.from({ length: this.studyUids.length }, (_, study) => ({
      uid: this.studyUids.get(study) as string,
      seriesCount: this.studySeriesCounts.get(study),
      instanceCount: this.studyInstanceCounts.get(study),
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
        seriesCount: this.studySeriesCounts.get(study),
        instanceCount: this.studyInstanceCounts.get(study),
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
        instanceCount: this.seriesInstanceCounts.get(s),
        sizeBytes: this.seriesSizes.get(s),
      };
      const retrieve = this.seriesRetrieves[s];
      if (retrieve === 0) {
        series.push({ ...fields, retrieve: this.plainRetrieves.get(s) ?? null });
        continue;
      }
      const at = (retrieve - 1) * 4;
      const text = (offset: number) => this.retrieveStrings.get(this.lazyRetrieves[at + offset]) as string;
      series.push(this.makers[this.lazyRetrieves[at]](fields, text(1), text(2), text(3)));
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

/** Binary search: the first of `count` positions where `reached` holds (it holds from some position on), or `count`. */
function firstInOrder(count: number, reached: (at: number) => boolean): number {
  let low = 0;
  let high = count;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (reached(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
