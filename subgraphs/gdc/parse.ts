/**
 * Parsing of GDC responses into typed values with ResponseReader: anything the protocol does not allow (a hits list
 * that is no list, a total that is no number, a bucket without a key) fails as REPOSITORY_BAD_RESPONSE naming the
 * call and the field. Tolerated, because GDC does it (README §2c, gdc-docs, the recorded answers in
 * test/gdc/fixtures):
 * - null and absent fields alike (GDC writes `null` for a field with no value, and leaves fields out);
 * - `primary_site` as a list (projects) or a string (older documents);
 * - bucket keys as strings or numbers, booleans as true/false or "true"/"false";
 * - a requested facet missing from `aggregations` when `warnings` names it unrecognised (GDC then answers 200 with
 *   `"warnings": {"facets": "unrecognized values: [...]"}` and leaves the facet, or `aggregations`, out);
 * - `demographic.gender` where the server's data dictionary predates `demographic.sex_at_birth`;
 * - a file hit's `id` for its `file_id` (GDC adds `id` to every hit, whatever the fields asked for).
 */
import { ResponseReader } from '../sdk/parse';
import type {
  Aggregation, Bucket, CaseHit, DiagnosisHit, GdcEndpoint, Pagination, ProjectHit, SampleOfFile, SearchResult, SlideFileHit, Warnings,
} from './native-types';

type Json = Record<string, unknown>;

const optionalObject = (reader: ResponseReader, value: unknown, path: string): Json | null =>
  value === undefined || value === null ? null : reader.object(value, path);

const optionalArray = (reader: ResponseReader, value: unknown, path: string): unknown[] =>
  value === undefined || value === null ? [] : reader.array(value, path);

function optionalBoolean(reader: ResponseReader, value: unknown, path: string): boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 1) return true;
  if (value === 'false' || value === 0) return false;
  return reader.fail(path, 'a boolean', value);
}

