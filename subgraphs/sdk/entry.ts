/**
 * One repository's entry in the federation config (config/federation-config.ts validates the file into this).
 */
import type { CancerSite } from '../../schema/generated/graphql';
import type { PrivacySettings } from './privacy/policy';

/** Catalogue metadata of a collection, for native APIs that do not describe their collections (DICOMweb, NBIA). */
export interface CollectionMetadata {
  id: string;
  name: string;
  cancerSite: CancerSite;
  description?: string;
  licence?: string;
  doi?: string;
  landingPage?: string;
}

export interface RepositoryEntry {
  /** Stable id: lower-case letters, digits and dashes, e.g. "de-heidelberg-pacs". */
  id: string;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  institution: string;
  apiKind: string;
  /** Base URL of the native API. */
  endpoint: string;
  /** Name of the environment variable holding the credentials ("user:password" for basic auth, or a token). Never the secret. */
  credentialsEnv?: string;
  /** Where the repository's subgraph runs: "local" (in the gateway process) or the URL of a standalone subgraph. */
  subgraph: 'local' | string;
  /** Timeout for one native request and for the subgraph, in milliseconds. */
  timeoutMs: number;
  collections: CollectionMetadata[];
  /** Adapter-specific options, validated by the adapter. */
  options: Record<string, unknown>;
  /** How long the gateway may reuse this repository's answers; 0 turns caching off. Default 60. */
  cacheTtlSeconds?: number;
  /**
   * After `cacheTtlSeconds`, for how long an expired answer is still given at once while one call refreshes it in
   * the background (stale-while-revalidate); a failed refresh keeps the old answer. 0 turns it off. Default 60.
   */
  staleWhileRevalidateSeconds?: number;
  /** Retries of a failed query (with jitter, within a retry budget). Default 2. */
  retries?: number;
  /**
   * Calls to this repository the gateway runs at once; more wait in a fair queue per caller, and one that waits too
   * long is answered REPOSITORY_OVERLOADED (gateway/plugins/datasources/use-fair-share.ts). Default 4.
   */
  maxConcurrentCalls?: number;
  /** Opens after `failureThreshold` consecutive failures; a probe is let through after `resetAfterMs`. */
  circuitBreaker?: { failureThreshold: number; resetAfterMs: number };
  /** How its counts are protected for callers without a record grant (k, noise, rounding); absent: the defaults. */
  privacy?: PrivacySettings;
}

/**
 * For the built-in demo federation: the entry is served by the simulator of its apiKind with synthetic data,
 * started by the gateway; `endpoint` is then "simulator".
 */
export interface SimulatedRepository {
  seed: number;
  cases: number;
  subjectPrefix: string;
  language?: 'en' | 'es' | 'de' | 'fr' | 'it' | 'pt' | 'el';
  /** Relative share of cases per collection id (collections come from `collections`). */
  weights?: Record<string, number>;
}

export interface SimulatedRepositoryEntry extends RepositoryEntry {
  simulate?: SimulatedRepository;
}
