/**
 * Subgraph calls start in a task of their own once the calls before them have run for a while. In-process subgraphs
 * and cache hits answer through resolved promises, so without this a Europe-wide walk (a manifest of 50,000 series
 * asks for dozens of case pages) runs from its first inner request to its last as one chain of microtasks:
 * measured, the event loop did not turn for 1.3 s, and every other client (and /healthz) waited. Yielding lets the
 * loop serve other requests and I/O in between. It yields only when YIELD_AFTER_MS have passed since it last did,
 * so the many calls of one quick fan-out do not each wait a turn of the loop.
 */
import { yieldToEventLoop } from '../../../subgraphs/sdk/concurrency';
import type { SubgraphMiddleware } from './middleware';

/** The shortest time between two yields: well under the 200 ms the event loop may be blocked at most (README). */
export const YIELD_AFTER_MS = 10;

let lastYield = 0;

export const useTaskBoundary: SubgraphMiddleware = (_info, next) => async (options) => {
  const now = performance.now();
  if (now - lastYield >= YIELD_AFTER_MS) {
    lastYield = now;
    await yieldToEventLoop();
  }
  return next(options);
};
