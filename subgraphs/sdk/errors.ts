/**
 * Errors an adapter raises. Each names the repository and carries a stable `extensions.code`, so a portal can
 * tell "this repository is down" from "my filter is wrong" without parsing messages.
 */
import { GraphQLError } from 'graphql';

export const ErrorCode = {
  /** The native API could not be reached (connection refused, reset, DNS). */
  UNAVAILABLE: 'REPOSITORY_UNAVAILABLE',
  /** The native API did not answer within the repository's timeout. */
  TIMEOUT: 'REPOSITORY_TIMEOUT',
  /** The native API answered with an HTTP error status. */
  HTTP_ERROR: 'REPOSITORY_HTTP_ERROR',
  /** The native API answered something its protocol does not allow (HTML, truncated JSON, wrong types). */
  BAD_RESPONSE: 'REPOSITORY_BAD_RESPONSE',
  /** The request asks for something this repository's granularity or API cannot give (e.g. records from a count-only node). */
  NOT_SUPPORTED: 'REPOSITORY_NOT_SUPPORTED',
  /** No repository has the requested id. */
  NOT_FOUND: 'REPOSITORY_NOT_FOUND',
  /** A filter or argument is invalid. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A paging cursor was not issued by this repository or was altered. */
  BAD_CURSOR: 'BAD_CURSOR',
  /** The gateway's circuit breaker for this repository is open: it is not asked until a probe succeeds. */
  CIRCUIT_OPEN: 'REPOSITORY_CIRCUIT_OPEN',
  /** The gateway did not ask it: its calls at once were all taken and this one waited too long for its turn. */
  OVERLOADED: 'REPOSITORY_OVERLOADED',
  /**
   * Its adapter answers from a harvested index, and the first harvest (after the gateway started, or after the
   * index was dropped) was not done within the wait a call gives it: asked again in a moment, it answers. The
   * harvest goes on; /readyz lists the repositories still warming. Not a repository failure.
   */
  WARMING: 'REPOSITORY_WARMING',
  /**
   * The gateway stopped waiting for this call (its caller went away, or its timeout had already answered), so its
   * native requests were aborted (cancellation.ts). No caller who still waits sees it; not a repository failure.
   */
  CANCELLED: 'REPOSITORY_CALL_CANCELLED',
  /** A defect in the adapter itself. */
  ADAPTER_ERROR: 'REPOSITORY_ADAPTER_ERROR',
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface RepositoryErrorDetails {
  /** HTTP status the native API answered, where relevant. */
  httpStatus?: number;
  /** The filter or argument at fault, e.g. "where.ageAtDiagnosis". */
  argument?: string;
}

export class RepositoryError extends GraphQLError {
  constructor(
    readonly code: ErrorCodeValue,
    readonly repositoryId: string,
    message: string,
    details: RepositoryErrorDetails = {},
  ) {
    super(`${repositoryLabel(repositoryId)}: ${message}`, {
      extensions: { code, repositoryId, ...details },
    });
    this.name = 'RepositoryError';
  }
}

function repositoryLabel(repositoryId: string): string {
  return `repository "${repositoryId}"`;
}

/** Input errors that are not tied to one repository (e.g. the catalog's own arguments). */
export function badUserInput(message: string, argument: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, argument } });
}

/**
 * Turns anything an adapter threw into a RepositoryError. Unexpected errors keep their message out of the
 * response (it may hold native payloads); they are logged by the caller without request data.
 */
export function asRepositoryError(error: unknown, repositoryId: string): RepositoryError {
  if (error instanceof RepositoryError) return error;
  return new RepositoryError(ErrorCode.ADAPTER_ERROR, repositoryId, 'the adapter failed unexpectedly');
}
