/**
 * Per-request state without touching the context's shape: a WeakMap keyed by the context object, so it is
 * released with the request.
 */
const scopes = new WeakMap<object, Map<string, unknown>>();

export function perRequest<T>(context: object, key: string, create: () => T): T {
  let scope = scopes.get(context);
  if (!scope) scopes.set(context, (scope = new Map()));
  if (!scope.has(key)) scope.set(key, create());
  return scope.get(key) as T;
}
