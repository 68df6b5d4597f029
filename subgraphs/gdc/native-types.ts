/**
 * The GDC search API's shapes (native-apis README §2c; gdc-docs Search_and_Retrieval): the `filters` grammar, the
 * request parameters, and the parsed response envelope and hits, named as GDC names them.
 */

/** A leaf of the filters grammar: `{"op", "content": {"field", "value"}}`. */
export interface GdcLeaf {
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'exclude' | 'is' | 'not';
  content: { field: string; value: string | number | ReadonlyArray<string | number> };
}

/** `and` / `or` over filters. */
export interface GdcGroup {
  op: 'and' | 'or';
  content: GdcFilter[];
}

export type GdcFilter = GdcLeaf | GdcGroup;

export type GdcEndpoint = 'cases' | 'files' | 'projects';

/** The parameters of one search; list parameters are sent as GDC's comma lists. */
export interface SearchRequest {
  filters?: GdcFilter;
  fields?: readonly string[];
  expand?: readonly string[];
  facets?: readonly string[];
  size: number;
  from?: number;
  /** `field:asc|desc`. */
  sort?: string;
}

export interface Pagination {
  count: number;
  total: number;
  size: number;
  from: number;
  page: number;
  pages: number;
}

export interface Bucket {
  key: string;
  doc_count: number;
}

/** A facet: buckets for a text field, statistics for a numeric one. */
export type Aggregation =
  | { kind: 'buckets'; buckets: Bucket[] }
  | { kind: 'stats'; count: number; sum: number; min: number | null; max: number | null };

export interface SearchResult {
  /** Hits as sent; mapping.ts reads them into the typed hits below. */
  hits: Array<Record<string, unknown>>;
  pagination: Pagination;
  aggregations: ReadonlyMap<string, Aggregation>;
}

export interface DiagnosisHit {
  primary_diagnosis: string | null;
  morphology: string | null;
  tissue_or_organ_of_origin: string | null;
  icd_10_code: string | null;
  /** Days. */
  age_at_diagnosis: number | null;
  year_of_diagnosis: number | null;
  classification_of_tumor: string | null;
  ajcc_pathologic_stage: string | null;
  ajcc_pathologic_t: string | null;
  ajcc_pathologic_n: string | null;
  ajcc_pathologic_m: string | null;
  ajcc_staging_system_edition: string | null;
}

export interface CaseHit {
  case_id: string;
  submitter_id: string;
  project_id: string | null;
  sex_at_birth: string | null;
  diagnoses: DiagnosisHit[];
}

export interface ImagingBlock {
  series_instance_uid: string;
  study_instance_uid: string;
  modality: string | null;
  body_part_examined: string | null;
  manufacturer: string | null;
  series_number: number | null;
  series_description: string | null;
  study_date: string | null;
  study_description: string | null;
  instance_count: number | null;
}

/** An imaging file: one DICOM series. */
export interface ImagingFileHit {
  file_id: string;
  file_size: number | null;
  access: string | null;
  /** submitter_id of the file's case(s). */
  case_submitter_ids: string[];
  imaging: ImagingBlock;
}

export interface ProjectHit {
  project_id: string;
  name: string | null;
  primary_site: string[];
  case_count: number | null;
}
