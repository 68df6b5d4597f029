import { MAX_BODY_BYTES } from '../subgraphs/sdk/apollo-http';

/**
 * The abuse scenario's requests: what the normal client asks, and each kind of abusive request the issue lists,
 * with the outcome the gateway should give it. Shared by the runner (bench/abuse.ts) and the process that sends
 * the abusive requests (bench/abuse-client.ts); no side effects.
 */

/** The README's fan-out query, with the filter as a variable. */
export const NORMAL_QUERY = 'query Normal($where: CaseFilter) { repositories { name cohort(where: $where) { subjects } } }';

const MODALITIES = ['MR', 'CT', 'PT', 'MG', 'US'];
const SEXES = ['FEMALE', 'MALE'];
const SITES = ['LUNG', 'BREAST', 'PROSTATE', 'COLON'];

/**
 * The normal client's filters for a phase: 35 questions a portal asks (a modality, with a sex or a cancer site),
 * each with a diagnosis-year window that differs per phase, so that every phase starts with the same share of
 * answers the cache has not seen (the answer cache keeps them 60 s). Never an `ageAtDiagnosis`: the flood's
 * filters never meet these.
 */
export function normalFilters(phase: number): Array<Record<string, unknown>> {
  const base: Array<Record<string, unknown>> = MODALITIES.map((m) => ({ modalities: [m] }));
  for (const sex of SEXES) for (const m of MODALITIES) base.push({ modalities: [m], sex: [sex] });
  for (const site of SITES) for (const m of MODALITIES) base.push({ cancerSites: [site], modalities: [m] });
  return base.map((filter) => ({ ...filter, yearOfDiagnosis: { min: 2000 + phase, max: 2024 } }));
}

/**
 * Loopback source addresses (Linux routes all of 127.0.0.0/8 to lo): every client, normal or abusive, connects
 * from an address of its own, so a per-caller limit of the gateway (keyed by the client's address) counts each
 * apart, as it would count separate anonymous callers. The gateway listens on 127.0.0.1; /healthz polls come from
 * there.
 */
export function normalClientAddress(client: number): string {
  return `127.0.0.${10 + client}`;
}
/**
 * How the abusive clients spread over networks: 'per-kind', all clients of a kind in one /24 (127.1.<kind>.<client>,
 * one caller group at the gateway's admission gate and fair shares); 'per-client', every client in a /24 of its own
 * (127.<2 + kind>.<client>.1), as a flood from many networks looks to the gateway.
 */
export type AbuseNetworks = 'per-kind' | 'per-client';

export function abusiveClientAddress(kind: number, client: number, networks: AbuseNetworks = 'per-kind'): string {
  return networks === 'per-client' ? `127.${2 + kind}.${client}.1` : `127.1.${kind}.${client + 1}`;
}
/** Clients per kind and normal clients: one loopback address each (see above). */
export const MAX_CLIENTS = 200;

/**
 * Refusals for load, not for what the request is: a per-caller rate limit (429 RATE_LIMITED), the caller's share of
 * the admission queue used up (429 TOO_MANY_CONCURRENT_REQUESTS), the gateway shedding load (503 OVERLOADED). For an
 * abusive request an acceptable outcome; for a normal one a failure.
 */
export const SHED_CODES: readonly string[] = ['RATE_LIMITED', 'TOO_MANY_CONCURRENT_REQUESTS', 'OVERLOADED'];

/** What became of one request. */
export type Outcome =
  /** HTTP 200, no error. */
  | 'answered'
  /** HTTP 200 with errors other than a refusal of the input (e.g. a repository timed out): data came back. */
  | 'answered with errors'
  /** Refused for what it is: HTTP 4xx, or HTTP 200 whose every error is BAD_USER_INPUT. */
  | 'refused'
  /** HTTP 5xx, or no HTTP answer at all (connection reset, the client's timeout). */
  | 'failed';

