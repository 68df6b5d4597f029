/**
 * QIDO-RS search over the archive (PS3.18 10.6, "Search Transaction"), reproducing what Orthanc 1.10.1 with the
 * DICOMweb plugin 1.7 answers. ORTHANC departures, all measured against the real server:
 *
 * Which instance a resource is judged by. Orthanc indexes some attributes ("main DICOM tags", dictionary.ts)
 * and reads the others from one stored instance:
 * - matching reads the FIRST instance of the FIRST series (series: its first instance);
 * - the attributes returned come from the FIRST instance of the LAST series (series: its first instance).
 *   So `/studies?ManufacturerModelName=X&includefield=ManufacturerModelName` can return a study whose returned
 *   ManufacturerModelName is not X.
 * - An indexed attribute of a lower level never matches (`/studies?Modality=CT` is always `[]`).
 *
 * Order and paging (no total count, no Warning header; PS3.18 gives no order):
 * - studies come in the order of Orthanc's public id (a SHA-1, so effectively shuffled), series likewise,
 *   instances in ingestion order;
 * - with a non-empty ModalitiesInStudy, studies come sorted by StudyInstanceUID (as strings) and the page is
 *   results[offset:limit] instead of results[offset:offset+limit], so `limit=5&offset=5` gives `[]`; with
 *   limit 0 the offset is ignored.
 *
 * Returned attributes (plugin 1.7 QidoRs.cpp): the level's defaults, the match keys, the includefields, and for
 * series and instance searches the study-level defaults too unless the query string (not the path) has a
 * StudyInstanceUID key; an attribute the instance does not hold is left out, an empty one is sent empty.
 */
import type { Archive, InstanceResource, SeriesResource, StudyResource } from './archive';
import { attribute, sortedDataset, type DicomJsonDataset } from './dicom-json';
import { attributeByTag, tagOf, type AttributeDefinition, type IndexLevel, type QueryLevel } from './dictionary';
import { ConstraintError, matches, parseConstraint, type Constraint } from './matching';
import { OrthancError, type QidoQuery } from './query';

/** Default attributes per level, as the plugin lists them (PS3.18 Tables 10.6.3-3, -4 and -5 of 2019a). */
const DEFAULT_FIELDS: Record<QueryLevel, string[]> = {
  study: ['00080020', '00080030', '00080050', '00080056', '00080061', '00080090', '00080201', '00100010', '00100020',
    '00100030', '00100040', '0020000D', '00200010', '00201206', '00201208'],
  series: ['00080060', '00080201', '0008103E', '0020000E', '00200011', '00201209', '00400244', '00400245', '00400275'],
  instance: ['00080016', '00080018', '00080056', '00080201', '00081190', '00200013', '00280010', '00280011', '00280100', '00280008'],
};

const LEVEL_DEPTH: Record<IndexLevel, number> = { patient: 0, study: 1, series: 2, instance: 3 };
const MODALITIES_IN_STUDY = tagOf('ModalitiesInStudy');
const MODALITY = tagOf('Modality');

export interface SearchContext {
  archive: Archive;
  query: QidoQuery;
  /** Base of RetrieveURL, e.g. http://127.0.0.1:8042/dicom-web/ (with the trailing slash). */
  retrieveBase: string;
  /** SpecificCharacterSet sent in every result. */
  characterSet: string;
}

interface Key {
  tag: string;
  indexedAt?: IndexLevel;
  constraint: Constraint;
}

export function searchStudies(context: SearchContext): DicomJsonDataset[] {
  const keys = parseKeys(context.query);
  const modalities = keys.find((key) => key.tag === MODALITIES_IN_STUDY && key.constraint.kind !== 'universal');
  const others = keys.filter((key) => key !== modalities);
  const { limit, offset } = context.query;
  let page: StudyResource[];
  if (modalities) {
    // Orthanc answers ModalitiesInStudy from the series' Modality: a study matches when any series does.
    const found = context.archive.studies
      .filter((study) => study.series.some((series) => matches(modalities.constraint, series.instance(1).dataset[MODALITY])))
      .filter((study) => keysMatch(others, 'study', firstInstanceOfStudy(study)))
      .sort((a, b) => compare(a.uid, b.uid));
    page = limit === 0 ? found : found.slice(offset, limit);
  } else {
    const found = context.archive.studiesInListingOrder
      .filter((study) => keysMatch(keys, 'study', firstInstanceOfStudy(study)));
    page = pageOf(found, limit, offset);
  }
  return page.map((study) => {
    const derived: DicomJsonDataset = {
      [MODALITIES_IN_STUDY]: attribute('CS', ...[...new Set(study.series.map((series) => series.source.modality))].sort(compare)),
      [tagOf('NumberOfStudyRelatedSeries')]: attribute('IS', study.series.length),
      [tagOf('NumberOfStudyRelatedInstances')]: attribute('IS', study.series.reduce((sum, series) => sum + series.instanceCount, 0)),
    };
    const shown = study.series[study.series.length - 1].instance(1);
    return result(context, 'study', derived, shown, `studies/${study.uid}`);
  });
}

/** `studyUid` comes from the path /studies/{uid}/series. */
export function searchSeries(context: SearchContext, studyUid?: string): DicomJsonDataset[] {
  const keys = parseKeys(context.query, studyUid);
  const found = seriesCandidates(context.archive, keys, studyUid)
    .filter((series) => keysMatch(keys, 'series', series.instance(1)));
  return pageOf(found, context.query.limit, context.query.offset).map((series) => {
    const derived = { [tagOf('NumberOfSeriesRelatedInstances')]: attribute('IS', series.instanceCount) };
    return result(context, 'series', derived, series.instance(1), seriesPath(series));
  });
}

