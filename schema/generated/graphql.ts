import type { GraphQLResolveInfo } from 'graphql';
import type { FederatedCohortRecord } from '../../subgraphs/europe/cohort';
import type { CasePageRecord } from '../../subgraphs/europe/cases';
import type { ManifestRecord } from '../../subgraphs/europe/manifest';
import type { RequestContext } from '../../subgraphs/sdk/context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

/**
 * Body part examined, normalised from the raw, multilingual and case-inconsistent values found in
 * DICOM (0018,0015) BodyPartExamined (PS3.16 Annex L defined terms where they exist). The raw value is kept.
 */
export type BodyPart =
  | 'ABDOMEN'
  | 'ABDOMEN_PELVIS'
  | 'BRAIN'
  | 'BREAST'
  | 'CHEST'
  | 'CHEST_ABDOMEN_PELVIS'
  | 'COLON'
  | 'EXTREMITY'
  | 'HEAD'
  | 'HEAD_NECK'
  | 'HEART'
  | 'KIDNEY'
  | 'LIVER'
  | 'LUNG'
  | 'NECK'
  | 'OTHER'
  | 'PANCREAS'
  | 'PELVIS'
  | 'PROSTATE'
  | 'RECTUM'
  | 'SPINE'
  | 'UNKNOWN'
  | 'WHOLE_BODY';

/**
 * Primary cancer site, normalised from ICD-O-3 topography / ICD-10 chapter II C codes.
 * The source codes are kept on `Diagnosis`.
 */
export type CancerSite =
  /** C74: adrenal gland (incl. neuroblastoma) */
  | 'ADRENAL_GLAND'
  /** C67 */
  | 'BLADDER'
  /** C40-C41 */
  | 'BONE'
  /** C70-C72: meninges, brain, spinal cord (incl. glioblastoma, DIPG) */
  | 'BRAIN'
  /** C50 */
  | 'BREAST'
  /** C53 */
  | 'CERVIX'
  /** C18 */
  | 'COLON'
  /** C77, C81-C96: lymph nodes, lymphoid and haematopoietic */
  | 'HAEMATOLYMPHOID'
  /** C00-C14, C30-C32: lip, oral cavity, pharynx, nasal cavity, larynx */
  | 'HEAD_AND_NECK'
  /** C64-C65 */
  | 'KIDNEY'
  /** C22 */
  | 'LIVER'
  /** C33-C34: trachea, bronchus and lung */
  | 'LUNG'
  /** C15 */
  | 'OESOPHAGUS'
  /** Any other C code */
  | 'OTHER'
  /** C56 */
  | 'OVARY'
  /** C25 */
  | 'PANCREAS'
  /** C61 */
  | 'PROSTATE'
  /** C19-C20: rectosigmoid junction and rectum */
  | 'RECTUM'
  /** C43-C44 */
  | 'SKIN'
  /** C47-C49: peripheral nerves, soft tissue */
  | 'SOFT_TISSUE'
  /** C16 */
  | 'STOMACH'
  /** C62 */
  | 'TESTIS'
  /** C37-C38, C45: thymus, heart, mediastinum, pleura, mesothelioma */
  | 'THORAX_OTHER'
  /** C73 */
  | 'THYROID'
  /** No usable code */
  | 'UNKNOWN'
  /** C54-C55 */
  | 'UTERUS';

/** A pseudonymous subject in one repository. */
export type Case = {
  __typename?: 'Case';
  /** Age at diagnosis in years. Imaging-only repositories report the age at the first imaging study. */
  ageAtDiagnosis: Maybe<Scalars['Float']['output']>;
  collection: Maybe<Scalars['String']['output']>;
  diagnosis: Maybe<Diagnosis>;
  /** Unique across the federation: `<repository id>/<subject id>`. */
  id: Scalars['ID']['output'];
  repositoryId: Scalars['ID']['output'];
  sex: Maybe<Sex>;
  studies: Array<ImagingStudy>;
  /** The pseudonymous subject id inside the repository. */
  subjectId: Scalars['String']['output'];
};

export type CaseConnection = {
  __typename?: 'CaseConnection';
  edges: Array<CaseEdge>;
  nodes: Array<Case>;
  pageInfo: PageInfo;
  /** Number of matching cases, when the repository can count them. */
  totalCount: Maybe<Scalars['Int']['output']>;
};

export type CaseEdge = {
  __typename?: 'CaseEdge';
  cursor: Scalars['String']['output'];
  node: Case;
};

/**
 * A cohort definition. Several values in one criterion mean OR; criteria AND together.
 * Image criteria (modalities, bodyParts, manufacturers) are evaluated on series: a case matches when one of
 * its series satisfies all of them. Clinical criteria apply to the case.
 */
export type CaseFilter = {
  /** Age at diagnosis in whole years, inclusive. */
  ageAtDiagnosis?: InputMaybe<IntRange>;
  bodyParts?: InputMaybe<Array<BodyPart>>;
  cancerSites?: InputMaybe<Array<CancerSite>>;
  /** Collection ids within the repository. */
  collections?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Manufacturer names, matched case-insensitively on the start of the name ("siemens" matches "SIEMENS Healthineers"). */
  manufacturers?: InputMaybe<Array<Scalars['String']['input']>>;
  modalities?: InputMaybe<Array<Modality>>;
  sex?: InputMaybe<Array<Sex>>;
  yearOfDiagnosis?: InputMaybe<IntRange>;
};

/** Orders of a Europe-wide case list. Each is total: cases of one repository are ordered by subject id. */
export type CaseOrder =
  /** Repository id, then subject id: each repository's cases together. */
  | 'REPOSITORY_ID'
  /** Subject id (code-point order), then repository id. */
  | 'SUBJECT_ID';

/**
 * Counts for a cohort in one repository. A count is null when the repository cannot produce it.
 * When `filtersNotApplied` is not empty the counts ignore those criteria: they are upper bounds and `exact` is false.
 */
