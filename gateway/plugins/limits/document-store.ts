/**
 * Apollo Server keeps parsed operations in an LRU cache bounded by the size of each document's JSON, which leaves
 * out the operation's source text: every node's `loc` still references it. A client sending near-1 MB operations of
 * comments (comments are no tokens, so the token limit does not see them) made the gateway keep about 1 MB per
 * distinct request (bench --scenario abuse: heap after GC from 114 to 280 MB). This store counts the source too.
 */
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode } from 'graphql';

export const DOCUMENT_STORE_MAX_BYTES = 32 * 1024 * 1024;

/** Bytes a cached document holds: its JSON (as Apollo counts it) plus its source text, two bytes a character. */
export function documentBytes(document: DocumentNode): number {
  return JSON.stringify(document).length + 2 * (document.loc?.source.body.length ?? 0);
}

export function boundedDocumentStore(maxBytes = DOCUMENT_STORE_MAX_BYTES): InMemoryLRUCache<DocumentNode> {
  return new InMemoryLRUCache<DocumentNode>({ maxSize: maxBytes, sizeCalculation: documentBytes });
}
