/**
 * How the answer cache reaches the middlewares: the gateway process owns one cache (it outlives config reloads,
 * which rebuild the federation and its middlewares) and puts it on each request's context under a symbol.
 * A symbol-keyed, enumerable property, because Apollo Server hands the data sources a shallow copy of the context
 * object (Object.assign) rather than the object itself; resolvers never look it up.
 */
import type { SubgraphCache } from './subgraph-cache';

const CACHE = Symbol('eucaim.subgraphCache');

export function bindSubgraphCache(context: object, cache: SubgraphCache): void {
  (context as { [CACHE]?: SubgraphCache })[CACHE] = cache;
}

/** The cache bound to this request's context; undefined when the gateway runs without one. */
export function subgraphCacheOf(context: unknown): SubgraphCache | undefined {
  return context !== null && typeof context === 'object' ? (context as { [CACHE]?: SubgraphCache })[CACHE] : undefined;
}
