/**
 * The GDC search API's shapes (native-apis README §2c; gdc-docs Search_and_Retrieval): the `filters` grammar, the
 * request parameters, and the parsed response envelope and hits, named as GDC names them.
 */

/** A leaf of the filters grammar: `{"op", "content": {"field", "value"}}`. */
export interface GdcLeaf {
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'exclude' | 'excludeifany' | 'is' | 'not';
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

/**
 * What the server says it left out of a request (the response's `warnings`): per request parameter ("filters",
 * "facets", "fields", "expand", ...) the names it did not recognise, read from GDC's
 * "unrecognized values: [a, b]", and the warning texts as sent.
 */
export interface Warnings {
  unrecognized: ReadonlyMap<string, readonly string[]>;
  /** Parameter -> warning text, for every warning (recognised wording or not). */
  texts: ReadonlyMap<string, string>;
}

export interface SearchResult {
  /** Hits as sent; parse.ts reads them into the typed hits below. */
  hits: Array<Record<string, unknown>>;
  pagination: Pagination;
  /** The requested facets the server answered; one it reported unrecognised in `warnings` is absent. */
  aggregations: ReadonlyMap<string, Aggregation>;
  warnings: Warnings;
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
  /** GDC's primary-disease flag (2024 data dictionary on); null where the diagnosis or the server has none. */
  diagnosis_is_primary_disease: boolean | null;
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
  /** `demographic.sex_at_birth`, or the older `demographic.gender` where the server has no sex_at_birth. */
  sex: string | null;
  diagnoses: DiagnosisHit[];
}

/** The biospecimen sample a slide was cut from, as a file's `cases[].samples[]` lists it. */
export interface SampleOfFile {
  sample_id: string;
  submitter_id: string | null;
  sample_type: string | null;
}

/** A slide image file (`data_type: "Slide Image"`): one whole-slide image, SVS in GDC. */
export interface SlideFileHit {
  file_id: string;
  file_name: string | null;
  file_size: number | null;
  access: string | null;
  data_format: string | null;
  /** "Diagnostic Slide" or "Tissue Slide". */
  experimental_strategy: string | null;
  /** submitter_id of the file's case(s). */
  case_submitter_ids: string[];
  /** The samples of the file's lineage (one for a slide). */
  samples: SampleOfFile[];
}

export interface ProjectHit {
  project_id: string;
  name: string | null;
  primary_site: string[];
  case_count: number | null;
}