export type Cohort = {
  __typename?: 'Cohort';
  /**
   * Null when the counts cover every case the repository holds. Otherwise which part they cover and why, e.g. "3 of
   * 8 collections: its index is still being harvested" (shortly after the gateway started): the counts and facets
   * are then lower bounds and `exact` is false. Such an answer is never cached; ask again in a moment for the whole.
   * In a Europe-wide total: each such repository's part, named.
   */
  coverage: Maybe<Scalars['String']['output']>;
  exact: Scalars['Boolean']['output'];
  /**
   * Whether any case matches. Known even where `subjects` is not: a Beacon that answers at boolean granularity tells
   * existence without a number. Null when unknown.
   */
  exists: Maybe<Scalars['Boolean']['output']>;
  facets: CohortFacets;
  filtersApplied: Array<FilterCriterion>;
  filtersNotApplied: Array<FilterNotApplied>;
  images: Maybe<Scalars['Int']['output']>;
  /**
   * Facets (named as in CohortFacets, e.g. "modality") that list only the values the repository's native vocabulary
   * can count: a count-only node asks per value. Their buckets are exact; other values may be missing.
   */
  incompleteFacets: Array<Scalars['String']['output']>;
  /**
   * The smallest count shown to this caller: counts below it are withheld. Null when the caller has a record grant
   * for the repository and sees every count. In a Europe-wide total: the largest threshold of the repositories.
   */
  minCellSize: Maybe<Scalars['Int']['output']>;
  /**
   * Counts shown to this caller carry random noise of this scale, the repository's obfuscation (Laplace noise of
   * scale 1/epsilon, added after small cells are withheld and before rounding; `exact` is then false). A count is
   * off by `noiseScale` on average and by more than three times it about 5% of the time, but never shown below
   * `minCellSize`. The noise is fixed per repository, filter and count (drawn afresh only when the count itself
   * changes): asking again, or the same filter written differently, gives the same answer, so repeating a query
   * cannot average it away. Null when counts carry no noise. In a Europe-wide total: the largest scale of the parts
   * (the total carries the sum of their noise).
   */
  noiseScale: Maybe<Scalars['Float']['output']>;
  /**
   * Counts shown to this caller are rounded to the nearest multiple of this (the repository's obfuscation; `exact`
   * is then false). Null when counts are not rounded. In a Europe-wide total: the largest rounding of the parts.
   */
  roundedTo: Maybe<Scalars['Int']['output']>;
  series: Maybe<Scalars['Int']['output']>;
  studies: Maybe<Scalars['Int']['output']>;
  subjects: Maybe<Scalars['Int']['output']>;
  /**
   * Whether counts were withheld from this caller (small-cell suppression: the caller has no record grant for the
   * repository). A withheld count is null; it is not a count, and `exact` speaks only of the counts shown.
   * `subjects` below `minCellSize`, zero included (that someone is in a cancer repository is health data), withholds
   * every count, `exists` and every facet of the cohort: a portal shows "fewer than k subjects" (k = `minCellSize`).
   * Otherwise a count (studies, series, images) below `minCellSize` is withheld on its own, and facet buckets as
   * `FacetCount.subjects` says. `exists` is given only where a shown count implies it. In a Europe-wide total: some repository's counts were withheld and are not in the
   * sums, which are then lower bounds (see `FederatedCohort.suppressedRepositories`).
   */
  suppressed: Scalars['Boolean']['output'];
};

/**
 * Which repositories each count of a Europe-wide total adds up: those that answered and gave that count (a
 * count-only node may give subjects but no image counts). A repository missing from a list is not in that sum.
 */
export type CohortContributors = {
  __typename?: 'CohortContributors';
  /** Only when facets are selected. */
  facets: Array<FacetContributors>;
  images: Array<Scalars['ID']['output']>;
  series: Array<Scalars['ID']['output']>;
  studies: Array<Scalars['ID']['output']>;
  subjects: Array<Scalars['ID']['output']>;
};

/**
 * Facets of a cohort, counted in subjects. A list is empty when the repository cannot count that attribute.
 * A subject with several modalities (body parts, manufacturers) counts once under each.
 */
export type CohortFacets = {
  __typename?: 'CohortFacets';
  /** Ten-year bands of age at diagnosis: "0-9", "10-19", ... "90+". */
  ageBand: Array<FacetCount>;
  bodyPart: Array<FacetCount>;
  cancerSite: Array<FacetCount>;
  manufacturer: Array<FacetCount>;
  modality: Array<FacetCount>;
  sex: Array<FacetCount>;
};

export type Collection = {
  __typename?: 'Collection';
  cancerSites: Array<CancerSite>;
  description: Maybe<Scalars['String']['output']>;
  doi: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  landingPage: Maybe<Scalars['String']['output']>;
  licence: Maybe<Scalars['String']['output']>;
  modalities: Array<Modality>;
  name: Scalars['String']['output'];
  studies: Maybe<Scalars['Int']['output']>;
  subjects: Maybe<Scalars['Int']['output']>;
  /** Modality values the repository lists for this collection that name no DICOM modality (e.g. "Unknown", a local label), as written: reported rather than dropped. */
  unmappedModalities: Array<Scalars['String']['output']>;
};

export type Diagnosis = {
  __typename?: 'Diagnosis';
  cancerSite: CancerSite;
  description: Maybe<Scalars['String']['output']>;
  /** ICD-10 code, e.g. "C50.9". */
  icd10: Maybe<Scalars['String']['output']>;
  /** ICD-O-3 morphology with behaviour, e.g. "8500/3". */
  icdO3Morphology: Maybe<Scalars['String']['output']>;
  /** ICD-O-3 topography code, e.g. "C50.4". */
  icdO3Topography: Maybe<Scalars['String']['output']>;
  stage: Maybe<Stage>;
  yearOfDiagnosis: Maybe<Scalars['Int']['output']>;
};

/** Per facet, the repositories whose buckets a Europe-wide facet adds up. */
export type FacetContributors = {
  __typename?: 'FacetContributors';
  /** The facet, named as in CohortFacets, e.g. "modality". */
  facet: Scalars['String']['output'];
  repositories: Array<Scalars['ID']['output']>;
};

