/**
 * The per-request context resolvers receive. In the gateway process the in-process subgraphs share the gateway's
 * context object, so per-request state (DataLoaders) is keyed by it.
 */
export type AccessLevel = 'anonymous' | 'researcher';

export interface RequestContext {
  accessLevel?: AccessLevel;
  /**
   * Epoch ms by which the gateway must have answered this request (its request deadline). Repository calls are
   * cut at it, so a request never holds the gateway's work longer than the deadline, whatever the repositories do.
   */
  deadline?: number;
}
