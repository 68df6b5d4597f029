/**
 * The per-request context resolvers receive. In the gateway process the in-process subgraphs share the gateway's
 * context object, so per-request state (DataLoaders) is keyed by it.
 *
 * Who the caller is and what it may see are set by the gateway's authentication alone (never from anything the
 * caller claims without proof), and checked again by every repository subgraph: `accessLevel` says whether the
 * caller is authenticated at all, `recordGrants` which repositories' (and collections') records it may read, the
 * outcome of its data access requests. Without a grant for a repository a caller gets that repository's counts
 * only, with small cells suppressed.
 */
export type AccessLevel = 'anonymous' | 'researcher';

/** Records of one repository, or of some of its collections, that a caller may read. */
export interface RecordGrant {
  repositoryId: string;
  /** Collection ids; absent: every collection of the repository. */
  collections?: readonly string[];
}

export interface RequestContext {
  accessLevel?: AccessLevel;
  /**
   * The issuer of the caller's token. A subject is unique within its issuer only (OpenID Connect Core 1.0 §2: "locally
   * unique and never reassigned within the Issuer"), so two trusted issuers may both name an `alice`: whatever is
   * kept per caller is keyed by both (callerKey).
   */
  issuer?: string;
  /** The caller's token subject, for the audit log and per-caller limits; absent for anonymous callers. */
  subject?: string;
  /** The repositories (and collections) whose records this caller may read. Absent or empty: none. */
  recordGrants?: readonly RecordGrant[];
  /**
   * Epoch ms by which the gateway must have answered this request (its request deadline). Repository calls are
   * cut at it, so a request never holds the gateway's work longer than the deadline, whatever the repositories do.
   */
  deadline?: number;
}

/** Whether the caller may read records of this repository (of this collection, when one is named). */
export function mayReadRecords(context: RequestContext | undefined, repositoryId: string, collection?: string | null): boolean {
  return (context?.recordGrants ?? []).some((grant) => grant.repositoryId === repositoryId
    && (grant.collections === undefined || (collection !== undefined && collection !== null && grant.collections.includes(collection))));
}

/** Whether the caller may read records of at least part of this repository (some collection). */
export function mayReadSomeRecords(context: RequestContext | undefined, repositoryId: string): boolean {
  return (context?.recordGrants ?? []).some((grant) => grant.repositoryId === repositoryId);
}

/**
 * The key of the caller, for anything kept per caller (rate limits): issuer and subject together, encoded so that no
 * pair of values can spell another pair. Undefined for a caller without a subject (anonymous).
 */
export function callerKey(context: Pick<RequestContext, 'issuer' | 'subject'> | undefined): string | undefined {
  return context?.subject === undefined ? undefined : JSON.stringify([context.issuer ?? null, context.subject]);
}
