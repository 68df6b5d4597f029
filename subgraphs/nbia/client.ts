/**
 * The NBIA v4 calls the adapter makes, over NativeHttp (timeouts, HTTP errors, HTML pages and malformed JSON become
 * RepositoryErrors naming the repository), with typed results. Nothing else: no mapping, no caching.
 * Parameter names are case-sensitive and checked against an allow-list by the server (README §7.3), so each call
 * sends exactly the documented names.
 */
import { NativeHttp } from '../sdk/native-http';
import type { CollectionValueRow, PatientRow, PatientStudyRow, SeriesRow, SimpleSearchCriterion, SimpleSearchResult, ValueAndCountRow } from './native-types';
import {
  parseCollectionValues, parsePatients, parsePatientStudies, parseSeries, parseSimpleSearch, parseValues, parseValuesAndCounts,
} from './parse';

export type CountedAttribute = 'Collection' | 'Modality' | 'BodyPart' | 'Manufacturer';

export interface SeriesQuery {
  Collection?: string;
  PatientID?: string;
  StudyInstanceUID?: string;
  SeriesInstanceUID?: string;
  Modality?: string;
  BodyPartExamined?: string;
  Manufacturer?: string;
  ManufacturerModelName?: string;
}

export interface SimpleSearchPaging {
  sortField: 'subject' | 'study' | 'series' | 'collection' | 'totalNumberOfStudies' | 'totalNumberOfSeries';
  sortDirection: 'ascending' | 'descending';
  start: number;
  size: number;
}

export interface NbiaClientOptions {
  repositoryId: string;
  /** The v4 base URL, e.g. https://nbia.cancerimagingarchive.net/nbia-api/services/v4 */
  baseUrl: string;
  timeoutMs: number;
  /** v4 needs none; a "Bearer …" token for a server that still requires one (§2a NBIA v2). */
  credentials?: string;
}

export class NbiaClient {
  private readonly http: NativeHttp;
  readonly repositoryId: string;

  constructor(options: NbiaClientOptions) {
    this.repositoryId = options.repositoryId;
    this.http = new NativeHttp({ ...options, connections: 8 });
  }

  /** Native answers received so far (NativeHttp.answered). */
  get answered(): number {
    return this.http.answered;
  }

  async collectionValues(): Promise<CollectionValueRow[]> {
    return parseCollectionValues(await this.http.getJson('/getCollectionValues'), this.repositoryId);
  }

  async modalityValues(query: { Collection?: string; BodyPartExamined?: string } = {}): Promise<string[]> {
    return parseValues(await this.http.getJson('/getModalityValues', { ...query }), this.repositoryId, 'getModalityValues', 'Modality');
  }

  async bodyPartValues(query: { Collection?: string; Modality?: string } = {}): Promise<string[]> {
    return parseValues(await this.http.getJson('/getBodyPartValues', { ...query }), this.repositoryId, 'getBodyPartValues', 'BodyPartExamined');
  }

  async manufacturerValues(query: { Collection?: string; Modality?: string; BodyPartExamined?: string } = {}): Promise<string[]> {
    return parseValues(await this.http.getJson('/getManufacturerValues', { ...query }), this.repositoryId, 'getManufacturerValues', 'Manufacturer');
  }

  /** getPatient: the parameter is `PatientId` (§7.3). */
  async patients(query: { Collection?: string; PatientId?: string } = {}): Promise<PatientRow[]> {
    return parsePatients(await this.http.getJson('/getPatient', { ...query }), this.repositoryId);
  }

  /** getPatientStudy: Collection is required (§2a). */
  async patientStudies(query: { Collection: string; PatientID?: string; StudyInstanceUID?: string }): Promise<PatientStudyRow[]> {
    return parsePatientStudies(await this.http.getJson('/getPatientStudy', { ...query }), this.repositoryId);
  }

  async series(query: SeriesQuery = {}): Promise<SeriesRow[]> {
    return parseSeries(await this.http.getJson('/getSeries', { ...query }), this.repositoryId);
  }

  async valuesAndCounts(attribute: CountedAttribute, query: { Collection?: string; Modality?: string; BodyPartExamined?: string } = {}): Promise<ValueAndCountRow[]> {
    const call = `get${attribute}ValuesAndCounts`;
    return parseValuesAndCounts(await this.http.getJson(`/${call}`, { ...query }), this.repositoryId, call, attribute);
  }

  /**
   * POST getSimpleSearch. Criteria go as indexed pairs from 0 with no gap (the server stops at the first missing
   * index); the four paging fields are always sent because the server throws without them (§7.3).
   */
  async simpleSearch(criteria: readonly SimpleSearchCriterion[], paging: SimpleSearchPaging): Promise<SimpleSearchResult> {
    const form: Record<string, string> = {};
    criteria.forEach((criterion, i) => {
      form[`criteriaType${i}`] = criterion.type;
      form[`value${i}`] = criterion.value;
    });
    Object.assign(form, { sortField: paging.sortField, sortDirection: paging.sortDirection, start: String(paging.start), size: String(paging.size) });
    return parseSimpleSearch(await this.http.postForm('/getSimpleSearch', form), this.repositoryId);
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}