/** The names in GDC's "unrecognized values: [a, b]"; null when a warning is worded otherwise. */
export function unrecognizedNames(text: string): string[] | null {
  const match = /unrecognized values?:\s*\[(.*)\]/is.exec(text);
  if (!match) return null;
  return match[1].split(',').map((name) => name.trim().replace(/^['"]|['"]$/g, '')).filter(Boolean);
}

/** The `warnings` object: per request parameter, a text (or a list of texts). */
export function parseWarnings(reader: ResponseReader, value: unknown): Warnings {
  const unrecognized = new Map<string, string[]>();
  const texts = new Map<string, string>();
  if (value === undefined || value === null) return { unrecognized, texts };
  for (const [parameter, warning] of Object.entries(reader.object(value, 'warnings'))) {
    const text = typeof warning === 'string' ? warning
      : Array.isArray(warning) && warning.every((w) => typeof w === 'string') ? warning.join('; ')
        : reader.fail(`warnings.${parameter}`, 'a string', warning);
    texts.set(parameter, text);
    const names = unrecognizedNames(text);
    if (names) unrecognized.set(parameter, names);
  }
  return { unrecognized, texts };
}

/** The search envelope `{"data": {"hits", "pagination", "aggregations"?}, "warnings"}`. */
export function parseSearch(body: unknown, repositoryId: string, endpoint: GdcEndpoint, facets: readonly string[] = []): SearchResult {
  const reader = new ResponseReader(repositoryId, `/${endpoint} search`);
  const envelope = reader.object(body);
  const data = reader.object(envelope.data, 'data');
  const warnings = parseWarnings(reader, envelope.warnings);
  const hits = reader.array(data.hits, 'data.hits').map((hit, i) => reader.object(hit, `data.hits[${i}]`));
  const raw = reader.object(data.pagination, 'data.pagination');
  const count = (name: keyof Pagination) => {
    const n = reader.number(raw[name], `data.pagination.${name}`);
    if (!Number.isInteger(n) || n < 0) reader.fail(`data.pagination.${name}`, 'a non-negative integer', n);
    return n;
  };
  const pagination: Pagination = { count: count('count'), total: count('total'), size: count('size'), from: count('from'), page: count('page'), pages: count('pages') };
  const aggregations = new Map<string, Aggregation>();
  const ignoredFacets = new Set(warnings.unrecognized.get('facets') ?? []);
  const answered = facets.filter((field) => !ignoredFacets.has(field));
  if (answered.length > 0) {
    const aggs = reader.object(data.aggregations, 'data.aggregations');
    for (const field of answered) aggregations.set(field, parseAggregation(reader, aggs[field], `data.aggregations["${field}"]`));
  }
  return { hits, pagination, aggregations, warnings };
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
    const key = typeof bucket.key === 'number' || typeof bucket.key === 'boolean' ? String(bucket.key) : reader.string(bucket.key, `${path}.buckets[${i}].key`);
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
    diagnosis_is_primary_disease: optionalBoolean(reader, d.diagnosis_is_primary_disease, `${path}.diagnosis_is_primary_disease`),
    ajcc_pathologic_stage: text('ajcc_pathologic_stage'),
    ajcc_pathologic_t: text('ajcc_pathologic_t'),
    ajcc_pathologic_n: text('ajcc_pathologic_n'),
    ajcc_pathologic_m: text('ajcc_pathologic_m'),
    ajcc_staging_system_edition: text('ajcc_staging_system_edition'),
  };
}

/** The `diagnoses` of a /cases hit. */
export function parseDiagnoses(hit: Json, repositoryId: string, index: number): DiagnosisHit[] {
  const reader = new ResponseReader(repositoryId, '/cases search');
  const at = `data.hits[${index}]`;
  return optionalArray(reader, hit.diagnoses, `${at}.diagnoses`).map((d, i) => diagnosisHit(reader, d, `${at}.diagnoses[${i}]`));
}

/** A /cases hit requested with the adapter's CASE_FIELDS (or a single case as `/cases/<id>` answers it). */
export function parseCaseHit(hit: Json, repositoryId: string, index: number): CaseHit {
  const reader = new ResponseReader(repositoryId, '/cases search');
  const at = `data.hits[${index}]`;
  const project = optionalObject(reader, hit.project, `${at}.project`);
  const demographic = optionalObject(reader, hit.demographic, `${at}.demographic`);
  const sexAtBirth = demographic ? reader.optionalString(demographic.sex_at_birth, `${at}.demographic.sex_at_birth`) : null;
  const gender = demographic ? reader.optionalString(demographic.gender, `${at}.demographic.gender`) : null;
  return {
    case_id: reader.string(hit.case_id, `${at}.case_id`),
    submitter_id: reader.string(hit.submitter_id, `${at}.submitter_id`),
    project_id: project ? reader.optionalString(project.project_id, `${at}.project.project_id`) : null,
    sex: sexAtBirth ?? gender,
    diagnoses: parseDiagnoses(hit, repositoryId, index),
  };
}

/** A /files hit of a slide image, requested with the adapter's SLIDE_FIELDS. */
export function parseSlideFileHit(hit: Json, repositoryId: string, index: number): SlideFileHit {
  const reader = new ResponseReader(repositoryId, '/files search');
  const at = `data.hits[${index}]`;
  const text = (name: 'file_name' | 'access' | 'data_format' | 'experimental_strategy') => reader.optionalString(hit[name], `${at}.${name}`);
  const cases = optionalArray(reader, hit.cases, `${at}.cases`).map((c, i) => reader.object(c, `${at}.cases[${i}]`));
  const samples = cases.flatMap((c, i) => optionalArray(reader, c.samples, `${at}.cases[${i}].samples`).map((s, j): SampleOfFile => {
    const path = `${at}.cases[${i}].samples[${j}]`;
    const sample = reader.object(s, path);
    return {
      sample_id: reader.string(sample.sample_id, `${path}.sample_id`),
      submitter_id: reader.optionalString(sample.submitter_id, `${path}.submitter_id`),
      sample_type: reader.optionalString(sample.sample_type, `${path}.sample_type`),
    };
  }));
  return {
    // GDC adds `id` (the file's UUID) to every hit, whatever the fields asked for.
    file_id: reader.string(hit.file_id ?? hit.id, `${at}.file_id`),
    file_name: text('file_name'),
    file_size: reader.optionalNumber(hit.file_size, `${at}.file_size`),
    access: text('access'),
    data_format: text('data_format'),
    experimental_strategy: text('experimental_strategy'),
    case_submitter_ids: cases.map((c, i) => reader.optionalString(c.submitter_id, `${at}.cases[${i}].submitter_id`)).filter((id): id is string => id !== null),
    samples,
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
