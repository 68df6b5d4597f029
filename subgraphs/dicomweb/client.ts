/**
 * QIDO-RS over HTTP (DICOM PS3.18 10.6): study and series searches, nothing else. Knows two server realities:
 * there is no total count (a next page is detected by asking for one more result than needed), and Orthanc
 * 1.10's DICOMweb plugin pages ModalitiesInStudy queries as results[offset:limit] instead of
 * results[offset:offset+limit] (measured; shared/native-apis part 6).
 */
import { NativeHttp, type Query } from '../sdk/native-http';
import { ResponseReader } from '../sdk/parse';
import { datasets, Tag, type DicomDataset } from './parse';

/** Match keys by keyword (PS3.18 8.3.4.1); list values are sent comma-separated (OR; PS3.4 C.2.2.2.1 UID lists). */
export type QidoQuery = Partial<Record<'PatientID' | 'PatientSex' | 'StudyDate' | 'ModalitiesInStudy' | 'StudyInstanceUID' | 'ClinicalTrialProtocolID', string>>;

/**
 * Study-level attributes the adapter needs beyond the defaults (Orthanc leaves them out unless asked): sex and age,
 * and the attributes a collection rule may read (options.ts `collectionFrom`).
 */
const STUDY_FIELDS = [Tag.PatientSex, Tag.PatientAge, Tag.StudyDescription, Tag.ClinicalTrialProtocolID, Tag.IssuerOfPatientID].join(',');
/** Series-level attributes beyond the defaults (BodyPartExamined is optional in Table 10.6.3-4). */
const SERIES_FIELDS = [Tag.BodyPartExamined, Tag.Manufacturer, Tag.SeriesDescription].join(',');

export class QidoClient {
  constructor(private readonly http: NativeHttp) {}

  /** One page of studies. */
  async studies(query: QidoQuery, limit: number, offset: number): Promise<{ page: DicomDataset[]; hasMore: boolean }> {
    // Ask for one more than needed: QIDO has no total, so the extra result tells whether a next page exists.
    const wanted = limit + 1;
    // Orthanc's ModalitiesInStudy bug returns results[offset:limit]; asking for offset+wanted makes both buggy and
    // correct servers return at least the wanted slice from `offset`, and the slice below trims the excess.
    const askLimit = query.ModalitiesInStudy && offset > 0 ? offset + wanted : wanted;
    const body = await this.http.getJson('/studies', {
      ...query, includefield: STUDY_FIELDS, limit: askLimit, offset,
    }, 'application/dicom+json');
    const results = datasets(body, new ResponseReader(this.http.repositoryId, 'QIDO-RS studies'));
    return { page: results.slice(0, limit), hasMore: results.length > limit };
  }

  /** Every study matching a query, page by page. */
  async allStudies(query: QidoQuery, pageSize: number): Promise<DicomDataset[]> {
    const all: DicomDataset[] = [];
    for (let offset = 0; ; offset += pageSize) {
      const { page, hasMore } = await this.studies(query, pageSize, offset);
      all.push(...page);
      if (!hasMore) return all;
    }
  }

  /** Series of many studies in one request: StudyInstanceUID is a UID list (comma-separated). */
  async seriesOfStudies(studyUids: readonly string[], pageSize = 1000): Promise<DicomDataset[]> {
    if (studyUids.length === 0) return [];
    const reader = new ResponseReader(this.http.repositoryId, 'QIDO-RS series');
    const all: DicomDataset[] = [];
    // Paged too: a PACS may cap result sets (Orthanc's LimitFindResults), and QIDO would not say so.
    for (let offset = 0; ; offset += pageSize) {
      const query: Query = { StudyInstanceUID: studyUids.join(','), includefield: SERIES_FIELDS, limit: pageSize + 1, offset };
      const page = datasets(await this.http.getJson('/series', query, 'application/dicom+json'), reader);
      all.push(...page.slice(0, pageSize));
      if (page.length <= pageSize) return all;
    }
  }

  /** Studies by UID list, in one request. */
  async studiesByUid(studyUids: readonly string[]): Promise<DicomDataset[]> {
    if (studyUids.length === 0) return [];
    const body = await this.http.getJson('/studies', { StudyInstanceUID: studyUids.join(','), includefield: STUDY_FIELDS }, 'application/dicom+json');
    return datasets(body, new ResponseReader(this.http.repositoryId, 'QIDO-RS studies'));
  }
}
