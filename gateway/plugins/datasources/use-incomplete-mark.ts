/**
 * Middleware, innermost: a local subgraph's answer drawn from part of a repository (the SDK noted it on the call's
 * context: subgraphs/sdk/incomplete-answer.ts) carries INCOMPLETE_EXTENSION, as a remote subgraph's does, so that
 * the answer cache (use-cache.ts) leaves it out whichever fields the caller selected.
 */
import { INCOMPLETE_EXTENSION, isIncompleteAnswer } from '../../../subgraphs/sdk/incomplete-answer';
import { callContext } from '../../../subgraphs/sdk/request-scope';
import type { SubgraphMiddleware } from './middleware';

export const useIncompleteMark: SubgraphMiddleware = (info, next) => {
  if (info.entry?.subgraph !== 'local') return next;
  return async (options) => {
    // A context of the call's own: the mark must not reach the request's other calls.
    const context = callContext((options.context ?? {}) as object);
    const response = await next({ ...options, context } as typeof options);
    return isIncompleteAnswer(context) ? { ...response, extensions: { ...response.extensions, [INCOMPLETE_EXTENSION]: true } } : response;
  };
};