/** Number of subjects per value of one attribute; `value` is the enum name (e.g. "MR") or the raw string. */
export type FacetCount = {
  __typename?: 'FacetCount';
  /**
   * Subjects with this value. Null only when withheld from this caller, who has no record grant for the repository
   * (a repository never gives a bucket without its number): fewer than the cohort's `minCellSize` subjects have this
   * value, or the bucket is withheld beside such a bucket so that the small one cannot be worked out as the cohort's
   * subjects minus the other buckets (complementary suppression). Which of the two is not said: a portal shows
   * "withheld" (or "fewer than k, or withheld to protect one"), never 0. Withheld buckets come after the others,
   * ordered by value (their order says nothing about their size). A withheld bucket is named only when the cohort's
   * `subjects` is shown: when `subjects` is withheld every facet is empty, and when it is unknown withheld buckets
   * are left out and the facet is listed in `incompleteFacets`.
   */
  subjects: Maybe<Scalars['Int']['output']>;
  value: Scalars['String']['output'];
};

/**
 * One flat case list across the repositories that list cases, merged in `orderBy` order. Walking every page with
 * `after: pageInfo.endCursor` yields every matching case exactly once. The cursor is composite: it holds each
 * repository's own position, so a repository that fails on a page is asked again from there on the next page.
 */
export type FederatedCaseConnection = {
  __typename?: 'FederatedCaseConnection';
  /** True when every repository that lists cases answered this page (count-only repositories never list cases). */
  complete: Scalars['Boolean']['output'];
  edges: Array<FederatedCaseEdge>;
  nodes: Array<Case>;
  /**
   * `hasNextPage` is true while a repository that answered has cases left. `endCursor` is always given: when the
   * list ends with repositories that failed (`complete: false`), pass it as `after` later to fetch their cases.
   */
  pageInfo: PageInfo;
  /** Every selected repository, in catalogue order, with its part of this page. */
  repositories: Array<RepositoryCases>;
  /** Matching cases across the listing repositories; null when one of them has not counted (failed, or cannot). */
  totalCount: Maybe<Scalars['Int']['output']>;
};

export type FederatedCaseEdge = {
  __typename?: 'FederatedCaseEdge';
  /** The composite cursor just after this case: pass it as `after` to go on from here. */
  cursor: Scalars['String']['output'];
  node: Case;
};

/** A cohort counted across Europe: the total and each repository's part. */
export type FederatedCohort = {
  __typename?: 'FederatedCohort';
  /** True only when every selected repository answered with every filter criterion applied (all OK). */
  complete: Scalars['Boolean']['output'];
  contributors: CohortContributors;
  /** Every selected repository, in catalogue order, with its cohort and status. */
  repositories: Array<RepositoryCohort>;
  /**
   * Repositories that withheld counts from this caller (small cells, see `Cohort.suppressed`). A withheld count is
   * left out of the total (the repository is then missing from that count's `contributors`), never estimated: the
   * total of a count or facet bucket is the sum of the parts shown, so no subtraction of the total and the parts
   * reveals a withheld cell, and the total is a lower bound (`exact` false, `suppressed` true).
   */
  suppressedRepositories: Array<Scalars['ID']['output']>;
  /**
   * Counts and facets summed over the repositories that answered (OK, PARTIAL or INCOMPLETE); each count over those that gave
   * it (see `contributors`), null when none did. `exact` is true only when every selected repository answered
   * exactly. `filtersNotApplied` lists each criterion some repository could not evaluate, the reason naming it;
   * `filtersApplied` the criteria every answering repository applied. `incompleteFacets` lists the facets that
   * miss a contributing repository's subjects or list only some values for one of them. Counts and buckets a
   * repository withheld from this caller (small cells) are left out, never estimated: see `suppressedRepositories`.
   */
  total: Cohort;
};

/** The criteria of a `CaseFilter`, used to report which ones a repository applied. */
export type FilterCriterion =
  | 'AGE_AT_DIAGNOSIS'
  | 'BODY_PARTS'
  | 'CANCER_SITES'
  | 'COLLECTIONS'
  | 'MANUFACTURERS'
  | 'MODALITIES'
  | 'SEX'
  | 'YEAR_OF_DIAGNOSIS';

export type FilterNotApplied = {
  __typename?: 'FilterNotApplied';
  criterion: FilterCriterion;
  /** Why the repository could not evaluate it, e.g. "the mediator takes one value per criterion". */
  reason: Scalars['String']['output'];
};

/** What a repository can answer: counts only, or records (cases, studies, series). */
export type Granularity =
  | 'COUNT'
  | 'RECORD';

export type ImagingSeries = {
  __typename?: 'ImagingSeries';
  bodyPart: BodyPart;
  /** BodyPartExamined as the repository sent it, e.g. "TORAX". */
  bodyPartRaw: Maybe<Scalars['String']['output']>;
  description: Maybe<Scalars['String']['output']>;
  instanceCount: Maybe<Scalars['Int']['output']>;
  manufacturer: Maybe<Scalars['String']['output']>;
  modality: Maybe<Modality>;
  /** The modality string as the repository sent it. */
  modalityRaw: Maybe<Scalars['String']['output']>;
  retrieve: Maybe<RetrieveReference>;
  /** Size in bytes where the repository reports it. */
  sizeBytes: Maybe<Scalars['Float']['output']>;
  uid: Scalars['ID']['output'];
};

export type ImagingStudy = {
  __typename?: 'ImagingStudy';
  bodyParts: Array<BodyPart>;
  /** Study date, ISO 8601 (YYYY-MM-DD). */
  date: Maybe<Scalars['String']['output']>;
  description: Maybe<Scalars['String']['output']>;
  instanceCount: Maybe<Scalars['Int']['output']>;
  modalities: Array<Modality>;
  series: Array<ImagingSeries>;
  seriesCount: Maybe<Scalars['Int']['output']>;
  uid: Scalars['ID']['output'];
};

