/**
 * Inbound de-duplication for the gateway (subgraphs/sdk/apollo-http.ts InboundSharing): identical GraphQL requests
 * in flight at the same moment share one execution, as Hive Gateway's `inboundInflightRequestDeduplication` does,
 * so fifty portals asking the same question at once cost one planning, one execution and one answer to serialise.
 *
 * Identical means everything that decides the answer: the method, query string and body, the headers Apollo Server
 * reads (the answer's media type follows `accept`; CSRF prevention reads the preflight headers), and who asks (access
 * level, issuer and subject, record grants). An answer that released records is never shared: each caller's audit
 * line must list what it got, so the others execute on their own.
 */
import type { HTTPGraphQLRequest } from '@apollo/server';
import { createHash } from 'node:crypto';
import type { InboundSharing } from '../../subgraphs/sdk/apollo-http';
import type { RequestContext } from '../../subgraphs/sdk/context';
import { ReleaseTally } from '../../subgraphs/sdk/release-tally';
import { recordReleasesOf } from '../../subgraphs/sdk/subgraph';

const ANSWER_HEADERS = ['accept', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'];

export function inboundSharing(onShared?: (context: RequestContext) => void): InboundSharing<RequestContext> {
  return {
    keyOf(request: HTTPGraphQLRequest, context: RequestContext): string | undefined {
      if (request.method !== 'POST' && request.method !== 'GET') return undefined;
      return createHash('sha256').update(JSON.stringify([
        request.method, request.search, request.body ?? null, ANSWER_HEADERS.map((name) => request.headers.get(name) ?? null),
        context.accessLevel ?? null, context.issuer ?? null, context.subject ?? null, context.recordGrants ?? null,
      ])).digest('hex');
    },
    reusable(context: RequestContext): boolean {
      const tally = recordReleasesOf(context);
      return !(tally instanceof ReleaseTally) || tally.empty;
    },
    onShared,
  };
}
