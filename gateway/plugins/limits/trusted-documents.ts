/**
 * The allow-list of operations a production portal may send (trusted documents, README "Limits no request can
 * pass"): a manifest of the portal's operations, each keyed by the sha256 of its text, checked at start, and an
 * Apollo Server plugin that holds every caller's request to it before the operation is parsed.
 *
 * Manifests in either format the GraphQL community writes them:
 * - Apollo's persisted query manifest (`@apollo/generate-persisted-query-manifest`):
 *   `{ "format": "apollo-persisted-query-manifest", "version": 1, "operations": [{ "id", "name", "type", "body" }] }`
 * - a plain `{ "<sha256>": "<document>" }` map, as graphql-codegen's client preset writes `persisted-documents.json`
 *   (with `persistedDocuments: { hashAlgorithm: 'sha256' }`).
 *
 * A request names its operation by `extensions.persistedQuery.sha256Hash` (Apollo's automatic persisted queries,
 * without `query`), by `documentId` (GraphQL-over-HTTP, appendix "Persisted Documents": a bare hash or
 * `sha256:<hash>`), or sends the full `query`, which is trusted when its sha256 is listed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, BaseContext, GraphQLRequest, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { isJsonObject } from '../../../subgraphs/sdk/parse';

export interface TrustedDocumentsConfig {
  /** The manifest (absolute, or as given; the config parser resolves it against the config file's folder). */
  file: string;
  /** true: only listed operations run. false: listed ids are served, other operations pass and are logged. */
  enforce: boolean;
}

export interface TrustedDocuments {
  enforce: boolean;
  /** sha256 (lower-case hex) of each listed operation's text → the text. */
  documents: ReadonlyMap<string, string>;
}

export const APOLLO_MANIFEST_FORMAT = 'apollo-persisted-query-manifest';

/** How Apollo Server hashes an operation's text (its `computeQueryHash`): sha256 of the UTF-8 text, hex. */
export function documentHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** One listed operation; a problem names the entry (`operations[2] ("CohortCounts")` or the map key). */
function addDocument(documents: Map<string, string>, where: string, id: unknown, body: unknown, problems: string[]): void {
  if (typeof body !== 'string' || body.trim() === '') {
    problems.push(`${where}: the document must be a non-empty string`);
    return;
  }
  if (typeof id !== 'string' || !SHA256_HEX.test(id)) {
    problems.push(`${where}: the id must be the sha256 of the document in lower-case hex (64 characters)`);
    return;
  }
  const actual = documentHash(body);
  if (actual !== id) {
    problems.push(`${where}: the id is not the sha256 of its document (the document's sha256 is ${actual}; was the manifest edited by hand, or hashed with another algorithm?)`);
    return;
  }
  documents.set(id, body);
}

/** The listed operations of a manifest's JSON; throws naming the file and every entry at fault. */
export function parseTrustedDocumentsManifest(json: unknown, source: string): Map<string, string> {
  const problems: string[] = [];
  const documents = new Map<string, string>();
  if (isJsonObject(json) && json.format === APOLLO_MANIFEST_FORMAT) {
    if (json.version !== 1) problems.push(`version: ${JSON.stringify(json.version)} is not supported; the gateway reads version 1`);
    if (!Array.isArray(json.operations)) problems.push('operations: must be an array of { "id", "name", "type", "body" }');
    else {
      json.operations.forEach((operation: unknown, index: number) => {
        const name = isJsonObject(operation) && typeof operation.name === 'string' ? ` ("${operation.name}")` : '';
        const where = `operations[${index}]${name}`;
        if (!isJsonObject(operation)) problems.push(`${where}: must be an object with "id" and "body"`);
        else addDocument(documents, where, operation.id, operation.body, problems);
      });
    }
  } else if (isJsonObject(json) && !('format' in json)) {
    for (const [id, body] of Object.entries(json)) addDocument(documents, `"${id}"`, id, body, problems);
  } else {
    problems.push(`must be an Apollo persisted query manifest ({ "format": "${APOLLO_MANIFEST_FORMAT}", "version": 1, "operations": [...] }) or a { "<sha256>": "<document>" } map`);
  }
  if (problems.length === 0 && documents.size === 0) problems.push('lists no operation: an enforced empty list would refuse every request');
  if (problems.length > 0) throw new Error(`invalid trusted documents manifest ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return documents;
}

/** Reads and checks the manifest named by the config (at start: a wrong manifest stops the gateway, naming the entry). */
export function loadTrustedDocuments(config: TrustedDocumentsConfig): TrustedDocuments {
  let text: string;
  try {
    text = readFileSync(config.file, 'utf8');
  } catch (error) {
    throw new Error(`invalid trusted documents manifest ${config.file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`invalid trusted documents manifest ${config.file}: not valid JSON: ${(error as Error).message}`);
  }
  return { enforce: config.enforce, documents: parseTrustedDocumentsManifest(json, config.file) };
}

const GATEWAY_OWN = Symbol('eucaim.gatewayOwnOperation');

/**
 * Marks a context as the gateway's own (the Europe-wide subgraph's inner operations, sent through
 * `executeOperation`): they are the gateway's questions, not a caller's document, and are not held to the list.
 * A symbol property survives Apollo's shallow copy of the context; no caller can set it.
 */
