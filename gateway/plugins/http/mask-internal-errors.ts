/**
 * What reaches a client when something inside the gateway broke: a generic message with a log id, never the
 * internal message ("Maximum call stack size exceeded", a stack, a native query string with the caller's values).
 * The original goes to the gateway's log under the same id, so an operator can find it from a user's report.
 * Errors with a stable code that the gateway or a repository raised on purpose (the README's list) pass as they are.
 */
import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../../../subgraphs/sdk/errors';

/** Codes whose messages are written for the client (they name the repository or the filter, not internals). */
const CLIENT_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.ADAPTER_ERROR),
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_NOT_TRUSTED', 'GATEWAY_DEADLINE_EXCEEDED', 'RATE_LIMITED', 'UNAUTHENTICATED', 'FORBIDDEN',
]);

export type ErrorLog = (line: string) => void;

/** Apollo Server's formatError: client errors as they are, anything else generic with a log id. */
export function maskInternalErrors(log: ErrorLog = (line) => console.error(line)): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted) => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && CLIENT_CODES.has(code)) return formatted;
    const logId = randomUUID().slice(0, 8);
    const repositoryId = formatted.extensions?.repositoryId;
    // The message only, cut short: internal messages carry no patient data, and no variables are logged.
    log(`gateway: internal error ${logId}${typeof code === 'string' ? ` (${code})` : ''}${typeof repositoryId === 'string' ? ` in repository ${repositoryId}` : ''}: ${formatted.message.slice(0, 500)}`);
    return {
      message: `internal error (log id ${logId})`,
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: code === ErrorCode.ADAPTER_ERROR ? code : 'INTERNAL_SERVER_ERROR', logId, ...(typeof repositoryId === 'string' ? { repositoryId } : {}) },
    };
  };
}