/** An inclusive range; either bound may be left out. */
export type IntRange = {
  max?: InputMaybe<Scalars['Int']['input']>;
  min?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * The series of the matching cases, with their retrieve references, for bulk download. Series are those that
 * satisfy the filter's image criteria (modalities, bodyParts, manufacturers), or every series of a matching case
 * with `allSeries: true` or when the filter has no image criteria. Ordered by subject id, then repository,
 * study and series as the repository lists them. Only repositories that list cases contribute.
 */
export type Manifest = {
  __typename?: 'Manifest';
  /** True when every repository that lists cases answered to the end and the manifest is not truncated. */
  complete: Scalars['Boolean']['output'];
  /** Renderings in the requested format. */
  files: Array<ManifestFile>;
  maxSeries: Scalars['Int']['output'];
  /** Every selected repository, in catalogue order. */
  repositories: Array<RepositoryManifest>;
  series: Array<ManifestSeries>;
  seriesCount: Scalars['Int']['output'];
  /** Series whose size the repository does not report. */
  seriesWithoutSize: Scalars['Int']['output'];
  /** Sum of the known sizes. */
  sizeBytes: Scalars['Float']['output'];
  /** True when more series match than `maxSeries`: the list stops there. */
  truncated: Scalars['Boolean']['output'];
};

/** A text file a portal hands to a native bulk tool. */
export type ManifestFile = {
  __typename?: 'ManifestFile';
  content: Scalars['String']['output'];
  mediaType: Scalars['String']['output'];
  /** A suggested file name, e.g. "europe-urls.txt" or "pt-nbia.tcia". */
  name: Scalars['String']['output'];
  /** The repositories whose series it lists. */
  repositoryIds: Array<Scalars['ID']['output']>;
  /** Number of series it lists. */
  series: Scalars['Int']['output'];
};

/** Text renderings of a manifest for native bulk-download tools. */
export type ManifestFormat =
  /** CSV with a header line: repository, case, subject, study, series, modality, body part, instances, bytes, protocol, url. */
  | 'CSV'
  /** A TCIA manifest (.tcia) per NBIA repository, for the NBIA Data Retriever; other series are left out. */
  | 'TCIA'
  /** One retrieve URL per line (wget -i, aria2c -i, curl); series without a URL are left out. */
  | 'URL_LIST';

/** One series to download. */
export type ManifestSeries = {
  __typename?: 'ManifestSeries';
  bodyPart: Maybe<BodyPart>;
  caseId: Scalars['ID']['output'];
  instanceCount: Maybe<Scalars['Int']['output']>;
  modality: Maybe<Modality>;
  repositoryId: Scalars['ID']['output'];
  /** How to fetch it; null when the repository gives no reference. */
  retrieve: Maybe<RetrieveReference>;
  seriesUid: Scalars['ID']['output'];
  /** Size in bytes where the repository reports it. */
  sizeBytes: Maybe<Scalars['Float']['output']>;
  studyUid: Scalars['ID']['output'];
  subjectId: Scalars['String']['output'];
};

/** DICOM modality (PS3.3 C.7.3.1.1.1 defined terms, the values of tag (0008,0060)). */
export type Modality =
  /** Computed radiography */
  | 'CR'
  /** Computed tomography */
  | 'CT'
  /** Digital radiography */
  | 'DX'
  /** Mammography */
  | 'MG'
  /** Magnetic resonance */
  | 'MR'
  /** Nuclear medicine (incl. SPECT) */
  | 'NM'
  /** Other */
  | 'OT'
  /** Positron emission tomography */
  | 'PT'
  /** Radio fluoroscopy */
  | 'RF'
  /** Radiotherapy dose */
  | 'RTDOSE'
  /** Radiotherapy plan */
  | 'RTPLAN'
  /** Radiotherapy structure set */
  | 'RTSTRUCT'
  /** Secondary capture (screenshots, scanned or derived images) */
  | 'SC'
  /** Segmentation */
  | 'SEG'
  /** Slide microscopy */
  | 'SM'
  /** Structured report */
  | 'SR'
  /** Ultrasound */
  | 'US'
  /** X-ray angiography */
  | 'XA';

export type PageInfo = {
  __typename?: 'PageInfo';
  /** Opaque cursor to pass as `after` for the next page. */
  endCursor: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * Matching cases of every selected repository that lists cases, as one list merged in `orderBy` order. `first`
   * is 1..500. `after` is an `endCursor` (or an edge's cursor) of an earlier page with the same `where`,
   * `repositories` and `orderBy`; any other value is refused with BAD_CURSOR.
   */
  cases: FederatedCaseConnection;
  /**
   * A cohort counted in every selected repository (all by default) and summed Europe-wide, with each repository's
   * part and status. A repository that fails is reported and left out of the total; the others answer.
   */
  cohort: FederatedCohort;
  /**
   * A download manifest: the matching series with their retrieve references, at most `maxSeries` (1..50000), and
   * renderings in `format` for native bulk tools.
   */
  manifest: Manifest;
  /** Repositories of the federation, in config order, optionally filtered. */
  repositories: Array<Repository>;
  /** One repository by id; null when no repository has that id. */
  repository: Maybe<Repository>;
};


export type QueryCasesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<CaseOrder>;
  repositories?: InputMaybe<RepositoryFilter>;
  where?: InputMaybe<CaseFilter>;
};


export type QueryCohortArgs = {
  repositories?: InputMaybe<RepositoryFilter>;
  where?: InputMaybe<CaseFilter>;
};


export type QueryManifestArgs = {
  allSeries?: InputMaybe<Scalars['Boolean']['input']>;
  format?: InputMaybe<ManifestFormat>;
  maxSeries?: InputMaybe<Scalars['Int']['input']>;
  repositories?: InputMaybe<RepositoryFilter>;
  where?: InputMaybe<CaseFilter>;
};


export type QueryRepositoriesArgs = {
  where?: InputMaybe<RepositoryFilter>;
};


export type QueryRepositoryArgs = {
  id: Scalars['ID']['input'];
};

/**
 * A cancer-imaging repository of the federation. Its catalogue fields come from the federation config;
 * its data fields (`cohort`, `cases`, `collections`) come from the repository's own subgraph and are null,
 * with an error naming the repository, when it cannot answer.
 */
export type Repository = {
  /** The native API its adapter speaks: dicomweb, nbia, gdc, fhir, xnat, beacon, eucaim-mediator. */
  apiKind: Scalars['String']['output'];
  capabilities: RepositoryCapabilities;
  /** Matching cases, ordered by subject id. Null for COUNT-granularity repositories, with an error saying so. */
  cases: Maybe<CaseConnection>;
  /** Counts and facets of the cases matching `where`. */
  cohort: Maybe<Cohort>;
  /** The repository's collections (datasets). */
  collections: Maybe<Array<Collection>>;
  /** ISO 3166-1 alpha-2 country code. */
  country: Scalars['String']['output'];
  granularity: Granularity;
  /** Stable id from the federation config, e.g. "de-heidelberg-pacs". */
  id: Scalars['ID']['output'];
  institution: Scalars['String']['output'];
  name: Scalars['String']['output'];
};


/**
 * A cancer-imaging repository of the federation. Its catalogue fields come from the federation config;
 * its data fields (`cohort`, `cases`, `collections`) come from the repository's own subgraph and are null,
 * with an error naming the repository, when it cannot answer.
 */
export type RepositoryCasesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  where?: InputMaybe<CaseFilter>;
};


