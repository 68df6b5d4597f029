/**
 * DICOMweb repositories (a hospital PACS speaking QIDO-RS). QIDO has no counts, so by default the adapter keeps a
 * harvested series-level index (refreshed after `indexTtlSeconds`) and counts from it exactly; case details come
 * live from the PACS, batched by UID lists. In `live` mode it queries the PACS per request instead, pushing down
 * what QIDO matches and evaluating the rest locally. Which criteria an answer applied is judged on what the PACS
 * returned (plan.ts): attributes it never sent and cases no collection rule places are reported, not counted as 0.
 */
import type { CancerSite } from '../../schema/generated/graphql';
import type { CasePage, CohortOptions, PageRequest, RepositoryAdapter } from '../sdk/adapter';
import { collectionsFromCases } from '../sdk/collections';
import { chunk, mapWithConcurrency } from '../sdk/concurrency';
import type { RepositoryEntry } from '../sdk/entry';
import type { NormalizedFilter } from '../sdk/filter';
import { firstHarvestWaitMs, HarvestedIndex } from '../sdk/harvested-index';
import { pageOfMatches } from '../sdk/index-pages';
import { NativeHttp } from '../sdk/native-http';
import { CaseIndex } from '../sdk/case-index';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from '../sdk/records';
import { requireAllApplied } from '../sdk/report';
import { QidoClient, type QidoQuery } from './client';
import { casesFromDicom, type CaseMappingContext } from './mapping';
import type { DicomWebOptions } from './options';
import { carriedTags, integer, Tag, text, type DicomDataset } from './parse';
import { CHECKED_SERIES_TAGS, CHECKED_STUDY_TAGS, planCohort, pushDown, type CohortPlan } from './plan';

/** PatientID values DICOM matching cannot take literally: wildcards (* ?), the list separator, backslash. */
const UNMATCHABLE = /[*?,\\]/;

/** Study UIDs (or patient ids) per QIDO request: keeps URLs under common 8-16 KB limits. */
const UIDS_PER_REQUEST = 100;
const PARALLEL_REQUESTS = 4;

/** Cases as harvested, with the checked attributes the PACS returned at least once. */
interface Harvest {
  cases: CaseIndex;
  /** Tags of CHECKED_STUDY_TAGS and CHECKED_SERIES_TAGS some result carried. */
  carried: Set<string>;
}

export class DicomWebAdapter implements RepositoryAdapter {
  private readonly client: QidoClient;
  private readonly http: NativeHttp;
  private readonly context: CaseMappingContext;
  private readonly index: HarvestedIndex<Harvest>;

  constructor(private readonly entry: RepositoryEntry, private readonly options: DicomWebOptions, credentials?: string) {
    this.http = new NativeHttp({ repositoryId: entry.id, baseUrl: entry.endpoint, timeoutMs: entry.timeoutMs, credentials });
    this.client = new QidoClient(this.http);
    this.context = {
      repositoryId: entry.id,
      dicomWebRoot: entry.endpoint.replace(/\/$/, ''),
      cancerSiteOfCollection: new Map<string, CancerSite>(entry.collections.map((c) => [c.id, c.cancerSite])),
      collectionRule: options.collectionFrom,
    };
    this.index = new HarvestedIndex((previous) => this.fetchCases({}, previous), options.indexTtlSeconds * 1000, {
      large: true, firstHarvest: { repositoryId: entry.id, waitMs: firstHarvestWaitMs(entry.timeoutMs), answered: () => this.http.answered },
    });
  }

  async cohort(filter: NormalizedFilter, _context: unknown, _options: CohortOptions): Promise<CohortRecord> {
    const { cases, plan } = await this.planned(filter);
    const cohort = cases.cohort(plan.evaluable, plan.report);
    for (const facet of plan.blankFacets) cohort.facets[facet] = [];
    return cohort;
  }

  async cases(filter: NormalizedFilter, page: PageRequest): Promise<CasePage> {
    const { cases, plan, live } = await this.planned(filter);
    requireAllApplied(plan.report, this.entry.id);
    // Index mode lists from the index and loads details live (loadStudies); live answers already have them.
    return pageOfMatches(cases, plan.evaluable, page, this.entry.id, { withStudies: live });
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
    const indexed = others.length > 0 ? (await this.index.get()).cases : null;
    const otherUids = others.flatMap((c) => {
      const at = indexed?.find(c.subjectId) ?? -1;
      return at < 0 || !indexed ? [] : indexed.studiesOf(at).map((s) => s.uid);
    });
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
    return collectionsFromCases((await this.casesFor({})).cases.outlines(), this.entry.collections);
  }

