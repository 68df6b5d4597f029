/**
 * A series' retrieve reference, made when it is read rather than kept: in a harvested index of hundreds of
 * thousands of series, each series' URL (the PACS root, the study and series UIDs: about 180 characters) and its
 * object were a large part of the index's memory (bench:index-memory). The series keeps what its URL is built from
 * (strings it shares with its study and its adapter) in a private field, and `retrieve` is a getter of its class,
 * so GraphQL and the europe subgraph read it as any field, and JSON has it. A spread copy (`{ ...series }`) has no
 * `retrieve`: read it, don't spread the record.
 */
import type { RetrieveProtocol } from '../../schema/generated/graphql';
import type { SeriesRecord } from './records';

export type SeriesFields = Omit<SeriesRecord, 'retrieve'>;

/** A maker of lazy series, as lazyRetrieve returns it. */
export type LazySeriesMaker = (series: SeriesFields, a?: string, b?: string, c?: string) => SeriesRecord;

/** What a lazy series was made from, so that a compact index can store it and make it again (case-index.ts). */
export interface LazyRetrieveParts {
  make: LazySeriesMaker;
  a: string;
  b: string;
  c: string;
}

const PARTS = Symbol('lazy retrieve parts');

/** The maker and strings of a series lazyRetrieve made; undefined for any other series record. */
export function lazyRetrieveParts(series: SeriesRecord): LazyRetrieveParts | undefined {
  const parts = (series as { [PARTS]?: () => LazyRetrieveParts })[PARTS];
  return parts ? parts.call(series) : undefined;
}

/**
 * A maker of series whose retrieve reference of `protocol` is built when read: its URL by `urlOf` from the series
 * and up to three strings each series is given (kept as fields, not an array: a pointer each).
 */
export function lazyRetrieve(
  protocol: RetrieveProtocol, urlOf: (series: SeriesFields, a: string, b: string, c: string) => string,
): LazySeriesMaker {
  const make: LazySeriesMaker = (series, a = '', b = '', c = '') => new LazyRetrieveSeries(series, a, b, c) as unknown as SeriesRecord;
  class LazyRetrieveSeries {
    readonly #a: string;
    readonly #b: string;
    readonly #c: string;

    constructor(fields: SeriesFields, a: string, b: string, c: string) {
      Object.assign(this, fields);
      this.#a = a;
      this.#b = b;
      this.#c = c;
    }

    get retrieve(): SeriesRecord['retrieve'] {
      return { protocol, url: urlOf(this as unknown as SeriesFields, this.#a, this.#b, this.#c) };
    }

    [PARTS](): LazyRetrieveParts {
      return { make, a: this.#a, b: this.#b, c: this.#c };
    }

    /** Serialised with its reference, as a record that held it would be. */
    toJSON(): SeriesRecord {
      return { ...(this as unknown as SeriesFields), retrieve: this.retrieve };
    }
  }
  return make;
}

/**
 * WADO-RS (PS3.18 10.4): a series of a study below a DICOMweb root, given as the root and the Study Instance UID.
 * One maker for every adapter that links to DICOMweb (a PACS, a FHIR ImagingStudy's Endpoint).
 */
export const withWadoRs = lazyRetrieve('DICOMWEB_WADO_RS', (series, root, studyUid) => `${root}/studies/${studyUid}/series/${series.uid}`);
