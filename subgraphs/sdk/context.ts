/**
 * The per-request context resolvers receive. In the gateway process the in-process subgraphs share the gateway's
 * context object, so per-request state (DataLoaders) is keyed by it.
 */
export type AccessLevel = 'anonymous' | 'researcher';

export interface RequestContext {
  accessLevel?: AccessLevel;
}
