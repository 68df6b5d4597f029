/**
 * @apollo/gateway keeps query plans under Apollo Server's `queryHash`: the sha256 of the operation's source text,
 * comments and white space included. A client that pads one operation with a new comment on every request (comments
 * are no tokens, so the token limit lets them through) made the gateway plan it anew each time, about 40 ms of the
 * event loop per request for the demo's supergraph (bench --scenario abuse, kind body-near-limit).
 *
 * The wrapper below hands the gateway's executor a hash of the operation as graphql-js prints it instead, so texts
 * that differ only in comments, white space or commas share one plan. Apollo Server caches each parsed document per
 * source text, so the printed hash is computed once per distinct text and kept beside its document.
 */
import { createHash } from 'node:crypto';
import { print, type DocumentNode } from 'graphql';
import { withExecutor, type GatewayExecutor, type GatewayInterface } from '../../executor-wrapper';

const hashOfPrinted = new WeakMap<DocumentNode, string>();

/** The sha256 of the document as graphql-js prints it: equal for texts that differ only in what the parser ignores. */
export function operationHash(document: DocumentNode): string {
  let hash = hashOfPrinted.get(document);
  if (hash === undefined) {
    hash = createHash('sha256').update(print(document)).digest('hex');
    hashOfPrinted.set(document, hash);
  }
  return hash;
}

function keyedByOperation(executor: GatewayExecutor): GatewayExecutor {
  return (requestContext) => executor({ ...requestContext, queryHash: operationHash(requestContext.document) });
}

/** The gateway, with its query plans kept per printed operation rather than per source text. */
export function withPlansPerOperation(gateway: GatewayInterface): GatewayInterface {
  return withExecutor(gateway, keyedByOperation);
}
