/**
 * The access log: one JSON line (pino) per GraphQL request, with a request id (the client's `x-request-id` when it
 * is a plain token, else a new one, echoed in the answer's `x-request-id` header) so an operator can follow one
 * request through the gateway's and its proxies' logs. What a line holds: the id, method, HTTP status, duration,
 * the operation's name and hash (sha256 of its text), its access level, and the error codes of the answer. Never:
 * variables, filter values, the operation text, tokens, client addresses, case or patient identifiers.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { RequestContext } from '../../../subgraphs/sdk/context';

export const REQUEST_ID_HEADER = 'x-request-id';
const PLAIN_TOKEN = /^[A-Za-z0-9._-]{1,64}$/;

interface AccessRecord {
  requestId: string;
  started: number;
  operationName?: string | null;
  operationHash?: string | null;
  accessLevel?: string;
  errorCodes?: string[];
  /** Answered with an identical request's answer (gateway/plugins/http/inbound-sharing.ts). */
  shared?: boolean;
}

const RECORD = Symbol('eucaim.accessRecord');

export function createAccessLogger(destination?: DestinationStream): Logger {
  const options = { base: { log: 'eucaim-access' }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

/** Starts a request's record: its id is set on the answer now, its line written once the answer has gone. */
export function startAccessRecord(req: IncomingMessage, res: ServerResponse, logger: Logger): AccessRecord {
  const offered = req.headers[REQUEST_ID_HEADER];
  const requestId = typeof offered === 'string' && PLAIN_TOKEN.test(offered) ? offered : randomUUID();
  const record: AccessRecord = { requestId, started: performance.now() };
  res.setHeader(REQUEST_ID_HEADER, requestId);
  res.once('close', () => {
    logger.info({
      event: 'request', requestId, method: req.method, status: res.statusCode, ms: Math.round(performance.now() - record.started),
      completed: res.writableFinished, operationName: record.operationName ?? null, operationHash: record.operationHash ?? null,
      accessLevel: record.accessLevel ?? null, errorCodes: record.errorCodes ?? [], shared: record.shared ?? false,
    }, 'graphql request');
  });
  return record;
}

/** Puts the record on the request's context, for the plugin below. */
export function bindAccessRecord(context: object, record: AccessRecord): void {
  (context as { [RECORD]?: AccessRecord })[RECORD] = record;
}

/** What a request answered with another's answer takes of that first request's access record. */
export type SharedAccess = Pick<AccessRecord, 'operationName' | 'operationHash' | 'accessLevel' | 'errorCodes'>;

/** The first request's operation, access level and error codes, once its answer is ready (undefined without a record). */
export function sharedAccessOf(first: object): SharedAccess | undefined {
  const record = (first as { [RECORD]?: AccessRecord })[RECORD];
  return record && { operationName: record.operationName, operationHash: record.operationHash, accessLevel: record.accessLevel, errorCodes: record.errorCodes };
}

/**
 * Notes that the request got the answer of an identical request, whose operation, access level and error codes
 * (`first`, sharedAccessOf) are therefore its own too.
 */
export function markShared(context: object, first: SharedAccess | undefined): void {
  const record = (context as { [RECORD]?: AccessRecord })[RECORD];
  if (!record) return;
  record.shared = true;
  if (first) Object.assign(record, first);
}

/** Notes what Apollo Server knows of the request once its answer is ready: operation, access level, error codes. */
export function accessLogPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName, queryHash, response }) {
          const record = (contextValue as { [RECORD]?: AccessRecord })[RECORD];
          if (!record) return;
          record.operationName = operationName;
          record.operationHash = queryHash ?? null;
          record.accessLevel = contextValue.accessLevel ?? 'anonymous';
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors ?? [] : [];
          record.errorCodes = [...new Set(errors.map((e) => String(e.extensions?.code ?? 'ERROR')))].sort();
        },
      };
    },
  };
}
