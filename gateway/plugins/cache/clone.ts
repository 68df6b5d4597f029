/**
 * Copies of JSON answers. The gateway mutates the subgraph answers it receives (it merges later fetches into them
 * and rewrites fields in place), so an answer kept in process memory, or shared between de-duplicated callers,
 * is handed out as a copy. A plain recursive copy of JSON values is several times faster than a JSON round trip
 * or structuredClone.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';

export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = cloneJson(value[i]);
    return copy as T;
  }
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = cloneJson((value as Record<string, unknown>)[key]);
  return copy as T;
}

/** What of a subgraph answer is kept and shared: its data, errors and extensions (not its HTTP details). */
export function cloneResponse(response: GatewayGraphQLResponse): GatewayGraphQLResponse {
  const copy: GatewayGraphQLResponse = { data: cloneJson(response.data) };
  if (response.errors !== undefined) copy.errors = cloneJson(response.errors);
  if (response.extensions !== undefined) copy.extensions = cloneJson(response.extensions);
  return copy;
}
