/**
 * Fix for an @apollo/gateway 2.14.4 defect: an error inside an `_entities` fetch carries the index within the
 * fetch's batch (`_entities.0.cohort`), and the gateway maps that index onto *all* entities at the fetch's path.
 * With one subgraph per repository, every batch has one entity, so every repository's error landed on
 * `repositories.0`. We remember the catalog's root answers per request and rewrite each error's batch index into
 * the index the gateway will look up, so the error lands on the right repository.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { SubgraphMiddleware } from './middleware';

type Json = Record<string, unknown>;
type ResponsePath = ReadonlyArray<string | number>;

const rootAnswers = new WeakMap<object, Json[]>();

/** Records a root answer of the catalog subgraph for this request (keyed by the gateway's request context). */
export function recordRootAnswer(requestContext: object, data: Json | null | undefined): void {
  if (!data) return;
  const answers = rootAnswers.get(requestContext) ?? [];
  answers.push(data);
  rootAnswers.set(requestContext, answers);
}

/**
 * The entities at a fetch path, in the order the gateway enumerates them (its generateHydratedPaths: '@' walks a
 * list, null values are skipped).
 */
function entitiesAt(requestContext: object, path: ResponsePath): Json[] {
  const found: Json[] = [];
  const walk = (value: unknown, rest: ResponsePath): void => {
    if (value === null || value === undefined) return;
    if (rest.length === 0) {
      found.push(value as Json);
      return;
    }
    const [head, ...tail] = rest;
    if (head === '@') {
      if (Array.isArray(value)) for (const item of value) walk(item, tail);
    } else if (typeof head === 'string' && head.startsWith('... on ')) {
      if ((value as Json).__typename === head.slice(7)) walk(value, tail);
    } else {
      walk((value as Json)[head as string], tail);
    }
  };
  for (const answer of rootAnswers.get(requestContext) ?? []) walk(answer, path);
  return found;
}

/** The middleware: places every entity error of a repository subgraph on its repository. */
export const useEntityErrorPaths: SubgraphMiddleware = (_info, next) => async (options) => {
  const response = await next(options);
  if (!('incomingRequestContext' in options)) return response;
  return fixEntityErrorPaths(response, options.request.variables?.representations, options.incomingRequestContext, options.pathInIncomingRequest);
};

export function fixEntityErrorPaths(
  response: GatewayGraphQLResponse, representations: unknown, requestContext: object, pathInIncomingRequest: ResponsePath | undefined,
): GatewayGraphQLResponse {
  if (!response.errors || !Array.isArray(representations) || !pathInIncomingRequest) return response;
  let entities: Json[] | undefined;
  const errors = response.errors.map((error) => {
    const path = error.path;
    if (!path || path[0] !== '_entities' || typeof path[1] !== 'number') return error;
    const representation = representations[path[1]] as Json | undefined;
    entities ??= entitiesAt(requestContext, pathInIncomingRequest);
    const index = entities.findIndex((e) => e.id === representation?.id && e.__typename === representation?.__typename);
    if (index < 0) return error;
    return { ...error, path: ['_entities', index, ...path.slice(2)] };
  });
  return { ...response, errors };
}