/**
 * A cancer-imaging repository of the federation. Its catalogue fields come from the federation config;
 * its data fields (`cohort`, `cases`, `collections`) come from the repository's own subgraph and are null,
 * with an error naming the repository, when it cannot answer.
 */
export type RepositoryCohortArgs = {
  where?: InputMaybe<CaseFilter>;
};

/** What a repository's adapter can evaluate and serve. */
export type RepositoryCapabilities = {
  __typename?: 'RepositoryCapabilities';
  /** Whether `cases` lists records (RECORD granularity). */
  caseListing: Scalars['Boolean']['output'];
  /** Criteria of `CaseFilter` the repository evaluates (natively or in its adapter). Others are reported as not applied. */
  criteria: Array<FilterCriterion>;
  /** Whether `cohort` returns facets. */
  facets: Scalars['Boolean']['output'];
};

/** One repository's part of a page of a Europe-wide case list. */
export type RepositoryCases = {
  __typename?: 'RepositoryCases';
  /** Whether the walk has passed every one of its matching cases. */
  exhausted: Scalars['Boolean']['output'];
  repository: Maybe<Repository>;
  repositoryId: Scalars['ID']['output'];
  /**
   * True when it failed on an earlier page of this walk and answered on this one: the walk resumed it where it
   * stopped, so its first cases on this page may sort before the end of the previous page. Each case still comes
   * exactly once.
   */
  resumed: Scalars['Boolean']['output'];
  /** Its cases on this page. */
  returned: Scalars['Int']['output'];
  /**
   * OK: answered (or had no cases left and was not asked). NOT_SUPPORTED: a count-only repository (never asked),
   * or a filter its case list cannot honour. Failures: its cases are missing from this page; the walk goes on with
   * the others and asks it again, from where it stopped, on the next page.
   */
  status: RepositoryStatus;
  /** Its matching cases, when it counts them (remembered from its last answer in this walk). */
  totalCount: Maybe<Scalars['Int']['output']>;
};

/** One repository's part of a Europe-wide cohort. */
export type RepositoryCohort = {
  __typename?: 'RepositoryCohort';
  /** Null when the repository did not answer (see `status`). */
  cohort: Maybe<Cohort>;
  /** Whether its counts are in the total: it answered (state OK, PARTIAL or INCOMPLETE). */
  inTotal: Scalars['Boolean']['output'];
  repository: Maybe<Repository>;
  repositoryId: Scalars['ID']['output'];
  status: RepositoryStatus;
};

/** Selects repositories from the catalog. Several values in one criterion mean OR; criteria AND together. */
export type RepositoryFilter = {
  apiKinds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** ISO 3166-1 alpha-2 country codes. */
  countries?: InputMaybe<Array<Scalars['String']['input']>>;
  granularity?: InputMaybe<Granularity>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
};

/** One repository's part of a manifest. */
export type RepositoryManifest = {
  __typename?: 'RepositoryManifest';
  /** Cases with series listed. */
  cases: Scalars['Int']['output'];
  /** Whether all its matching series are listed (false when it failed or the manifest was truncated before its end). */
  exhausted: Scalars['Boolean']['output'];
  repository: Maybe<Repository>;
  repositoryId: Scalars['ID']['output'];
  /** Series listed. */
  series: Scalars['Int']['output'];
  /** Sum of the known sizes of its series listed. */
  sizeBytes: Scalars['Float']['output'];
  status: RepositoryStatus;
};

/** How one repository answered its part of a Europe-wide question. */
export type RepositoryState =
  /** Not asked: its circuit breaker is open after repeated failures. */
  | 'CIRCUIT_OPEN'
  /** Failed: unreachable, an HTTP error, a malformed native answer or an adapter error (see `code` and `message`). */
  | 'FAILED'
  /**
   * Answered from the part of its index harvested so far (its first harvest after the gateway started is still
   * running): its counts cover only part of its cases and are lower bounds (see `Cohort.coverage`). In the total.
   */
  | 'INCOMPLETE'
  /**
   * Cannot answer this question by design: a count-only repository asked for cases, or a case list for a filter
   * with a criterion the repository cannot evaluate (a list is refused rather than answered with cases that may not match).
   */
  | 'NOT_SUPPORTED'
  /** Answered, with every criterion of the filter applied. */
  | 'OK'
  /** Not asked: the gateway's calls to it at once were all taken and this one waited too long for its turn; retry in a moment. */
  | 'OVERLOADED'
  /** Answered, but could not evaluate some criteria (see `filtersNotApplied`): its counts are upper bounds. */
  | 'PARTIAL'
  /** Did not answer within its timeout. */
  | 'TIMED_OUT'
  /**
   * Not answered yet: it answers from an index the gateway harvests, and the first harvest after the gateway started
   * was not done within the wait a call gives it (code REPOSITORY_WARMING). The harvest goes on; retry in a moment
   * (/readyz lists the repositories still warming).
   */
  | 'WARMING';