/**
 * Series that can match, in listing order. A StudyInstanceUID key of literal UIDs (what the DICOMweb adapter sends
 * in batches) narrows the scan to those studies' series; every key is still matched afterwards, so the answer is
 * the same as a full scan's, only faster.
 */
function seriesCandidates(archive: Archive, keys: Key[], studyUid?: string): SeriesResource[] {
  if (studyUid !== undefined) return [...(archive.studyByUid.get(studyUid)?.series ?? [])].sort((a, b) => compare(a.publicId, b.publicId));
  const studyKey = keys.find((key) => key.tag === tagOf('StudyInstanceUID'));
  const uids = studyKey?.constraint.kind === 'single' ? [studyKey.constraint.value]
    : studyKey?.constraint.kind === 'list' ? studyKey.constraint.values : undefined;
  if (!uids) return archive.seriesInListingOrder;
  const studies = uids.map((uid) => archive.studyByUid.get(uid)).filter((study): study is StudyResource => study !== undefined);
  return [...new Set(studies)].flatMap((study) => study.series).sort((a, b) => compare(a.publicId, b.publicId));
}

/** `studyUid` and `seriesUid` come from the path. */
export function searchInstances(context: SearchContext, studyUid?: string, seriesUid?: string): DicomJsonDataset[] {
  const keys = parseKeys(context.query, studyUid, seriesUid);
  const matched: InstanceResource[] = [];
  const { limit, offset } = context.query;
  let skipped = 0;
  // Walks instances lazily, in ingestion order, so `/instances?limit=2` does not build every instance.
  for (const series of context.archive.series) {
    if (studyUid !== undefined && series.study.uid !== studyUid) continue;
    if (seriesUid !== undefined && series.uid !== seriesUid) continue;
    for (let number = 1; number <= series.instanceCount; number++) {
      const instance = series.instance(number);
      if (!keysMatch(keys, 'instance', instance)) continue;
      if (skipped < offset) skipped++;
      else matched.push(instance);
      if (limit !== 0 && matched.length === limit) break;
    }
    if (limit !== 0 && matched.length === limit) break;
  }
  return matched.map((instance) => {
    const sopInstanceUid = instance.dataset[tagOf('SOPInstanceUID')].Value?.[0];
    return result(context, 'instance', {}, instance, `${seriesPath(instance.series)}/instances/${String(sopInstanceUid)}`);
  });
}

/** The match keys of the query, plus the UIDs of the path (which win over the query's, as in the plugin). */
function parseKeys(query: QidoQuery, studyUid?: string, seriesUid?: string): Key[] {
  const values = new Map([...query.keys].map(([tag, key]) => [tag, key.value]));
  if (studyUid !== undefined) values.set(tagOf('StudyInstanceUID'), studyUid);
  if (seriesUid !== undefined) values.set(tagOf('SeriesInstanceUID'), seriesUid);
  return [...values].map(([tag, value]) => {
    const definition = attributeByTagOrUnknown(tag, query);
    try {
      return { tag, indexedAt: definition.indexedAt, constraint: parseConstraint(value, definition.vr) };
    } catch (error) {
      if (error instanceof ConstraintError) throw new OrthancError(400, 'Parameter out of range', 3);
      throw error;
    }
  });
}

function attributeByTagOrUnknown(tag: string, query: QidoQuery): AttributeDefinition {
  return query.keys.get(tag)?.definition ?? attributeByTag(tag);
}

function keysMatch(keys: Key[], level: QueryLevel, instance: InstanceResource): boolean {
  return keys.every((key) => {
    if (key.constraint.kind === 'universal') return true;
    if (key.indexedAt !== undefined && LEVEL_DEPTH[key.indexedAt] > LEVEL_DEPTH[level]) return false;
    return matches(key.constraint, instance.dataset[key.tag]);
  });
}

function firstInstanceOfStudy(study: StudyResource): InstanceResource {
  return study.series[0].instance(1);
}

function pageOf<T>(found: T[], limit: number, offset: number): T[] {
  return found.slice(offset, limit === 0 ? undefined : offset + limit);
}

function result(context: SearchContext, level: QueryLevel, derived: DicomJsonDataset, shown: InstanceResource, path: string): DicomJsonDataset {
  const { query } = context;
  const fields = new Set([...query.includeFields, ...DEFAULT_FIELDS[level], ...query.keys.keys()]);
  if (level !== 'study' && !query.studyUidInQuery) DEFAULT_FIELDS.study.forEach((tag) => fields.add(tag));
  if (level === 'instance' && !query.seriesUidInQuery) DEFAULT_FIELDS.series.forEach((tag) => fields.add(tag));
  const dataset: DicomJsonDataset = { ...derived };
  for (const tag of fields) {
    const value = shown.dataset[tag];
    // Sequences are not copied: the plugin only copies attributes it can read as strings.
    if (value !== undefined && value.vr !== 'SQ') dataset[tag] = value;
  }
  dataset['00080005'] = attribute('CS', context.characterSet);
  dataset['00081190'] = attribute('UR', `${context.retrieveBase}${path}`);
  return sortedDataset(dataset);
}

function seriesPath(series: SeriesResource): string {
  return `studies/${series.study.uid}/series/${series.uid}`;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
