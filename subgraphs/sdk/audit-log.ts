/**
 * The audit log of record-level releases: one structured JSON line (pino) per request that released records,
 * saying who (the token's issuer and subject), which repositories and collections, how many cases and series,
 * and the operation's hash (sha256 of its text, as Apollo computes it), so an operator can match it with the
 * operation without the log holding it. Never in it: patient or case identifiers, variables, filter values, the
 * operation text, the token.
 *
 * Written twice for a remote repository: by the gateway for the client's request (gateway/server.ts), and by the
 * repository's own subgraph at its site for each call that released its records (serve.ts), so the owner keeps a
 * record of what left the site. `by` says which wrote a line. The gateway's request tally gets what its repository
 * calls released from the reports their answers carry (release-report.ts), so answers from the cache, shared with
 * another request, or from a remote subgraph are in its line too (gateway/plugins/datasources/use-release-audit.ts).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { RequestContext } from './context';
import { ReleaseTally } from './release-tally';
import { bindRecordReleases, recordReleasesOf } from './subgraph';

export type AuditWriter = 'gateway' | 'repository-subgraph';

export function createAuditLogger(destination?: DestinationStream, by: AuditWriter = 'gateway'): Logger {
  const options = { base: { log: 'eucaim-audit', by }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** Gives a request its tally; the gateway's inner Europe-wide requests get none (the europe subgraph tallies for them). */
export function startReleaseTally(context: object): void {
  bindRecordReleases(context, new ReleaseTally());
}

/**
 * Records read on a caller's behalf and not released to it: the explorer counts a union of filter groups exactly
 * from the groups' case lists where the caller may read them (gateway/plugins/explorer/repository-answer.ts), and
 * only the count leaves. One line per such question, naming the caller, why, and what was read.
 */
export function auditRecordReads(logger: Logger, context: RequestContext, reads: ReleaseTally, purpose: string): void {
  if (reads.empty) return;
  logger.info({
    event: 'record-read',
    issuer: context.issuer ?? null,
    subject: context.subject ?? null,
    accessLevel: context.accessLevel ?? 'anonymous',
    purpose,
    repositories: reads.summary(),
  }, 'records read for the caller, none released');
}

export function auditPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, queryHash }) {
          const tally = recordReleasesOf(contextValue);
          if (!(tally instanceof ReleaseTally) || tally.empty) return;
          logger.info({
            event: 'record-release',
            // Subjects are unique per issuer only (OpenID Connect Core 1.0 §2): the pair names the caller.
            issuer: contextValue.issuer ?? null,
            subject: contextValue.subject ?? null,
            accessLevel: contextValue.accessLevel ?? 'anonymous',
            operationHash: queryHash ?? null,
            repositories: tally.summary(),
          }, 'records released');
        },
      };
    },
  };
}
