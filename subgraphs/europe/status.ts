/**
 * A repository's part of a Europe-wide answer: one inner operation through the gateway, timed, and its state read
 * from the answer's errors (extensions.code), as a portal reads them.
 */
import type { RepositoryState } from '../../schema/generated/graphql';
import { GraphQLError } from 'graphql';
import type { RepositoryFilter } from '../../schema/generated/graphql';
import type { RequestContext } from '../sdk/context';
import { ErrorCode } from '../sdk/errors';
import type { NotApplied } from '../sdk/report';
import type { GatewayLink, InnerAnswer, InnerError, InnerOperation } from './gateway-link';

export type RepositoryStateValue = RepositoryState;

export interface RepositoryStatusRecord {
  state: RepositoryStateValue;
  code: string | null;
  message: string | null;
  latencyMs: number;
  filtersNotApplied: NotApplied[];
}

/** The code the gateway's circuit breaker answers with (gateway/plugins/resilience) while a repository's circuit is open. */
export const CIRCUIT_OPEN_CODE = ErrorCode.CIRCUIT_OPEN;

export function stateOfCode(code: string | null | undefined): RepositoryStateValue {
  switch (code) {
    case ErrorCode.TIMEOUT: return 'TIMED_OUT';
    case CIRCUIT_OPEN_CODE: return 'CIRCUIT_OPEN';
    case ErrorCode.OVERLOADED: return 'OVERLOADED';
    case ErrorCode.WARMING: return 'WARMING';
    case ErrorCode.NOT_SUPPORTED: return 'NOT_SUPPORTED';
    default: return 'FAILED';
  }
}

export function codeOf(error: InnerError): string | null {
  const code = error.extensions?.code;
  return typeof code === 'string' ? code : null;
}

export function failedStatus(error: InnerError, latencyMs: number): RepositoryStatusRecord {
  const code = codeOf(error);
  return { state: stateOfCode(code), code: code ?? 'INTERNAL_SERVER_ERROR', message: error.message, latencyMs, filtersNotApplied: [] };
}

/** OK; PARTIAL when criteria were not applied (upper bounds); INCOMPLETE when only part of it was counted (lower bounds). */
export function answeredStatus(latencyMs: number, filtersNotApplied: NotApplied[] = [], coverage?: string | null): RepositoryStatusRecord {
  const state = coverage ? 'INCOMPLETE' : filtersNotApplied.length > 0 ? 'PARTIAL' : 'OK';
  return { state, code: null, message: null, latencyMs, filtersNotApplied };
}

export function notSupportedStatus(repositoryId: string, message: string): RepositoryStatusRecord {
  return { state: 'NOT_SUPPORTED', code: ErrorCode.NOT_SUPPORTED, message: `repository "${repositoryId}": ${message}`, latencyMs: 0, filtersNotApplied: [] };
}

export interface TimedAnswer {
  answer: InnerAnswer;
  latencyMs: number;
}

/** Runs an inner operation through the gateway, timed; a thrown error becomes an answer with that error. */
export async function ask(link: GatewayLink, context: RequestContext, operation: InnerOperation): Promise<TimedAnswer> {
  const started = performance.now();
  let answer: InnerAnswer;
  try {
    answer = await link.execute(operation, context);
  } catch (error) {
    const graphQLError = error as Partial<GraphQLError>;
    answer = { errors: [{ message: graphQLError.message ?? String(error), extensions: { code: 'INTERNAL_SERVER_ERROR', ...graphQLError.extensions } }] };
  }
  return { answer, latencyMs: Math.round(performance.now() - started) };
}

/** A caller error of an inner operation, raised on the Europe-wide field (arguments renamed to the outer ones). */
export function callerError(error: InnerError, argumentPrefix: Record<string, string> = {}): GraphQLError {
  const extensions: Record<string, unknown> = { ...error.extensions };
  if (typeof extensions.argument === 'string') {
    const [head, ...rest] = extensions.argument.split('.');
    if (argumentPrefix[head]) extensions.argument = [argumentPrefix[head], ...rest].join('.');
  }
  return new GraphQLError(error.message, { extensions });
}

export interface ListedRepository {
  id: string;
  caseListing: boolean;
}

const LIST_REPOSITORIES = `query EuropeRepositories($repositories: RepositoryFilter) {
  repositories(where: $repositories) { id capabilities { caseListing } }
}`;

/** The selected repositories, in catalogue order, asked of the catalog through the gateway. */
export async function listRepositories(link: GatewayLink, context: RequestContext, repositories: RepositoryFilter | null | undefined): Promise<ListedRepository[]> {
  const { answer } = await ask(link, context, { query: LIST_REPOSITORIES, operationName: 'EuropeRepositories', variables: { repositories } });
  const listed = answer.data?.repositories as Array<{ id: string; capabilities: { caseListing: boolean } }> | undefined;
  if (answer.errors?.length || !listed) {
    const error = answer.errors?.[0] ?? { message: 'the catalog did not list the repositories', extensions: { code: 'INTERNAL_SERVER_ERROR' } };
    throw callerError(error, { where: 'repositories' });
  }
  return listed.map((r) => ({ id: r.id, caseListing: r.capabilities.caseListing }));
}

/** The first error of an answer, if any (a repository operation asks one repository, so all its errors are its own). */
export function firstError(answer: InnerAnswer): InnerError | undefined {
  return answer.errors?.[0];
}