export type RepositoryStatus = {
  __typename?: 'RepositoryStatus';
  /** The `extensions.code` of the repository's error (e.g. REPOSITORY_HTTP_ERROR); null when it answered. */
  code: Maybe<Scalars['String']['output']>;
  /** Criteria the repository could not evaluate (state PARTIAL). */
  filtersNotApplied: Array<FilterNotApplied>;
  /** Milliseconds the repository's part took, measured around its request through the gateway (retries included). */
  latencyMs: Scalars['Int']['output'];
  /** The error message, naming the repository; null when it answered. */
  message: Maybe<Scalars['String']['output']>;
  state: RepositoryState;
};

/** How to fetch a series from its repository: hand over to the native bulk tools, no bytes pass through here. */
export type RetrieveProtocol =
  /** Access must be requested from the repository (e.g. via the EUCAIM Negotiator). */
  | 'ACCESS_REQUEST'
  /** DICOMweb WADO-RS: `url` is the series URL. */
  | 'DICOMWEB_WADO_RS'
  /** GDC-style data endpoint: `url` (`/data/{file_id}`) downloads the open file. */
  | 'GDC_DATA'
  /** TCIA NBIA getImage: `url` downloads a ZIP of the series. */
  | 'NBIA_GET_IMAGE'
  /** XNAT REST: `url` downloads a ZIP of the scan's DICOM files. */
  | 'XNAT_REST';

export type RetrieveReference = {
  __typename?: 'RetrieveReference';
  protocol: RetrieveProtocol;
  url: Maybe<Scalars['String']['output']>;
};

/** Administrative sex as recorded by the repository (DICOM (0010,0040), FHIR gender, EUCAIM COM codes). */
export type Sex =
  | 'FEMALE'
  | 'MALE'
  | 'OTHER'
  | 'UNKNOWN';

/** TNM staging where the repository knows it (AJCC / UICC). */
export type Stage = {
  __typename?: 'Stage';
  /** Stage group, e.g. "IIA". */
  group: Maybe<Scalars['String']['output']>;
  m: Maybe<Scalars['String']['output']>;
  n: Maybe<Scalars['String']['output']>;
  /** Staging system and edition, e.g. "AJCC 8th". */
  system: Maybe<Scalars['String']['output']>;
  t: Maybe<Scalars['String']['output']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  Repository: Repository;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Repository:
    ( { __typename: 'Repository' }
    & GraphQLRecursivePick<FederationTypes['Repository'], {"id":true}> );
};


/** Mapping of interface types */
export type ResolversInterfaceTypes<_RefType extends Record<string, unknown>> = {
  Repository: never;
};

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  BodyPart: BodyPart;
  CancerSite: CancerSite;
  Case: ResolverTypeWrapper<Case>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  CaseConnection: ResolverTypeWrapper<CaseConnection>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CaseEdge: ResolverTypeWrapper<CaseEdge>;
  CaseFilter: CaseFilter;
  CaseOrder: CaseOrder;
  Cohort: ResolverTypeWrapper<Cohort>;
  CohortContributors: ResolverTypeWrapper<CohortContributors>;
  CohortFacets: ResolverTypeWrapper<CohortFacets>;
  Collection: ResolverTypeWrapper<Collection>;
  Diagnosis: ResolverTypeWrapper<Diagnosis>;
  FacetContributors: ResolverTypeWrapper<FacetContributors>;
  FacetCount: ResolverTypeWrapper<FacetCount>;
  FederatedCaseConnection: ResolverTypeWrapper<CasePageRecord>;
  FederatedCaseEdge: ResolverTypeWrapper<FederatedCaseEdge>;
  FederatedCohort: ResolverTypeWrapper<FederatedCohortRecord>;
  FilterCriterion: FilterCriterion;
  FilterNotApplied: ResolverTypeWrapper<FilterNotApplied>;
  Granularity: Granularity;
  ImagingSeries: ResolverTypeWrapper<ImagingSeries>;
  ImagingStudy: ResolverTypeWrapper<ImagingStudy>;
  IntRange: IntRange;
  Manifest: ResolverTypeWrapper<ManifestRecord>;
  ManifestFile: ResolverTypeWrapper<ManifestFile>;
  ManifestFormat: ManifestFormat;
  ManifestSeries: ResolverTypeWrapper<ManifestSeries>;
  Modality: Modality;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Repository: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Repository']>;
  RepositoryCapabilities: ResolverTypeWrapper<RepositoryCapabilities>;
  RepositoryCases: ResolverTypeWrapper<Omit<RepositoryCases, 'repository'> & { repository?: Maybe<ResolversTypes['Repository']> }>;
  RepositoryCohort: ResolverTypeWrapper<Omit<RepositoryCohort, 'repository'> & { repository?: Maybe<ResolversTypes['Repository']> }>;
  RepositoryFilter: RepositoryFilter;
  RepositoryManifest: ResolverTypeWrapper<Omit<RepositoryManifest, 'repository'> & { repository?: Maybe<ResolversTypes['Repository']> }>;
  RepositoryState: RepositoryState;
  RepositoryStatus: ResolverTypeWrapper<RepositoryStatus>;
  RetrieveProtocol: RetrieveProtocol;
  RetrieveReference: ResolverTypeWrapper<RetrieveReference>;
  Sex: Sex;
  Stage: ResolverTypeWrapper<Stage>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Case: Case;
  Float: Scalars['Float']['output'];
  ID: Scalars['ID']['output'];
  CaseConnection: CaseConnection;
  Int: Scalars['Int']['output'];
  CaseEdge: CaseEdge;
  CaseFilter: CaseFilter;
  Cohort: Cohort;
  CohortContributors: CohortContributors;
  CohortFacets: CohortFacets;
  Collection: Collection;
  Diagnosis: Diagnosis;
  FacetContributors: FacetContributors;
  FacetCount: FacetCount;
  FederatedCaseConnection: CasePageRecord;
  FederatedCaseEdge: FederatedCaseEdge;
  FederatedCohort: FederatedCohortRecord;
  FilterNotApplied: FilterNotApplied;
  ImagingSeries: ImagingSeries;
  ImagingStudy: ImagingStudy;
  IntRange: IntRange;
  Manifest: ManifestRecord;
  ManifestFile: ManifestFile;
  ManifestSeries: ManifestSeries;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Repository: ResolversInterfaceTypes<ResolversParentTypes>['Repository'];
  RepositoryCapabilities: RepositoryCapabilities;
  RepositoryCases: Omit<RepositoryCases, 'repository'> & { repository?: Maybe<ResolversParentTypes['Repository']> };
  RepositoryCohort: Omit<RepositoryCohort, 'repository'> & { repository?: Maybe<ResolversParentTypes['Repository']> };
  RepositoryFilter: RepositoryFilter;
  RepositoryManifest: Omit<RepositoryManifest, 'repository'> & { repository?: Maybe<ResolversParentTypes['Repository']> };
  RepositoryStatus: RepositoryStatus;
  RetrieveReference: RetrieveReference;
  Stage: Stage;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
};

