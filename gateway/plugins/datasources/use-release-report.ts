/**
 * Middleware, innermost: each repository subgraph call's answer carries what the call released
 * (subgraphs/sdk/release-report.ts), so the report goes where the answer goes: into the answer cache and out of it
 * on a hit, and to every request sharing the call in flight. use-release-audit.ts adds it to the asking request's
 * tally. A local subgraph's resolvers tally into a sink of the call's own, not the request's, since a cached or
 * shared answer reaches requests whose resolvers never ran. A remote subgraph reports its own releases; the gateway
 * believes that report only as far as the answer bears it out (remote-releases.ts). Inside the retries and the
 * timeout: only the attempt whose answer is used reports.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parse } from 'graphql';
import { RELEASE_REPORT_EXTENSION, type ReleaseReport } from '../../../subgraphs/sdk/release-report';
import { ReleaseTally } from '../../../subgraphs/sdk/release-tally';
import { callContext } from '../../../subgraphs/sdk/request-scope';
import { bindRecordReleases } from '../../../subgraphs/sdk/subgraph';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import { checkedRemoteReport } from './remote-releases';
import type { SubgraphMiddleware } from './middleware';

export const useReleaseReport: SubgraphMiddleware = (info, next) => {
  const entry = info.entry;
  if (!entry) return next;
  if (entry.subgraph !== 'local') {
    return async (options) => {
      const response = await next(options);
      const document = ('document' in options && options.document) || parse(options.request.query ?? '');
      return withReleaseReport(response, checkedRemoteReport(entry, options.context as RequestContext | undefined, response, document));
    };
  }
  return async (options) => {
    const tally = new ReleaseTally();
    const context = callContext((options.context ?? {}) as object);
    bindRecordReleases(context, tally);
    const response = await next({ ...options, context } as typeof options);
    return withReleaseReport(response, tally.report());
  };
};

/** The answer with this report in its extensions, instead of any it came with. */
function withReleaseReport(response: GatewayGraphQLResponse, report: ReleaseReport | undefined): GatewayGraphQLResponse {
  const { [RELEASE_REPORT_EXTENSION]: _, ...others } = response.extensions ?? {};
  const extensions = report ? { ...others, [RELEASE_REPORT_EXTENSION]: report } : others;
  if (Object.keys(extensions).length > 0) return { ...response, extensions };
  if (response.extensions === undefined) return response;
  const { extensions: __, ...rest } = response;
  return rest;
}
