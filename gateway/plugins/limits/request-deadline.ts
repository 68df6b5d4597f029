/**
 * A deadline for every request: the gateway answers within it, with whatever the repositories gave by then and a
 * REPOSITORY_TIMEOUT error for each one that had not answered. Each repository call's own timeout (entry.timeoutMs)
 * is cut to the time left (use-timeout.ts), retries do not start past it (use-retries.ts), and Europe-wide answers,
 * which ask the repositories through the gateway with a copy of the caller's context, share the caller's deadline.
 * The HTTP layer keeps a backstop a little later (server.ts), for work the deadline cannot reach.
 */
import type { RequestContext } from '../../../subgraphs/sdk/context';

export const DEFAULT_REQUEST_DEADLINE_MS = 30_000;
/** How long after the deadline the HTTP layer stops waiting for an answer that the deadline did not cut short. */
export const DEADLINE_BACKSTOP_GRACE_MS = 2_000;

/** REQUEST_DEADLINE_MS from the environment, when it is a positive number of milliseconds. */
export function requestDeadlineFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const value = Number(env.REQUEST_DEADLINE_MS);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Milliseconds left before the request's deadline; Infinity when it has none. */
export function timeLeftMs(context: unknown, now = Date.now()): number {
  const deadline = (context as RequestContext | undefined)?.deadline;
  return typeof deadline === 'number' ? deadline - now : Infinity;
}
