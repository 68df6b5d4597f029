/**
 * The audit log of record-level releases: one structured JSON line (pino) per client request that released
 * records, saying who (the token's subject), which repositories and collections, how many cases and series, and
 * the operation's hash (sha256 of its text, as Apollo computes it), so an operator can match it with the
 * portal's operation without the log holding it. Never in it: patient or case identifiers, variables, filter
 * values, the operation text, the token.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { RequestContext } from '../../subgraphs/sdk/context';
import { bindRecordReleases, recordReleasesOf } from '../../subgraphs/sdk/subgraph';
import { ReleaseTally } from './release-tally';

export function createAuditLogger(destination?: DestinationStream): Logger {
  const options = { base: { log: 'eucaim-audit' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** Gives a client request its tally; inner Europe-wide requests get none (the europe subgraph tallies for them). */
export function startReleaseTally(context: object): void {
  bindRecordReleases(context, new ReleaseTally());
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