export type ShareableDirectiveArgs = { };

export type ShareableDirectiveResolver<Result, Parent, ContextType = RequestContext, Args = ShareableDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type CaseResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Case'] = ResolversParentTypes['Case']> = {
  ageAtDiagnosis?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  collection?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  diagnosis?: Resolver<Maybe<ResolversTypes['Diagnosis']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  repositoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sex?: Resolver<Maybe<ResolversTypes['Sex']>, ParentType, ContextType>;
  studies?: Resolver<Array<ResolversTypes['ImagingStudy']>, ParentType, ContextType>;
  subjectId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CaseConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CaseConnection'] = ResolversParentTypes['CaseConnection']> = {
  edges?: Resolver<Array<ResolversTypes['CaseEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Case']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type CaseEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CaseEdge'] = ResolversParentTypes['CaseEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Case'], ParentType, ContextType>;
};

export type CohortResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Cohort'] = ResolversParentTypes['Cohort']> = {
  coverage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  exact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  exists?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['CohortFacets'], ParentType, ContextType>;
  filtersApplied?: Resolver<Array<ResolversTypes['FilterCriterion']>, ParentType, ContextType>;
  filtersNotApplied?: Resolver<Array<ResolversTypes['FilterNotApplied']>, ParentType, ContextType>;
  images?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  incompleteFacets?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  minCellSize?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  noiseScale?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  roundedTo?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  series?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  studies?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  subjects?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  suppressed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type CohortContributorsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CohortContributors'] = ResolversParentTypes['CohortContributors']> = {
  facets?: Resolver<Array<ResolversTypes['FacetContributors']>, ParentType, ContextType>;
  images?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  series?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  studies?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  subjects?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type CohortFacetsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CohortFacets'] = ResolversParentTypes['CohortFacets']> = {
  ageBand?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  bodyPart?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  cancerSite?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  manufacturer?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  modality?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  sex?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
};

export type CollectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Collection'] = ResolversParentTypes['Collection']> = {
  cancerSites?: Resolver<Array<ResolversTypes['CancerSite']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  doi?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  landingPage?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  licence?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  modalities?: Resolver<Array<ResolversTypes['Modality']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  studies?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  subjects?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  unmappedModalities?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type DiagnosisResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Diagnosis'] = ResolversParentTypes['Diagnosis']> = {
  cancerSite?: Resolver<ResolversTypes['CancerSite'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icd10?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icdO3Morphology?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icdO3Topography?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stage?: Resolver<Maybe<ResolversTypes['Stage']>, ParentType, ContextType>;
  yearOfDiagnosis?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type FacetContributorsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FacetContributors'] = ResolversParentTypes['FacetContributors']> = {
  facet?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  repositories?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
};

export type FacetCountResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FacetCount'] = ResolversParentTypes['FacetCount']> = {
  subjects?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type FederatedCaseConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FederatedCaseConnection'] = ResolversParentTypes['FederatedCaseConnection']> = {
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  edges?: Resolver<Array<ResolversTypes['FederatedCaseEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Case']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  repositories?: Resolver<Array<ResolversTypes['RepositoryCases']>, ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type FederatedCaseEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FederatedCaseEdge'] = ResolversParentTypes['FederatedCaseEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Case'], ParentType, ContextType>;
};

export type FederatedCohortResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FederatedCohort'] = ResolversParentTypes['FederatedCohort']> = {
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  contributors?: Resolver<ResolversTypes['CohortContributors'], ParentType, ContextType>;
  repositories?: Resolver<Array<ResolversTypes['RepositoryCohort']>, ParentType, ContextType>;
  suppressedRepositories?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Cohort'], ParentType, ContextType>;
};

