/**
 * Status codes for the legacy `application/json` response type, as the GraphQL-over-HTTP spec says them
 * (graphql-over-http draft, §"application/json" under "Response"): a well-formed request whose document fails to
 * parse or validate, or whose variables fail to coerce, SHOULD get 200 with the errors in the body, because
 * clients and proxies that predate the spec read any non-2xx as a transport failure and drop the errors.
 * Apollo Server answers these with 400 whatever the response type. With `application/graphql-response+json`,
 * 4xx is right and stays; requests that are not well-formed (no query, a body that is not JSON) keep their 400.
 */
import type { HTTPGraphQLResponse } from '@apollo/server';

/** Error codes Apollo Server gives request errors: parsing, validation (the gateway's limits too), coercion. */
const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

interface ErrorsOnly {
  errors: Array<{ extensions?: { code?: unknown } }>;
}

function isRequestErrorBody(text: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  if (body === null || typeof body !== 'object' || 'data' in body) return false;
  const errors = (body as Partial<ErrorsOnly>).errors;
  return Array.isArray(errors) && errors.length > 0
    && errors.every((error) => typeof error?.extensions?.code === 'string' && REQUEST_ERROR_CODES.has(error.extensions.code));
}

/** The answer with 200 instead of 400 when it is a request error sent as `application/json`. */
export function legacyJsonStatus(response: HTTPGraphQLResponse): HTTPGraphQLResponse {
  if (response.status !== 400 || response.body.kind !== 'complete') return response;
  const contentType = response.headers.get('content-type')?.split(';')[0].trim().toLowerCase();
  if (contentType !== 'application/json' || !isRequestErrorBody(response.body.string)) return response;
  return { ...response, status: 200 };
}
