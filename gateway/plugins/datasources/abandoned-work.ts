/**
 * Work a middleware stopped waiting for (the timeout answered REPOSITORY_TIMEOUT) goes on until it settles: it is
 * cancelled (subgraphs/sdk/cancellation.ts), but its native requests end only once hung up, and work it waits for
 * that other calls share (a harvest) is not cancelled at all. A middleware further out that holds a resource for the call (a
 * repository's fair share) waits for that work too, not only for the answer it got, so that a timed-out call does
 * not free its slot while its native requests still reach the repository. Keyed by the call's options object,
 * which every middleware of one call sees.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';

const abandoned = new WeakMap<GraphQLDataSourceProcessOptions, Promise<void>>();

/** Notes that this call's answer was given up on while `work` goes on. */
export function markAbandoned(options: GraphQLDataSourceProcessOptions, work: Promise<unknown>): void {
  const settled = work.then(() => undefined, () => undefined);
  const earlier = abandoned.get(options);
  abandoned.set(options, earlier ? Promise.all([earlier, settled]).then(() => undefined) : settled);
}

/** Settles once all work given up on for this call has ended (at once when there is none). */
export function abandonedWorkSettled(options: GraphQLDataSourceProcessOptions): Promise<void> {
  return abandoned.get(options) ?? Promise.resolve();
}