export type FilterNotAppliedResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FilterNotApplied'] = ResolversParentTypes['FilterNotApplied']> = {
  criterion?: Resolver<ResolversTypes['FilterCriterion'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ImagingSeriesResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ImagingSeries'] = ResolversParentTypes['ImagingSeries']> = {
  bodyPart?: Resolver<ResolversTypes['BodyPart'], ParentType, ContextType>;
  bodyPartRaw?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  instanceCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  manufacturer?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  modality?: Resolver<Maybe<ResolversTypes['Modality']>, ParentType, ContextType>;
  modalityRaw?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  retrieve?: Resolver<Maybe<ResolversTypes['RetrieveReference']>, ParentType, ContextType>;
  sizeBytes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ImagingStudyResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ImagingStudy'] = ResolversParentTypes['ImagingStudy']> = {
  bodyParts?: Resolver<Array<ResolversTypes['BodyPart']>, ParentType, ContextType>;
  date?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  instanceCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  modalities?: Resolver<Array<ResolversTypes['Modality']>, ParentType, ContextType>;
  series?: Resolver<Array<ResolversTypes['ImagingSeries']>, ParentType, ContextType>;
  seriesCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  uid?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type ManifestResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Manifest'] = ResolversParentTypes['Manifest']> = {
  complete?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  files?: Resolver<Array<ResolversTypes['ManifestFile']>, ParentType, ContextType>;
  maxSeries?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  repositories?: Resolver<Array<ResolversTypes['RepositoryManifest']>, ParentType, ContextType>;
  series?: Resolver<Array<ResolversTypes['ManifestSeries']>, ParentType, ContextType>;
  seriesCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seriesWithoutSize?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  truncated?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type ManifestFileResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ManifestFile'] = ResolversParentTypes['ManifestFile']> = {
  content?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  mediaType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  repositoryIds?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType>;
  series?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ManifestSeriesResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['ManifestSeries'] = ResolversParentTypes['ManifestSeries']> = {
  bodyPart?: Resolver<Maybe<ResolversTypes['BodyPart']>, ParentType, ContextType>;
  caseId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  instanceCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  modality?: Resolver<Maybe<ResolversTypes['Modality']>, ParentType, ContextType>;
  repositoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  retrieve?: Resolver<Maybe<ResolversTypes['RetrieveReference']>, ParentType, ContextType>;
  seriesUid?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sizeBytes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  studyUid?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  subjectId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  cases?: Resolver<ResolversTypes['FederatedCaseConnection'], ParentType, ContextType, RequireFields<QueryCasesArgs, 'first' | 'orderBy'>>;
  cohort?: Resolver<ResolversTypes['FederatedCohort'], ParentType, ContextType, Partial<QueryCohortArgs>>;
  manifest?: Resolver<ResolversTypes['Manifest'], ParentType, ContextType, RequireFields<QueryManifestArgs, 'allSeries' | 'format' | 'maxSeries'>>;
  repositories?: Resolver<Array<ResolversTypes['Repository']>, ParentType, ContextType, Partial<QueryRepositoriesArgs>>;
  repository?: Resolver<Maybe<ResolversTypes['Repository']>, ParentType, ContextType, RequireFields<QueryRepositoryArgs, 'id'>>;
};

export type RepositoryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Repository'] = ResolversParentTypes['Repository'], FederationReferenceType extends FederationReferenceTypes['Repository'] = FederationReferenceTypes['Repository']> = {
  __resolveType: TypeResolveFn<null, ParentType, ContextType>;
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Repository']> | FederationReferenceType, FederationReferenceType, ContextType>;
};

export type RepositoryCapabilitiesResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryCapabilities'] = ResolversParentTypes['RepositoryCapabilities']> = {
  caseListing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  criteria?: Resolver<Array<ResolversTypes['FilterCriterion']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type RepositoryCasesResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryCases'] = ResolversParentTypes['RepositoryCases']> = {
  exhausted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  repository?: Resolver<Maybe<ResolversTypes['Repository']>, ParentType, ContextType>;
  repositoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  resumed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  returned?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RepositoryStatus'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type RepositoryCohortResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryCohort'] = ResolversParentTypes['RepositoryCohort']> = {
  cohort?: Resolver<Maybe<ResolversTypes['Cohort']>, ParentType, ContextType>;
  inTotal?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  repository?: Resolver<Maybe<ResolversTypes['Repository']>, ParentType, ContextType>;
  repositoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RepositoryStatus'], ParentType, ContextType>;
};

export type RepositoryManifestResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryManifest'] = ResolversParentTypes['RepositoryManifest']> = {
  cases?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  exhausted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  repository?: Resolver<Maybe<ResolversTypes['Repository']>, ParentType, ContextType>;
  repositoryId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  series?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['RepositoryStatus'], ParentType, ContextType>;
};

export type RepositoryStatusResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryStatus'] = ResolversParentTypes['RepositoryStatus']> = {
  code?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  filtersNotApplied?: Resolver<Array<ResolversTypes['FilterNotApplied']>, ParentType, ContextType>;
  latencyMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  message?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  state?: Resolver<ResolversTypes['RepositoryState'], ParentType, ContextType>;
};

export type RetrieveReferenceResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RetrieveReference'] = ResolversParentTypes['RetrieveReference']> = {
  protocol?: Resolver<ResolversTypes['RetrieveProtocol'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type StageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Stage'] = ResolversParentTypes['Stage']> = {
  group?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  m?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  n?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  system?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  t?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  Case?: CaseResolvers<ContextType>;
  CaseConnection?: CaseConnectionResolvers<ContextType>;
  CaseEdge?: CaseEdgeResolvers<ContextType>;
  Cohort?: CohortResolvers<ContextType>;
  CohortContributors?: CohortContributorsResolvers<ContextType>;
  CohortFacets?: CohortFacetsResolvers<ContextType>;
  Collection?: CollectionResolvers<ContextType>;
  Diagnosis?: DiagnosisResolvers<ContextType>;
  FacetContributors?: FacetContributorsResolvers<ContextType>;
  FacetCount?: FacetCountResolvers<ContextType>;
  FederatedCaseConnection?: FederatedCaseConnectionResolvers<ContextType>;
  FederatedCaseEdge?: FederatedCaseEdgeResolvers<ContextType>;
  FederatedCohort?: FederatedCohortResolvers<ContextType>;
  FilterNotApplied?: FilterNotAppliedResolvers<ContextType>;
  ImagingSeries?: ImagingSeriesResolvers<ContextType>;
  ImagingStudy?: ImagingStudyResolvers<ContextType>;
  Manifest?: ManifestResolvers<ContextType>;
  ManifestFile?: ManifestFileResolvers<ContextType>;
  ManifestSeries?: ManifestSeriesResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Repository?: RepositoryResolvers<ContextType>;
  RepositoryCapabilities?: RepositoryCapabilitiesResolvers<ContextType>;
  RepositoryCases?: RepositoryCasesResolvers<ContextType>;
  RepositoryCohort?: RepositoryCohortResolvers<ContextType>;
  RepositoryManifest?: RepositoryManifestResolvers<ContextType>;
  RepositoryStatus?: RepositoryStatusResolvers<ContextType>;
  RetrieveReference?: RetrieveReferenceResolvers<ContextType>;
  Stage?: StageResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = RequestContext> = {
  shareable?: ShareableDirectiveResolver<any, any, ContextType>;
};
