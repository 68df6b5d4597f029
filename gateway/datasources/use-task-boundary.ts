/**
 * Every subgraph call starts in a task of its own. In-process subgraphs and cache hits answer through resolved
 * promises, so without this a Europe-wide walk (a manifest of 50,000 series asks for dozens of case pages) runs
 * from its first inner request to its last as one chain of microtasks: measured, the event loop did not turn for
 * 1.3 s, and every other client (and /healthz) waited. Yielding once per call lets the loop serve other requests
 * and I/O between calls; it costs one setImmediate per call.
 */
import { yieldToEventLoop } from '../../subgraphs/sdk/concurrency';
import type { SubgraphMiddleware } from './middleware';

export const useTaskBoundary: SubgraphMiddleware = (_info, next) => async (options) => {
  await yieldToEventLoop();
  return next(options);
};