/** Error codes in an answer, without parsing answers of megabytes: extensions.code as graphql-js writes it. */
function codesOf(text: string): string[] {
  return [...text.matchAll(/"code":"([A-Z_]+)"/g)].map((m) => m[1]);
}

/** The outcome of one answer, and its error codes. */
export function classify(status: number, text: string): { outcome: Outcome; codes: string[] } {
  const codes = text.includes('"errors":') ? [...new Set(codesOf(text))].sort() : [];
  // Load shed on purpose (503 OVERLOADED) is a refusal, not a failure of the gateway.
  if (status === 503 && codes.includes('OVERLOADED')) return { outcome: 'refused', codes };
  if (status >= 500) return { outcome: 'failed', codes };
  if (status >= 400) return { outcome: 'refused', codes };
  if (status !== 200) return { outcome: 'failed', codes };
  if (!text.includes('"errors":')) return { outcome: 'answered', codes };
  return { outcome: codes.length > 0 && codes.every((c) => c === 'BAD_USER_INPUT') ? 'refused' : 'answered with errors', codes };
}

export interface AbuseKind {
  key: string;
  /** What it sends, for the table and bench/README.md. */
  label: string;
  /** Clients sending it, each again as soon as its answer is read. */
  concurrency: number;
  /** At most this many per run, whatever the duration. */
  maxRequests: number;
  /** The request body of the n-th request of this kind (0-based, shared by its clients). */
  body: (n: number) => string;
  /** The outcome a gateway that withstands it gives. */
  expected: Outcome[];
  /** The error code expected (refusals), or undefined for an answer. */
  expectedCode?: string;
}

const json = (query: string, variables?: Record<string, unknown>) => JSON.stringify(variables ? { query, variables } : { query });

const PER_REPOSITORY_COHORT = 'query($where: CaseFilter) { repositories { cohort(where: $where) { subjects } } }';
const EUROPE_COHORT = 'query($where: CaseFilter) { cohort(where: $where) { total { subjects } } }';

/** `{ a0: repositories { cohort { subjects } } a1: ... }`, written out in full. */
export function aliasesQuery(n: number): string {
  return `{ ${Array.from({ length: n }, (_, i) => `a${i}: repositories { cohort { subjects } }`).join(' ')} }`;
}

/** The request body limit (subgraphs/sdk/apollo-http.ts). */
export const BODY_LIMIT_BYTES = MAX_BODY_BYTES;

/**
 * A valid request of the README query padded with a GraphQL comment to `bytes` in all. The comment holds `n`, so
 * every request is a new document (Apollo Server's parsed-document cache is keyed by the query text).
 */
export function paddedBody(bytes: number, n: number): string {
  const head = `# padding ${n} `;
  const tail = '\n{ repositories { name cohort(where: {modalities: [MR]}) { subjects } } }';
  const empty = json(`${head}${tail}`);
  return json(`${head}${'x'.repeat(Math.max(0, bytes - Buffer.byteLength(empty)))}${tail}`);
}

/**
 * A new age range for every request: min 0..89 with widths 1, 2, ... (about 7,000 distinct ranges before any
 * repeats, more than a run sends), never a filter the normal client asks.
 */
export function floodFilter(n: number): Record<string, unknown> {
  const min = n % 90;
  return { ageAtDiagnosis: { min, max: min + 1 + Math.floor(n / 90) } };
}

/** A 300 KB string is over the body limit (413 BAD_REQUEST) since the limit is 256 KiB; below it, BAD_USER_INPUT. */
const REFUSED_300KB = 300_000 > MAX_BODY_BYTES ? 'BAD_REQUEST' : 'BAD_USER_INPUT';