  async warmUp(): Promise<void> {
    if (this.options.mode !== 'live') await this.index.warm();
  }

  async close(): Promise<void> {
    this.index.close();
    await this.http.close();
  }

  /** Harvests the index again now and waits for it (the index otherwise refreshes after indexTtlSeconds). */
  async refreshIndex(): Promise<void> {
    await this.index.refresh();
  }

  private async planned(filter: NormalizedFilter): Promise<{ cases: CaseIndex; plan: CohortPlan; live: boolean }> {
    const harvest = await this.casesFor(filter);
    return { cases: harvest.cases, plan: planCohort(filter, harvest.cases, harvest.carried, { rule: this.options.collectionFrom }), live: harvest.live };
  }

  /**
   * The cases a filter may select: the index, or in live mode the PACS's answer to the pushed-down query. A PACS
   * that matched on PatientSex but returned it for no study did not say what it matched: the query is asked again
   * without that key, and the local evaluation decides.
   */
  private async casesFor(filter: NormalizedFilter): Promise<Harvest & { live: boolean }> {
    if (this.options.mode !== 'live') {
      // Until the first harvest is done, a filter the PACS can narrow is answered live, as in live mode, rather
      // than waiting for every study of the PACS (README "Ready means warm"); one it cannot narrow would ask the
      // PACS for what the harvest asks, so it waits for the harvest.
      if (this.index.harvested || Object.keys(pushDown(filter)).length === 0) return { ...await this.index.get(), live: false };
      this.index.warm().catch(() => undefined);
      return { ...await this.liveCases(filter), live: true };
    }
    return { ...await this.liveCases(filter), live: true };
  }

  /** The PACS's answer to the pushed-down query, grouped into cases. */
  private async liveCases(filter: NormalizedFilter): Promise<Harvest> {
    const query = pushDown(filter);
    const harvest = await this.fetchCases(query);
    if (query.PatientSex === undefined || harvest.carried.has(Tag.PatientSex) || harvest.cases.size === 0) return harvest;
    const { PatientSex: _unreliable, ...rest } = query;
    return this.fetchCases(rest);
  }

  /**
   * Studies matching a QIDO query, their series in UID-list batches, grouped into cases. Refreshing an index
   * (`previous`), it asks the series only of studies that are new or whose series or instance counts changed
   * (NumberOfStudyRelatedSeries / -Instances, PS3.18 Table 10.6.3-3): the study listing is the whole cost of a
   * refresh of an unchanged PACS.
   */
  private async fetchCases(query: QidoQuery, previous?: Harvest): Promise<Harvest> {
    const studies = await this.client.allStudies(query, this.options.pageSize);
    const known = new Map((previous?.cases.studySummaries() ?? []).map((s) => [s.uid, s]));
    const knownSeries = new Map<string, StudyRecord['series']>();
    const toAsk: string[] = [];
    for (const study of studies) {
      const uid = text(study, Tag.StudyInstanceUID);
      if (uid === null) continue;
      const before = known.get(uid);
      if (before && before.seriesCount === integer(study, Tag.NumberOfStudyRelatedSeries)
        && before.instanceCount === integer(study, Tag.NumberOfStudyRelatedInstances)) knownSeries.set(uid, before.series());
      else toAsk.push(uid);
    }
    const series = (await mapWithConcurrency(chunk(toAsk, UIDS_PER_REQUEST), PARALLEL_REQUESTS, (batch) => this.client.seriesOfStudies(batch))).flat();
    const carried = new Set([...carriedTags(studies, CHECKED_STUDY_TAGS), ...carriedTags(series, CHECKED_SERIES_TAGS)]);
    // Series kept from the previous harvest were returned with the attributes that harvest saw.
    if (knownSeries.size > 0) for (const tag of CHECKED_SERIES_TAGS) if (previous?.carried.has(tag)) carried.add(tag);
    return { cases: CaseIndex.from(casesFromDicom(studies, groupByStudy(series), this.context, knownSeries)), carried };
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
