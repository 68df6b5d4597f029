/**
 * DICOMweb repositories (a hospital PACS speaking QIDO-RS). QIDO has no counts, so by default the adapter keeps a
 * harvested series-level index (refreshed after `indexTtlSeconds`) and counts from it exactly; case details come
 * live from the PACS, batched by UID lists. In `live` mode it queries the PACS per request instead, pushing down
 * what QIDO matches and evaluating the rest locally.
 */
import type { CancerSite, FilterCriterion } from '../../schema/generated/graphql';
import type { CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import { collectionsFromCases } from '../sdk/collections';
import { chunk, mapWithConcurrency } from '../sdk/concurrency';
import type { RepositoryEntry } from '../sdk/entry';
import { cohortOf } from '../sdk/evaluate';
import type { NormalizedFilter } from '../sdk/filter';
import { HarvestedIndex } from '../sdk/harvested-index';
import { pageOfMatches } from '../sdk/index-pages';
import { NativeHttp } from '../sdk/native-http';
import type { CaseRecord, CohortRecord, CollectionRecord, FullCaseRecord, StudyRecord } from '../sdk/records';
import { requireAllApplied, splitFilter } from '../sdk/report';
import { QidoClient, type QidoQuery } from './client';
import { integer, Tag, text, type DicomDataset } from './dicom-json';
import { casesFromDicom, type CaseMappingContext } from './mapping';
import type { DicomWebOptions } from './options';
import { dicomSexCode } from '../../schema/codes/sex';

/** PatientID values DICOM matching cannot take literally: wildcards (* ?), the list separator, backslash. */
const UNMATCHABLE = /[*?,\\]/;

/** Study UIDs (or patient ids) per QIDO request: keeps URLs under common 8-16 KB limits. */
const UIDS_PER_REQUEST = 100;
const PARALLEL_REQUESTS = 4;

const EVALUATED: readonly FilterCriterion[] = ['CANCER_SITES', 'SEX', 'AGE_AT_DIAGNOSIS', 'MODALITIES', 'BODY_PARTS', 'MANUFACTURERS', 'COLLECTIONS'];

export class DicomWebAdapter implements RepositoryAdapter {
  private readonly client: QidoClient;
  private readonly http: NativeHttp;
  private readonly context: CaseMappingContext;
  private readonly index: HarvestedIndex<FullCaseRecord[]>;
  private readonly supported: readonly FilterCriterion[];

  constructor(private readonly entry: RepositoryEntry, private readonly options: DicomWebOptions, credentials?: string) {
    this.http = new NativeHttp({ repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials });
    this.client = new QidoClient(this.http);
    const cancerSiteOfCollection = new Map<string, CancerSite>(entry.collections.map((c) => [c.id, c.cancerSite]));
    this.context = {
      repositoryId: entry.id,
      dicomWebRoot: entry.endpoint.replace(/\/$/, ''),
      cancerSiteOfCollection,
      collectionTag: Tag[options.collectionAttribute],
    };
    // Without collection metadata nothing tells a case's cancer site: report the criterion instead of guessing.
    this.supported = cancerSiteOfCollection.size > 0 ? EVALUATED : EVALUATED.filter((c) => c !== 'CANCER_SITES');
    this.index = new HarvestedIndex((previous) => this.fetchCases({}, previous), options.indexTtlSeconds * 1000);
  }

  async cohort(filter: NormalizedFilter, _context: unknown, _options: CohortOptions): Promise<CohortRecord> {
    const { evaluable, report } = this.split(filter);
    return cohortOf(await this.casesFor(evaluable), evaluable, report);
  }

  async cases(filter: NormalizedFilter, page: PageRequest): Promise<CasePage> {
    const { evaluable, report } = this.split(filter);
    requireAllApplied(report, this.entry.id);
    // Index mode lists from the index and loads details live (loadStudies); live mode already has them.
    return pageOfMatches(await this.casesFor(evaluable), evaluable, page, this.entry.id, { withStudies: this.options.mode === 'live' });
  }

  /**
   * Studies of a page of cases, live from the PACS (so studies added since the harvest show): the studies by
   * PatientID list (comma-separated, OR), then their series by StudyInstanceUID list — two QIDO requests per 100
   * cases, not one per case. A PatientID holding a DICOM wildcard or separator cannot be matched literally, so
   * that case's studies are asked for by their indexed UIDs instead.
   */
  async loadStudies(cases: readonly CaseRecord[]): Promise<StudyRecord[][]> {
    const literal = cases.filter((c) => !UNMATCHABLE.test(c.subjectId)).map((c) => c.subjectId);
    const others = cases.filter((c) => UNMATCHABLE.test(c.subjectId));
    const indexed = others.length > 0 ? new Map((await this.index.get()).map((r) => [r.subjectId, r])) : new Map<string, FullCaseRecord>();
    const otherUids = others.flatMap((c) => indexed.get(c.subjectId)?.studies.map((s) => s.uid) ?? []);
    const studies = (await Promise.all([
      mapWithConcurrency(chunk(literal, UIDS_PER_REQUEST), PARALLEL_REQUESTS, (ids) => this.client.allStudies({ PatientID: ids.join(',') }, this.options.pageSize)),
      mapWithConcurrency(chunk(otherUids, UIDS_PER_REQUEST), PARALLEL_REQUESTS, (uids) => this.client.studiesByUid(uids)),
    ])).flat(2);
    const studyUids = studies.map((s) => text(s, Tag.StudyInstanceUID)).filter((uid): uid is string => uid !== null);
    const series = await mapWithConcurrency(chunk(studyUids, UIDS_PER_REQUEST), PARALLEL_REQUESTS, (uids) => this.client.seriesOfStudies(uids));
    const byPatient = new Map(casesFromDicom(studies, groupByStudy(series.flat()), this.context).map((c) => [c.subjectId, c.studies]));
    return cases.map((c) => byPatient.get(c.subjectId) ?? []);
  }

  async collections(): Promise<CollectionRecord[]> {
    return collectionsFromCases(await this.casesFor({}), this.entry.collections);
  }

  async warmUp(): Promise<void> {
    if (this.options.mode !== 'live') await this.index.get();
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private split(filter: NormalizedFilter) {
    return splitFilter(filter, this.supported, (criterion) => criterion === 'YEAR_OF_DIAGNOSIS'
      ? 'DICOM carries no diagnosis date'
      : 'no collection metadata in the federation config maps this PACS\'s collections to cancer sites');
  }

  private async casesFor(filter: NormalizedFilter): Promise<FullCaseRecord[]> {
    if (this.options.mode !== 'live') return this.index.get();
    const query = this.pushDown(filter);
    return query ? this.fetchCases(query) : [];
  }

  /** Harvests the index again now and waits for it (the index otherwise refreshes after indexTtlSeconds). */
  async refreshIndex(): Promise<void> {
    await this.index.refresh();
  }

  /**
   * Studies matching a QIDO query, their series in UID-list batches, grouped into cases. Refreshing an index
   * (`previous`), it asks the series only of studies that are new or whose series or instance counts changed
   * (NumberOfStudyRelatedSeries / -Instances, PS3.18 Table 10.6.3-3): the study listing is the whole cost of a
   * refresh of an unchanged PACS.
   */
  private async fetchCases(query: QidoQuery, previous?: readonly FullCaseRecord[]): Promise<FullCaseRecord[]> {
    const studies = await this.client.allStudies(query, this.options.pageSize);
    const known = new Map((previous ?? []).flatMap((c) => c.studies.map((s) => [s.uid, s] as const)));
    const knownSeries = new Map<string, StudyRecord['series']>();
    const toAsk: string[] = [];
    for (const study of studies) {
      const uid = text(study, Tag.StudyInstanceUID);
      if (uid === null) continue;
      const before = known.get(uid);
      if (before && before.seriesCount === integer(study, Tag.NumberOfStudyRelatedSeries)
        && before.instanceCount === integer(study, Tag.NumberOfStudyRelatedInstances)) knownSeries.set(uid, before.series);
      else toAsk.push(uid);
    }
    const series = await mapWithConcurrency(chunk(toAsk, UIDS_PER_REQUEST), PARALLEL_REQUESTS, (batch) => this.client.seriesOfStudies(batch));
    return casesFromDicom(studies, groupByStudy(series.flat()), this.context, knownSeries);
  }

  /**
   * What QIDO can match at study level (PS3.18 8.3.4, PS3.4 C.2.2.2): comma lists OR together. Everything is
   * still evaluated locally afterwards, so a push-down only narrows what crosses the network. Null when the
   * filter can match nothing here (no collection has the requested cancer sites).
   */
  private pushDown(filter: NormalizedFilter): QidoQuery | null {
    const query: QidoQuery = {};
    // Age at diagnosis is read from the earliest study: dropping studies by modality would change it.
    if (filter.modalities && !filter.ageAtDiagnosis) query.ModalitiesInStudy = filter.modalities.join(',');
    // An empty PatientSex would be universal matching, so UNKNOWN cannot be pushed down.
    if (filter.sex && !filter.sex.includes('UNKNOWN')) query.PatientSex = filter.sex.map(dicomSexCode).join(',');
    const collections = this.collectionsFor(filter);
    // DICOM matching has no escape character: a user value holding a wildcard (* ?), the list separator or a
    // backslash would widen the match, so such a filter is evaluated locally only.
    if (collections && collections.every((c) => !UNMATCHABLE.test(c))) {
      // An empty value would be universal matching (PS3.4 C.2.2.2.3), the opposite of "no collection".
      if (collections.length === 0) return null;
      query.ClinicalTrialProtocolID = collections.join(',');
    }
    return query;
  }

  private collectionsFor(filter: NormalizedFilter): string[] | undefined {
    let collections = filter.collections;
    if (filter.cancerSites && this.supported.includes('CANCER_SITES')) {
      const ofSites = [...this.context.cancerSiteOfCollection].filter(([, site]) => filter.cancerSites?.includes(site)).map(([id]) => id);
      collections = collections ? collections.filter((c) => ofSites.includes(c)) : ofSites;
    }
    return collections;
  }
}

function groupByStudy(series: readonly DicomDataset[]): Map<string, DicomDataset[]> {
  const byStudy = new Map<string, DicomDataset[]>();
  for (const s of series) {
    const uid = text(s, Tag.StudyInstanceUID);
    if (!uid) continue;
    const list = byStudy.get(uid) ?? [];
    list.push(s);
    byStudy.set(uid, list);
  }
  return byStudy;
}

