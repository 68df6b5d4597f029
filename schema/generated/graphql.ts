import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../../subgraphs/sdk/context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
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

/**
 * Counts for a cohort in one repository. A count is null when the repository cannot produce it.
 * When `filtersNotApplied` is not empty the counts ignore those criteria: they are upper bounds and `exact` is false.
 */
export type Cohort = {
  __typename?: 'Cohort';
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
  series: Maybe<Scalars['Int']['output']>;
  studies: Maybe<Scalars['Int']['output']>;
  subjects: Maybe<Scalars['Int']['output']>;
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

/** Number of subjects per value of one attribute; `value` is the enum name (e.g. "MR") or the raw string. */
export type FacetCount = {
  __typename?: 'FacetCount';
  subjects: Scalars['Int']['output'];
  value: Scalars['String']['output'];
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
  /** Repositories of the federation, in config order, optionally filtered. */
  repositories: Array<Repository>;
  /** One repository by id; null when no repository has that id. */
  repository: Maybe<Repository>;
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

/** Selects repositories from the catalog. Several values in one criterion mean OR; criteria AND together. */
export type RepositoryFilter = {
  apiKinds?: InputMaybe<Array<Scalars['String']['input']>>;
  /** ISO 3166-1 alpha-2 country codes. */
  countries?: InputMaybe<Array<Scalars['String']['input']>>;
  granularity?: InputMaybe<Granularity>;
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
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


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = {}, TContext = {}, TArgs = {}> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

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

export type SubscriptionResolver<TResult, TKey extends string, TParent = {}, TContext = {}, TArgs = {}> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = {}, TContext = {}> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = {}, TContext = {}> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = {}, TParent = {}, TContext = {}, TArgs = {}> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;


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
  Cohort: ResolverTypeWrapper<Cohort>;
  CohortFacets: ResolverTypeWrapper<CohortFacets>;
  Collection: ResolverTypeWrapper<Collection>;
  Diagnosis: ResolverTypeWrapper<Diagnosis>;
  FacetCount: ResolverTypeWrapper<FacetCount>;
  FilterCriterion: FilterCriterion;
  FilterNotApplied: ResolverTypeWrapper<FilterNotApplied>;
  Granularity: Granularity;
  ImagingSeries: ResolverTypeWrapper<ImagingSeries>;
  ImagingStudy: ResolverTypeWrapper<ImagingStudy>;
  IntRange: IntRange;
  Modality: Modality;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<{}>;
  Repository: ResolverTypeWrapper<ResolversInterfaceTypes<ResolversTypes>['Repository']>;
  RepositoryCapabilities: ResolverTypeWrapper<RepositoryCapabilities>;
  RepositoryFilter: RepositoryFilter;
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
  CohortFacets: CohortFacets;
  Collection: Collection;
  Diagnosis: Diagnosis;
  FacetCount: FacetCount;
  FilterNotApplied: FilterNotApplied;
  ImagingSeries: ImagingSeries;
  ImagingStudy: ImagingStudy;
  IntRange: IntRange;
  PageInfo: PageInfo;
  Query: {};
  Repository: ResolversInterfaceTypes<ResolversParentTypes>['Repository'];
  RepositoryCapabilities: RepositoryCapabilities;
  RepositoryFilter: RepositoryFilter;
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
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CaseConnectionResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CaseConnection'] = ResolversParentTypes['CaseConnection']> = {
  edges?: Resolver<Array<ResolversTypes['CaseEdge']>, ParentType, ContextType>;
  nodes?: Resolver<Array<ResolversTypes['Case']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
  totalCount?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CaseEdgeResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CaseEdge'] = ResolversParentTypes['CaseEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Case'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CohortResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Cohort'] = ResolversParentTypes['Cohort']> = {
  exact?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  exists?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['CohortFacets'], ParentType, ContextType>;
  filtersApplied?: Resolver<Array<ResolversTypes['FilterCriterion']>, ParentType, ContextType>;
  filtersNotApplied?: Resolver<Array<ResolversTypes['FilterNotApplied']>, ParentType, ContextType>;
  images?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  incompleteFacets?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  series?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  studies?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  subjects?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type CohortFacetsResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['CohortFacets'] = ResolversParentTypes['CohortFacets']> = {
  ageBand?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  bodyPart?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  cancerSite?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  manufacturer?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  modality?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  sex?: Resolver<Array<ResolversTypes['FacetCount']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
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
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type DiagnosisResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Diagnosis'] = ResolversParentTypes['Diagnosis']> = {
  cancerSite?: Resolver<ResolversTypes['CancerSite'], ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icd10?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icdO3Morphology?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  icdO3Topography?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  stage?: Resolver<Maybe<ResolversTypes['Stage']>, ParentType, ContextType>;
  yearOfDiagnosis?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type FacetCountResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FacetCount'] = ResolversParentTypes['FacetCount']> = {
  subjects?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type FilterNotAppliedResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['FilterNotApplied'] = ResolversParentTypes['FilterNotApplied']> = {
  criterion?: Resolver<ResolversTypes['FilterCriterion'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
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
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
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
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type QueryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  repositories?: Resolver<Array<ResolversTypes['Repository']>, ParentType, ContextType, Partial<QueryRepositoriesArgs>>;
  repository?: Resolver<Maybe<ResolversTypes['Repository']>, ParentType, ContextType, RequireFields<QueryRepositoryArgs, 'id'>>;
};

export type RepositoryResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Repository'] = ResolversParentTypes['Repository']> = {
  __resolveType: TypeResolveFn<null, ParentType, ContextType>;
  apiKind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  capabilities?: Resolver<ResolversTypes['RepositoryCapabilities'], ParentType, ContextType>;
  cases?: Resolver<Maybe<ResolversTypes['CaseConnection']>, ParentType, ContextType, RequireFields<RepositoryCasesArgs, 'first'>>;
  cohort?: Resolver<Maybe<ResolversTypes['Cohort']>, ParentType, ContextType, Partial<RepositoryCohortArgs>>;
  collections?: Resolver<Maybe<Array<ResolversTypes['Collection']>>, ParentType, ContextType>;
  country?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  granularity?: Resolver<ResolversTypes['Granularity'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  institution?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RepositoryCapabilitiesResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RepositoryCapabilities'] = ResolversParentTypes['RepositoryCapabilities']> = {
  caseListing?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  criteria?: Resolver<Array<ResolversTypes['FilterCriterion']>, ParentType, ContextType>;
  facets?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type RetrieveReferenceResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['RetrieveReference'] = ResolversParentTypes['RetrieveReference']> = {
  protocol?: Resolver<ResolversTypes['RetrieveProtocol'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type StageResolvers<ContextType = RequestContext, ParentType extends ResolversParentTypes['Stage'] = ResolversParentTypes['Stage']> = {
  group?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  m?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  n?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  system?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  t?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  __isTypeOf?: IsTypeOfResolverFn<ParentType, ContextType>;
};

export type Resolvers<ContextType = RequestContext> = {
  Case?: CaseResolvers<ContextType>;
  CaseConnection?: CaseConnectionResolvers<ContextType>;
  CaseEdge?: CaseEdgeResolvers<ContextType>;
  Cohort?: CohortResolvers<ContextType>;
  CohortFacets?: CohortFacetsResolvers<ContextType>;
  Collection?: CollectionResolvers<ContextType>;
  Diagnosis?: DiagnosisResolvers<ContextType>;
  FacetCount?: FacetCountResolvers<ContextType>;
  FilterNotApplied?: FilterNotAppliedResolvers<ContextType>;
  ImagingSeries?: ImagingSeriesResolvers<ContextType>;
  ImagingStudy?: ImagingStudyResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Repository?: RepositoryResolvers<ContextType>;
  RepositoryCapabilities?: RepositoryCapabilitiesResolvers<ContextType>;
  RetrieveReference?: RetrieveReferenceResolvers<ContextType>;
  Stage?: StageResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = RequestContext> = {
  shareable?: ShareableDirectiveResolver<any, any, ContextType>;
};
