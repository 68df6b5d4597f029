/**
 * Parsing of GDC responses into typed values with ResponseReader: anything the protocol does not allow (a hits list
 * that is no list, a total that is no number, a bucket without a key) fails as REPOSITORY_BAD_RESPONSE naming the
 * call and the field. Tolerated, because GDC does it (README §2c, gdc-docs):
 * - null and absent fields alike (GDC writes `null` for a field with no value, and leaves fields out);
 * - `primary_site` as a list (projects) or a string (older documents);
 * - bucket keys as strings or numbers.
 */
import { ResponseReader } from '../sdk/parse';
import type {
  Aggregation, Bucket, CaseHit, DiagnosisHit, GdcEndpoint, ImagingFileHit, Pagination, ProjectHit, SearchResult,
} from './native-types';

type Json = Record<string, unknown>;

const optionalObject = (reader: ResponseReader, value: unknown, path: string): Json | null =>
  value === undefined || value === null ? null : reader.object(value, path);

const optionalArray = (reader: ResponseReader, value: unknown, path: string): unknown[] =>
  value === undefined || value === null ? [] : reader.array(value, path);

/** The search envelope `{"data": {"hits", "pagination", "aggregations"?}, "warnings"}`. */
export function parseSearch(body: unknown, repositoryId: string, endpoint: GdcEndpoint, facets: readonly string[] = []): SearchResult {
  const reader = new ResponseReader(repositoryId, `/${endpoint} search`);
  const data = reader.object(reader.object(body).data, 'data');
  const hits = reader.array(data.hits, 'data.hits').map((hit, i) => reader.object(hit, `data.hits[${i}]`));
  const raw = reader.object(data.pagination, 'data.pagination');
  const count = (name: keyof Pagination) => {
    const n = reader.number(raw[name], `data.pagination.${name}`);
    if (!Number.isInteger(n) || n < 0) reader.fail(`data.pagination.${name}`, 'a non-negative integer', n);
    return n;
  };
  const pagination: Pagination = { count: count('count'), total: count('total'), size: count('size'), from: count('from'), page: count('page'), pages: count('pages') };
  const aggregations = new Map<string, Aggregation>();
  if (facets.length > 0) {
    const aggs = reader.object(data.aggregations, 'data.aggregations');
    for (const field of facets) aggregations.set(field, parseAggregation(reader, aggs[field], `data.aggregations["${field}"]`));
  }
  return { hits, pagination, aggregations };
}

function parseAggregation(reader: ResponseReader, value: unknown, path: string): Aggregation {
  const agg = reader.object(value, path);
  if (agg.stats !== undefined) {
    const stats = reader.object(agg.stats, `${path}.stats`);
    return {
      kind: 'stats',
      count: reader.number(stats.count, `${path}.stats.count`),
      sum: reader.optionalNumber(stats.sum, `${path}.stats.sum`) ?? 0,
      min: reader.optionalNumber(stats.min, `${path}.stats.min`),
      max: reader.optionalNumber(stats.max, `${path}.stats.max`),
    };
  }
  const buckets: Bucket[] = reader.array(agg.buckets, `${path}.buckets`).map((item, i) => {
    const bucket = reader.object(item, `${path}.buckets[${i}]`);
    const key = typeof bucket.key === 'number' ? String(bucket.key) : reader.string(bucket.key, `${path}.buckets[${i}].key`);
    const docCount = reader.number(bucket.doc_count, `${path}.buckets[${i}].doc_count`);
    if (!Number.isInteger(docCount) || docCount < 0) reader.fail(`${path}.buckets[${i}].doc_count`, 'a non-negative integer', docCount);
    return { key, doc_count: docCount };
  });
  return { kind: 'buckets', buckets };
}

/**
 * The values at a dotted path of a hit, through nested lists (`cases.case_id` of a file hit), as strings; null and
 * absent values are left out.
 */
export function valuesAt(hit: Json, path: string, repositoryId: string, call: string): string[] {
  const reader = new ResponseReader(repositoryId, call);
  let current: unknown[] = [hit];
  for (const key of path.split('.')) {
    current = current.flatMap((item) => {
      if (item === null || item === undefined) return [];
      const value = reader.object(item, path)[key];
      return Array.isArray(value) ? value : [value];
    });
  }
  return current.filter((v) => v !== null && v !== undefined).map((v) => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return reader.fail(path, 'a string or number', v);
  });
}

