/**
 * The contract between a native API and the federation. An adapter author implements `RepositoryAdapter` for one
 * native API and describes it with an `AdapterKind`; `buildRepositorySubgraph` turns it into a subgraph with its
 * own concrete Repository type, with no federation code in the adapter.
 */
import type { FilterCriterion, Granularity } from '../../schema/generated/graphql';
import type { RequestContext } from './context';
import type { CollectionMetadata, RepositoryEntry } from './entry';
import type { NormalizedFilter } from './filter';
import type { CaseRecord, CohortRecord, CollectionRecord, StudyRecord } from './records';

export interface PageRequest {
  /** Page size, already validated (1..MAX_PAGE_SIZE). */
  first: number;
  /** The `after` cursor as the client sent it; decode it with decodeCursor, which rejects foreign cursors. */
  after: string | null;
}

export interface CaseEdgeRecord {
  cursor: string;
  node: CaseRecord;
}

export interface CasePage {
  edges: CaseEdgeRecord[];
  hasNextPage: boolean;
  /** Number of matching cases when known without extra cost; null otherwise. */
  totalCount: number | null;
}

export interface CohortOptions {
  /** Whether the query selects `facets`; an adapter that pays extra native calls for facets can skip them. */
  facets: boolean;
}

export interface RepositoryAdapter {
  /** Counts and facets for a filter, with the criteria applied and not applied. */
  cohort(filter: NormalizedFilter, context: RequestContext, options: CohortOptions): Promise<CohortRecord>;
  /** A page of matching cases, ordered by subject id. Left out by COUNT-granularity adapters. */
  cases?(filter: NormalizedFilter, page: PageRequest, context: RequestContext): Promise<CasePage>;
  /**
   * Studies (with series) of many cases at once, in the same order; called through a per-request DataLoader so a
   * page of N cases costs a constant number of native calls. Needed when `cases` leaves `studies` out.
   */
  loadStudies?(cases: readonly CaseRecord[], context: RequestContext): Promise<StudyRecord[][]>;
  collections(context: RequestContext): Promise<CollectionRecord[]>;
  /** Loads what the adapter keeps (a harvested index) before the first query needs it. */
  warmUp?(): Promise<void>;
  /** Releases connections and timers. */
  close?(): Promise<void>;
}

export interface AdapterEnvironment {
  /** The credentials named by the entry's `credentialsEnv`, resolved by the host process. */
  credentials?: string;
}

export interface AdapterKind {
  /** The `apiKind` value of config entries this adapter serves, e.g. "dicomweb". */
  apiKind: string;
  /** One line for the catalog and the docs. */
  description: string;
  granularity: Granularity;
  /** Criteria the adapter evaluates (natively or locally); the others are reported as not applied. */
  criteria: readonly FilterCriterion[];
  facets: boolean;
  /** Checks `entry.options`; returns problems as "field: what is wrong". */
  validateOptions?(options: Record<string, unknown>): string[];
  /**
   * Checks across the entry's fields, for options that name the entry's collections (the DICOMweb adapter's "this
   * pattern places a study in AMS-LUNG" must say "AMS-LUGN is not one of this entry's collections" when the config
   * is loaded, not fail on a query). Called once the collections and options are valid on their own. Problems as
   * "<field path in the entry>: what is wrong" (e.g. "options.collectionFrom.pattern: ...").
   */
  validateEntry?(entry: EntryForValidation): string[];
  create(entry: RepositoryEntry, environment: AdapterEnvironment): RepositoryAdapter;
}

/** Largest page a client may ask for. */
export const MAX_PAGE_SIZE = 500;

/** What AdapterKind.validateEntry sees of a config entry. */
export interface EntryForValidation {
  collections: readonly CollectionMetadata[];
  options: Record<string, unknown>;
}
