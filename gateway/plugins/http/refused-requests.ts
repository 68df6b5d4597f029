/**
 * Which requests were refused for what they are (bad input, a document that does not parse or validate, an
 * untrusted operation), so that the admission gate can put a caller who keeps sending them after callers who do
 * not (gateway/plugins/limits/fair-admission.ts). Many such refusals are answered with HTTP 200 (GraphQL over HTTP, for
 * `application/json` clients), so the status alone does not tell: an Apollo plugin marks the request.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { IncomingMessage } from 'node:http';

/** Error codes that say the request itself was refused, not that the gateway or a repository failed. */
const REFUSAL_CODES = new Set([
  'BAD_USER_INPUT', 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'OPERATION_NOT_TRUSTED', 'BAD_CURSOR',
]);

const INCOMING = Symbol('eucaim.incomingRequest');
const refused = new WeakSet<IncomingMessage>();

/** Ties a request's context to its HTTP request (a symbol-keyed property: context copies keep it). */
export function bindIncomingRequest(context: object, req: IncomingMessage): void {
  (context as { [INCOMING]?: IncomingMessage })[INCOMING] = req;
}

export function wasRefused(req: IncomingMessage): boolean {
  return refused.has(req);
}

/** Marks a request whose every error is a refusal of the request itself. */
export function refusalMarkerPlugin(): ApolloServerPlugin<object> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          const req = (contextValue as { [INCOMING]?: IncomingMessage } | undefined)?.[INCOMING];
          if (req && errors.length > 0 && errors.every((error) => REFUSAL_CODES.has(String(error.extensions?.code)))) refused.add(req);
        },
      };
    },
  };
}
