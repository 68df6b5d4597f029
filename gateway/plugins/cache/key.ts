/**
 * The key of a repository subgraph request, shared by the answer cache and the in-flight de-duplication: a sha256
 * over everything that changes the answer, so no operation text, filter value or id ever appears in a cache key
 * (Redis keys are visible to whoever operates Redis):
 * - the subgraph (repository id) and a fingerprint of its config entry (endpoint, adapter options, collections:
 *   an edited entry never reuses the answers of the old one; operational knobs such as timeouts do not count),
 * - the operation text and name,
 * - the variables, including the entity representations, with object keys in a canonical order,
 * - the caller's access level from the request context, and what the caller may see of this repository: none of
 *   its records, all of them, or those of some collections (README "Who may see what"), so two callers with
 *   different grants never share a record answer, nor counts whose small cells are suppressed for one of them.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { createHash } from 'node:crypto';
import { Kind } from 'graphql';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import type { RepositoryEntry } from '../../../subgraphs/sdk/entry';
import type { SubgraphInfo } from '../datasources/middleware';

/** Bump when the cached value's shape or meaning changes: old entries are then never read. */
// v3: answers carry their release report (subgraphs/sdk/release-report.ts); one without would go unaudited on a hit.
// v4: entries carry when they go stale (stale-while-revalidate); an older replica would serve them as fresh for longer.
const KEY_VERSION = 'subgraph-answer/v4';

/** What this caller may see of this repository's records: `none`, `all`, or `collections:A,B` (sorted). */
export function recordView(context: RequestContext | undefined, repositoryId: string): string {
  const grants = (context?.recordGrants ?? []).filter((g) => g.repositoryId === repositoryId);
  if (grants.length === 0) return 'none';
  if (grants.some((g) => g.collections === undefined)) return 'all';
  return `collections:${[...new Set(grants.flatMap((g) => g.collections ?? []))].sort().join(',')}`;
}

/** JSON with object keys sorted, so equal values give equal text whatever the order their keys were written in. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableStringify(item))).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) parts.push(`${JSON.stringify(key)}:${stableStringify(item)}`);
  }
  return `{${parts.join(',')}}`;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Config fields that change how a repository is called, not what it answers. */
const OPERATIONAL_FIELDS = new Set(['timeoutMs', 'retries', 'circuitBreaker', 'cacheTtlSeconds', 'staleWhileRevalidateSeconds', 'maxConcurrentCalls']);
const fingerprints = new WeakMap<RepositoryEntry, string>();

export function entryFingerprint(entry: RepositoryEntry | undefined): string {
  if (!entry) return '';
  let fingerprint = fingerprints.get(entry);
  if (fingerprint === undefined) {
    const relevant = Object.fromEntries(Object.entries(entry).filter(([field]) => !OPERATIONAL_FIELDS.has(field)));
    fingerprints.set(entry, (fingerprint = sha256(stableStringify(relevant))));
  }
  return fingerprint;
}

/** Whether a subgraph call is a query of an incoming operation (the only calls that are cached or shared). */
export function isQueryCall(options: GraphQLDataSourceProcessOptions): boolean {
  // Health checks and schema loading carry no incoming request context.
  if (!('incomingRequestContext' in options)) return false;
  const operation = options.document?.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operation && operation.kind === Kind.OPERATION_DEFINITION) return operation.operation === 'query';
  const text = options.request.query ?? '';
  return !/^\s*(mutation|subscription)\b/.test(text);
}

const keys = new WeakMap<object, string>();

/**
 * The key of this call, e.g. `answer:3f5c...` (64 hex digits). Computed once per call: the cache and the
 * de-duplication middlewares see the same options object.
 */
export function subgraphRequestKey(info: SubgraphInfo, options: GraphQLDataSourceProcessOptions): string {
  let key = keys.get(options);
  if (key === undefined) {
    const { request } = options;
    const context = options.context as RequestContext | undefined;
    const accessLevel = context?.accessLevel ?? null;
    const material = stableStringify([
      KEY_VERSION, info.name, entryFingerprint(info.entry), accessLevel, recordView(context, info.name),
      request.operationName ?? null, request.query ?? '', request.variables ?? {},
    ]);
    key = `answer:${sha256(material)}`;
    keys.set(options, key);
  }
  return key;
}
