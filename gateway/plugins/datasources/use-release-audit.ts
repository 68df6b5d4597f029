/**
 * Middleware, outside the sharing of calls in flight and the answer cache: takes the release report out of each
 * repository answer (use-release-report.ts) and adds it to the asking request's tally (audit-log.ts), so every
 * request that gets records has them in its audit line, whether its call ran, was shared with another request or
 * came from the cache. Inner Europe-wide requests carry no tally (gateway/server.ts europeExecutor): the europe
 * subgraph tallies what it returns, not what its walk asked for. The report goes no further than here.
 */
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { parseReleaseReport, RELEASE_REPORT_EXTENSION } from '../../../subgraphs/sdk/release-report';
import { ReleaseTally } from '../../../subgraphs/sdk/release-tally';
import { recordReleasesOf } from '../../../subgraphs/sdk/subgraph';
import type { SubgraphMiddleware } from './middleware';

export const useReleaseAudit: SubgraphMiddleware = (_info, next) => async (options) => {
  const response = await next(options);
  if (!response.extensions || !(RELEASE_REPORT_EXTENSION in response.extensions)) return response;
  const { [RELEASE_REPORT_EXTENSION]: reported, ...others } = response.extensions;
  const report = parseReleaseReport(reported);
  const tally = recordReleasesOf(options.context);
  if (report && tally instanceof ReleaseTally) tally.add(report);
  const { extensions: _, ...answer } = response;
  return (Object.keys(others).length > 0 ? { ...answer, extensions: others } : answer) as GatewayGraphQLResponse;
};