function diagnosisHit(reader: ResponseReader, value: unknown, path: string): DiagnosisHit {
  const d = reader.object(value, path);
  const text = (name: keyof DiagnosisHit) => reader.optionalString(d[name], `${path}.${name}`);
  const number = (name: keyof DiagnosisHit) => reader.optionalNumber(d[name], `${path}.${name}`);
  return {
    primary_diagnosis: text('primary_diagnosis'),
    morphology: text('morphology'),
    tissue_or_organ_of_origin: text('tissue_or_organ_of_origin'),
    icd_10_code: text('icd_10_code'),
    age_at_diagnosis: number('age_at_diagnosis'),
    year_of_diagnosis: number('year_of_diagnosis'),
    classification_of_tumor: text('classification_of_tumor'),
    ajcc_pathologic_stage: text('ajcc_pathologic_stage'),
    ajcc_pathologic_t: text('ajcc_pathologic_t'),
    ajcc_pathologic_n: text('ajcc_pathologic_n'),
    ajcc_pathologic_m: text('ajcc_pathologic_m'),
    ajcc_staging_system_edition: text('ajcc_staging_system_edition'),
  };
}

/** A /cases hit requested with the adapter's CASE_FIELDS. */
export function parseCaseHit(hit: Json, repositoryId: string, index: number): CaseHit {
  const reader = new ResponseReader(repositoryId, '/cases search');
  const at = `data.hits[${index}]`;
  const project = optionalObject(reader, hit.project, `${at}.project`);
  const demographic = optionalObject(reader, hit.demographic, `${at}.demographic`);
  return {
    case_id: reader.string(hit.case_id, `${at}.case_id`),
    submitter_id: reader.string(hit.submitter_id, `${at}.submitter_id`),
    project_id: project ? reader.optionalString(project.project_id, `${at}.project.project_id`) : null,
    sex_at_birth: demographic ? reader.optionalString(demographic.sex_at_birth, `${at}.demographic.sex_at_birth`) : null,
    diagnoses: optionalArray(reader, hit.diagnoses, `${at}.diagnoses`).map((d, i) => diagnosisHit(reader, d, `${at}.diagnoses[${i}]`)),
  };
}

/** A /files hit of an imaging file, requested with the adapter's FILE_FIELDS. */
export function parseImagingFileHit(hit: Json, repositoryId: string, index: number): ImagingFileHit {
  const reader = new ResponseReader(repositoryId, '/files search');
  const at = `data.hits[${index}]`;
  const imaging = reader.object(hit.imaging, `${at}.imaging`);
  const text = (name: keyof ImagingFileHit['imaging']) => reader.optionalString(imaging[name], `${at}.imaging.${name}`);
  const number = (name: keyof ImagingFileHit['imaging']) => reader.optionalNumber(imaging[name], `${at}.imaging.${name}`);
  return {
    file_id: reader.string(hit.file_id, `${at}.file_id`),
    file_size: reader.optionalNumber(hit.file_size, `${at}.file_size`),
    access: reader.optionalString(hit.access, `${at}.access`),
    case_submitter_ids: optionalArray(reader, hit.cases, `${at}.cases`)
      .map((c, i) => reader.string(reader.object(c, `${at}.cases[${i}]`).submitter_id, `${at}.cases[${i}].submitter_id`)),
    imaging: {
      series_instance_uid: reader.string(imaging.series_instance_uid, `${at}.imaging.series_instance_uid`),
      study_instance_uid: reader.string(imaging.study_instance_uid, `${at}.imaging.study_instance_uid`),
      modality: text('modality'),
      body_part_examined: text('body_part_examined'),
      manufacturer: text('manufacturer'),
      series_number: number('series_number'),
      series_description: text('series_description'),
      study_date: text('study_date'),
      study_description: text('study_description'),
      instance_count: number('instance_count'),
    },
  };
}

export function parseProjectHit(hit: Json, repositoryId: string, index: number): ProjectHit {
  const reader = new ResponseReader(repositoryId, '/projects search');
  const at = `data.hits[${index}]`;
  const site = hit.primary_site;
  const summary = optionalObject(reader, hit.summary, `${at}.summary`);
  return {
    project_id: reader.string(hit.project_id, `${at}.project_id`),
    name: reader.optionalString(hit.name, `${at}.name`),
    primary_site: typeof site === 'string' ? [site]
      : optionalArray(reader, site, `${at}.primary_site`).map((s, i) => reader.string(s, `${at}.primary_site[${i}]`)),
    case_count: summary ? reader.optionalNumber(summary.case_count, `${at}.summary.case_count`) : null,
  };
}