export function markGatewayOwnOperation(context: object): void {
  (context as { [GATEWAY_OWN]?: true })[GATEWAY_OWN] = true;
}

function isGatewayOwnOperation(context: unknown): boolean {
  return context !== null && typeof context === 'object' && (context as { [GATEWAY_OWN]?: true })[GATEWAY_OWN] === true;
}

/** The id a request names its operation by, if any: the APQ hash or the GraphQL-over-HTTP `documentId`. */
function requestedId(request: GraphQLRequest): { id: string; by: 'persistedQuery' | 'documentId' } | undefined {
  const persisted: unknown = request.extensions?.persistedQuery;
  if (isJsonObject(persisted) && typeof persisted.sha256Hash === 'string') return { id: persisted.sha256Hash.toLowerCase(), by: 'persistedQuery' };
  const http = request.http;
  const fromBody = isJsonObject(http?.body) ? http.body.documentId : undefined;
  const fromSearch = http && http.method === 'GET' ? new URLSearchParams(http.search).get('documentId') ?? undefined : undefined;
  const documentId = fromBody ?? fromSearch;
  // GraphQL-over-HTTP persisted documents: `sha256:<hex>` (prefixed) or the bare hash.
  if (typeof documentId === 'string') return { id: documentId.replace(/^sha256:/i, '').toLowerCase(), by: 'documentId' };
  return undefined;
}

type Verdict = { serve: string } | { pass: true } | { refuse: GraphQLFormattedError };

const notTrusted: GraphQLFormattedError = {
  message: 'this gateway only runs the operations of its trusted documents list; send a listed operation (by its sha256 id, or its exact text)',
  extensions: { code: 'OPERATION_NOT_TRUSTED' },
};

function notFound(by: 'persistedQuery' | 'documentId'): GraphQLFormattedError {
  const how = by === 'documentId' ? 'documentId' : 'extensions.persistedQuery.sha256Hash';
  return { message: `PersistedQueryNotFound: the ${how} names no operation of this gateway's trusted documents list`, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } };
}

function judge(list: TrustedDocuments, request: GraphQLRequest, logUntrusted: (hash: string) => void): Verdict {
  const named = requestedId(request);
  if (typeof request.query === 'string' && request.query !== '') {
    // A full text: trusted when its own sha256 is listed (an APQ hash beside it is checked against it by Apollo).
    const hash = documentHash(request.query);
    if (list.documents.has(hash)) return { pass: true };
    if (list.enforce) return { refuse: notTrusted };
    logUntrusted(hash);
    return { pass: true };
  }
  if (!named) return list.enforce ? { refuse: notTrusted } : { pass: true };
  const text = list.documents.get(named.id);
  if (text !== undefined) return { serve: text };
  // Not enforced, an unknown APQ hash goes on to Apollo's own APQ cache (clients may register operations there).
  if (!list.enforce && named.by === 'persistedQuery') return { pass: true };
  return { refuse: notFound(named.by) };
}

/** Remembers the hashes already logged, so each untrusted operation gives one line (bounded: forgets past 10,000). */
function oncePerHash(log: (line: string) => void): (hash: string) => void {
  const logged = new Set<string>();
  return (hash) => {
    if (logged.has(hash)) return;
    if (logged.size >= 10_000) logged.clear();
    logged.add(hash);
    // The hash only: no operation name, no text, no variables (they may carry a caller's values).
    log(`gateway: trusted documents: untrusted operation sha256:${hash} was served (enforce is off)`);
  };
}

/**
 * The plugin holding callers' requests to the list. It decides in `requestDidStart`, before Apollo resolves the
 * operation's text, so a refused operation is never parsed. Apollo Server 5 lets a plugin answer early only
 * through its own error path (an exception thrown here becomes a masked 500), so a refused request is emptied of
 * its operation, which Apollo refuses at once as a bad request, and that answer is replaced by the refusal.
 */
export function trustedDocumentsPlugin<TContext extends BaseContext>(list: TrustedDocuments, log: (line: string) => void = (line) => console.warn(line)): ApolloServerPlugin<TContext> {
  const logUntrusted = oncePerHash(log);
  return {
    async requestDidStart({ request, contextValue }): Promise<GraphQLRequestListener<TContext> | void> {
      if (isGatewayOwnOperation(contextValue)) return;
      const verdict = judge(list, request, logUntrusted);
      if ('pass' in verdict) return;
      if ('serve' in verdict) {
        request.query = verdict.serve;
        // Served from the list: Apollo's APQ cache need not learn it.
        if (request.extensions && 'persistedQuery' in request.extensions) {
          const { persistedQuery: _listed, ...rest } = request.extensions;
          request.extensions = rest;
        }
        return;
      }
      request.query = undefined;
      request.extensions = undefined;
      return {
        async willSendResponse({ response }) {
          response.body = { kind: 'single', singleResult: { errors: [verdict.refuse] } };
          response.http.status = 400;
          // A refusal depends on the deployed list, which changes with the portal: never cached.
          response.http.headers.set('cache-control', 'private, no-cache, must-revalidate');
        },
      };
    },
  };
}
