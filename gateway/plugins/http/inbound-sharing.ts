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
import { callerGroupOf } from '../limits/caller-group';

const ANSWER_HEADERS = ['accept', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'];
/** The fields that hand records over (README "Who may see what"), as they may appear in an operation's text. */
const RECORD_FIELDS = /\b(cases|manifest)\b/;

/** The operation text of a GET or POST request, when it has one (a persisted query's hash alone has none). */
function operationText(request: HTTPGraphQLRequest): string | undefined {
  if (request.method === 'GET') return new URLSearchParams(request.search).get('query') ?? undefined;
  const body = request.body as { query?: unknown } | undefined;
  return typeof body?.query === 'string' ? body.query : undefined;
}
/** A repository's state in a Europe-wide answer that says it did not answer. */
const FAILED_STATE = /"state":"(FAILED|TIMED_OUT|CIRCUIT_OPEN|OVERLOADED|WARMING)"/;
/** Errors about the first request's own circumstances, not about the question. */
const OWN_CIRCUMSTANCES = /"code":"(REPOSITORY_OVERLOADED|REPOSITORY_CALL_CANCELLED|TOO_MANY_CONCURRENT_REQUESTS|OVERLOADED|RATE_LIMITED|GATEWAY_[A-Z_]+)"|"requestDeadline":true/;

/**
 * `reuseMs`: for how long an answer without errors is also given to identical requests arriving after it was
 * executed (the gateway gives the shortest answer-cache TTL of its repositories, at most a second, and 0 without an
 * answer cache): a second-old answer is as fresh as the repositories' cached answers it was built from, and it
 * spares an execution per identical request. Answers with errors are not kept: a repository that failed is asked
 * again by the next request, as its answer cache does.
 */
export function inboundSharing<TFirst = unknown>(
  shared?: { firstOf(context: RequestContext): TFirst; onShared(context: RequestContext, first: TFirst | undefined): void },
  reuseMs: () => number = () => 0,
): InboundSharing<RequestContext, TFirst> {
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
        // Shared within a caller group only: a request waits for its first one's turn at the admission gate, and a
        // turn taken in another group's queue would let that group's backlog hold it (limits/fair-admission.ts).
        callerGroupOf(context) ?? null,
      ])).digest('hex');
    },
    reusable(context, answer): boolean {
      const tally = recordReleasesOf(context);
      if (tally instanceof ReleaseTally && !tally.empty) return false;
      return !OWN_CIRCUMSTANCES.test(answer.body.string);
    },
    firstOf: shared?.firstOf,
    onShared: shared?.onShared,
    reuseForMs(_context, answer): number {
      // A repository that failed is in the errors, or, in a Europe-wide answer, in a repository's status.
      return answer.body.string.includes('"errors":') || FAILED_STATE.test(answer.body.string) ? 0 : reuseMs();
    },
  };
}
