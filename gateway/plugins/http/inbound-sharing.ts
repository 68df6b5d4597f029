/**
 * Inbound de-duplication for the gateway (subgraphs/sdk/apollo-http.ts InboundSharing): identical GraphQL requests
 * in flight at the same moment share one execution, as Hive Gateway's `inboundInflightRequestDeduplication` does,
 * so fifty portals asking the same question at once cost one planning, one execution and one answer to serialise.
 *
 * Identical means everything that decides the answer: the method, query string and body, the headers Apollo Server
 * reads (the answer's media type follows `accept`; CSRF prevention reads the preflight headers), and who asks (access
 * level, issuer and subject, record grants). An answer that says something of the first request alone is never
 * shared, and the others execute on their own: one that released records (each caller's audit line must list what
 * it got), or that carries an error of that request's circumstances (its deadline, its caller's share of a
 * repository, its cancellation, the gateway shedding load).
 */
import type { HTTPGraphQLRequest } from '@apollo/server';
import { createHash } from 'node:crypto';
import type { InboundSharing } from '../../../subgraphs/sdk/apollo-http';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import { ReleaseTally } from '../../../subgraphs/sdk/release-tally';
import { recordReleasesOf } from '../../../subgraphs/sdk/subgraph';

const ANSWER_HEADERS = ['accept', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'];
/** The fields that hand records over (README "Who may see what"), as they may appear in an operation's text. */
const RECORD_FIELDS = /\b(cases|manifest)\b/;

/** The operation text of a GET or POST request, when it has one (a persisted query's hash alone has none). */
function operationText(request: HTTPGraphQLRequest): string | undefined {
  if (request.method === 'GET') return new URLSearchParams(request.search).get('query') ?? undefined;
  const body = request.body as { query?: unknown } | undefined;
  return typeof body?.query === 'string' ? body.query : undefined;
}
/** Errors about the first request's own circumstances, not about the question. */
const OWN_CIRCUMSTANCES = /"code":"(REPOSITORY_OVERLOADED|REPOSITORY_CALL_CANCELLED|TOO_MANY_CONCURRENT_REQUESTS|OVERLOADED|RATE_LIMITED|GATEWAY_[A-Z_]+)"|"requestDeadline":true/;

export function inboundSharing(onShared?: (context: RequestContext, first: RequestContext) => void): InboundSharing<RequestContext> {
  return {
    keyOf(request: HTTPGraphQLRequest, context: RequestContext): string | undefined {
      if (request.method !== 'POST' && request.method !== 'GET') return undefined;
      // A caller who may read records, asking for them (or in a text not shown): executed and audited on its own at
      // once, rather than waiting for an identical request whose answer it could not take (its records).
      if ((context.recordGrants ?? []).length > 0) {
        const text = operationText(request);
        if (text === undefined || RECORD_FIELDS.test(text)) return undefined;
      }
      return createHash('sha256').update(JSON.stringify([
        request.method, request.search, request.body ?? null, ANSWER_HEADERS.map((name) => request.headers.get(name) ?? null),
        context.accessLevel ?? null, context.issuer ?? null, context.subject ?? null, context.recordGrants ?? null,
      ])).digest('hex');
    },
    reusable(context, answer): boolean {
      const tally = recordReleasesOf(context);
      if (tally instanceof ReleaseTally && !tally.empty) return false;
      return !OWN_CIRCUMSTANCES.test(answer.body.string);
    },
    onShared,
  };
}
