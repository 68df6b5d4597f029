/**
 * What a repository subgraph call's answer says about the repository: did it fail as a repository (down, slow,
 * erroring, answering garbage), and is that failure worth a retry. Errors about the request itself (a bad filter, a
 * bad cursor, records asked of a count-only node) are answers: the repository is fine.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { Kind } from 'graphql';
import { ErrorCode } from '../../../subgraphs/sdk/errors';

/** Answered at once, without asking the repository, while its circuit breaker is open. */
export const CIRCUIT_OPEN = ErrorCode.CIRCUIT_OPEN;

/** Codes that mean the repository failed (they feed the circuit breaker and the status registry). */
export const REPOSITORY_FAILURE_CODES: ReadonlySet<string> = new Set([
  ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT, ErrorCode.HTTP_ERROR, ErrorCode.BAD_RESPONSE,
]);

/**
 * HTTP statuses worth a retry: the server says "not now" (408, 429) or failed on its side in a way that usually
 * passes (500 and the proxy/overload statuses 502, 503, 504). 501, 505 and the other 4xx are permanent.
 */
export const TRANSIENT_HTTP_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

export interface RepositoryFailure {
  /** The error's extensions.code (one of REPOSITORY_FAILURE_CODES). */
  code: string;
  httpStatus?: number;
  /** Whether a retry may help (see isTransient). */
  transient: boolean;
}

type ErrorJson = NonNullable<GatewayGraphQLResponse['errors']>[number];

/**
 * Retried: REPOSITORY_UNAVAILABLE (refused, reset, DNS: a restart or a flap) and any failure carrying a transient
 * HTTP status (REPOSITORY_HTTP_ERROR 5xx/429/408; a REPOSITORY_BAD_RESPONSE that carries one, such as a proxy's
 * 502 page). Not retried: REPOSITORY_TIMEOUT (the repository is slow or overloaded: a retry doubles the user's wait
 * and adds load, and work of the timed-out attempt that several calls share, such as a harvest, goes on),
 * REPOSITORY_BAD_RESPONSE without a transient status (HTML login pages, truncated or wrong JSON repeat
 * deterministically), and never BAD_USER_INPUT, BAD_CURSOR, REPOSITORY_NOT_SUPPORTED, REPOSITORY_NOT_FOUND,
 * REPOSITORY_ADAPTER_ERROR, REPOSITORY_CIRCUIT_OPEN.
 */
export function isTransient(code: string, httpStatus: number | undefined): boolean {
  if (code === ErrorCode.UNAVAILABLE) return true;
  if (code === ErrorCode.HTTP_ERROR || code === ErrorCode.BAD_RESPONSE) return httpStatus !== undefined && TRANSIENT_HTTP_STATUSES.has(httpStatus);
  return false;
}

/** The repository failures in an answer, in order. */
export function repositoryFailures(response: GatewayGraphQLResponse): RepositoryFailure[] {
  const failures: RepositoryFailure[] = [];
  for (const error of response.errors ?? []) {
    const code = codeOf(error);
    if (!code || !REPOSITORY_FAILURE_CODES.has(code)) continue;
    // A call cut short by the request's deadline (gateway/plugins/limits/request-deadline.ts) says nothing about the
    // repository: the request ran out of time, perhaps waiting for others.
    if (error.extensions?.requestDeadline === true) continue;
    const status = error.extensions?.httpStatus;
    const httpStatus = typeof status === 'number' ? status : undefined;
    failures.push({ code, httpStatus, transient: isTransient(code, httpStatus) });
  }
  return failures;
}

/** The failure that best describes a failed call (a timeout first, then the first failure); undefined when it did not fail. */
export function callFailure(response: GatewayGraphQLResponse): RepositoryFailure | undefined {
  const failures = repositoryFailures(response);
  return failures.find((f) => f.code === ErrorCode.TIMEOUT) ?? failures[0];
}

/** The answer is worth retrying: it holds a transient repository failure. */
export function isRetryable(response: GatewayGraphQLResponse): boolean {
  return repositoryFailures(response).some((f) => f.transient);
}

function codeOf(error: ErrorJson): string | undefined {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The fetch is a query (safe to repeat). The planner sends entity fetches as queries even inside a mutation's plan;
 * only the fetch's own operation type counts. Anything not recognisably a query is treated as not repeatable.
 */
export function isQueryFetch(options: GraphQLDataSourceProcessOptions): boolean {
  const document = 'document' in options ? options.document : undefined;
  if (document) {
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    return operation?.kind === Kind.OPERATION_DEFINITION && operation.operation === 'query';
  }
  const text = (options.request.query ?? '').replace(/^(\s|#[^\n]*\n?)*/, '');
  return text.startsWith('{') || /^query\b/.test(text);
}

const singleAttempt = new WeakSet<object>();

/** Marks a call to be made once, without retries (the circuit breaker's half-open probe). */
export function markSingleAttempt(options: GraphQLDataSourceProcessOptions): void {
  singleAttempt.add(options);
}

export function isSingleAttempt(options: GraphQLDataSourceProcessOptions): boolean {
  return singleAttempt.has(options);
}
