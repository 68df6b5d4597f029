/**
 * Per-request state without touching the context's shape: a WeakMap keyed by the context object, so it is
 * released with the request. A per-call copy of a request's context (callContext) shares its request's state.
 */
const scopes = new WeakMap<object, Map<string, unknown>>();
const REQUEST = Symbol('eucaim.requestScope');

export function perRequest<T>(context: object, key: string, create: () => T): T {
  const owner = (context as { [REQUEST]?: object })[REQUEST] ?? context;
  let scope = scopes.get(owner);
  if (!scope) scopes.set(owner, (scope = new Map()));
  if (!scope.has(key)) scope.set(key, create());
  return scope.get(key) as T;
}

/**
 * A copy of a request's context for one subgraph call, to carry what belongs to the call alone (its release tally:
 * gateway/plugins/datasources/use-release-report.ts), while per-request state (DataLoaders) stays the request's.
 */
export function callContext<T extends object>(context: T): T {
  return { ...context, [REQUEST]: (context as { [REQUEST]?: object })[REQUEST] ?? context };
}