export function abuseKinds(options: { floodConcurrency: number; maxRequestsPerKind: number }): AbuseKind[] {
  const huge = 'x'.repeat(300_000);
  const thousand = Array.from({ length: 1000 }, (_, i) => `C${i}`);
  const cap = options.maxRequestsPerKind;
  const same = (body: string) => () => body;
  return [
    {
      key: 'manufacturer-300kb-repositories', label: 'a 300 KB manufacturers string (variable), repositories { cohort { subjects } }',
      concurrency: 1, maxRequests: cap, body: same(json(PER_REPOSITORY_COHORT, { where: { manufacturers: [huge] } })),
      expected: ['refused'], expectedCode: REFUSED_300KB,
    },
    {
      key: 'manufacturer-300kb-europe', label: 'a 300 KB manufacturers string (variable), Europe-wide cohort { total { subjects } }',
      concurrency: 1, maxRequests: cap, body: same(json(EUROPE_COHORT, { where: { manufacturers: [huge] } })),
      expected: ['refused'], expectedCode: REFUSED_300KB,
    },
    {
      key: 'collections-1000', label: '1,000 collections in one list, per repository and Europe-wide in turn',
      concurrency: 1, maxRequests: cap,
      body: ((per, europe) => (n: number) => (n % 2 === 0 ? per : europe))(
        json(PER_REPOSITORY_COHORT, { where: { collections: thousand } }), json(EUROPE_COHORT, { where: { collections: thousand } })),
      expected: ['refused'], expectedCode: 'BAD_USER_INPUT',
    },
    {
      key: 'aliases-2000', label: '2,000 aliases of repositories { cohort { subjects } }, written out',
      concurrency: 1, maxRequests: cap, body: same(json(aliasesQuery(2000))), expected: ['refused'], expectedCode: 'GRAPHQL_PARSE_FAILED',
    },
    {
      key: 'aliases-5000', label: '5,000 aliases of repositories { cohort { subjects } }, written out',
      concurrency: 1, maxRequests: cap, body: same(json(aliasesQuery(5000))), expected: ['refused'], expectedCode: 'GRAPHQL_PARSE_FAILED',
    },
    {
      key: 'aliases-100', label: '100 aliases of repositories { cohort { subjects } } (under the token limit)',
      concurrency: 1, maxRequests: cap, body: same(json(aliasesQuery(100))), expected: ['refused'], expectedCode: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      // Each one a new document: bounded harder, every parsed document may be kept by Apollo's document cache.
      key: 'body-near-limit', label: `a valid query padded by a comment to ${BODY_LIMIT_BYTES - 8 * 1024} bytes, a new comment each time`,
      concurrency: 1, maxRequests: Math.min(cap, 300), body: (n) => paddedBody(BODY_LIMIT_BYTES - 8 * 1024, n), expected: ['answered'],
    },
    {
      key: 'body-over-limit', label: `a body of ${BODY_LIMIT_BYTES + 64 * 1024} bytes (over the ${BODY_LIMIT_BYTES / 1024} KiB limit)`,
      concurrency: 1, maxRequests: cap, body: same(paddedBody(BODY_LIMIT_BYTES + 64 * 1024, 0)), expected: ['refused'], expectedCode: 'BAD_REQUEST',
    },
    {
      key: 'manifest-csv-50000', label: 'manifest(format: CSV, maxSeries: 50000, allSeries: true) { seriesCount truncated files { name series content } }',
      concurrency: 1, maxRequests: Math.min(cap, 100),
      body: same(json('{ manifest(format: CSV, maxSeries: 50000, allSeries: true) { seriesCount truncated sizeBytes files { name series content } } }')),
      expected: ['answered'],
    },
    {
      key: 'flood-distinct-filters', label: `${options.floodConcurrency} clients, a new ageAtDiagnosis range each request, repositories { name cohort } and Europe-wide cohort in turn`,
      concurrency: options.floodConcurrency, maxRequests: cap,
      body: (n) => json(n % 2 === 0 ? NORMAL_QUERY : EUROPE_COHORT, { where: floodFilter(n) }),
      expected: ['answered'],
    },
  ];
}
