/**
 * Runs one repository's subgraph as a standalone HTTP server, as a provider does at its own site: the gateway
 * reaches it through the config entry's `subgraph` URL.
 *
 * Who may see what is checked here again, not only at the gateway: records are served only to calls carrying a
 * grant the gateway signed (header GATEWAY_GRANT_HEADER, a JWT for this repository, verified against the
 * gateway's JWKS URL: option `gatewayJwksUrl` or GATEWAY_JWKS_URL). A call without one gets counts only; a call
 * with an invalid one (forged, expired, for another repository) is refused with 401.
 *
 * Every call that releases records here writes its own audit line (audit-log.ts, `"by":"repository-subgraph"`):
 * who (the issuer and subject the gateway vouches for), which collections, how many cases and series, so the owner
 * has a record of what left the site, whatever the gateway logs. A call carrying the gateway's grant also gets
 * what it released with the answer (release-report.ts), for the gateway's own audit line.
 */
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DestinationStream, Logger } from 'pino';
import type { AdapterKind } from './adapter';
import { createApolloHandler } from './apollo-http';
import { auditPlugin, createAuditLogger, startReleaseTally } from './audit-log';
import type { RequestContext } from './context';
import type { RepositoryEntry } from './entry';
import { INCOMPLETE_EXTENSION, isIncompleteAnswer } from './incomplete-answer';
import { RELEASE_REPORT_EXTENSION } from './release-report';
import { ReleaseTally } from './release-tally';
import { buildRepositorySubgraph, recordReleasesOf } from './subgraph';
import { inServerSpan } from './tracing';

export interface RunningSubgraph {
  /** The URL to put in the config entry's `subgraph`. */
  url: string;
  port: number;
  /**
   * With `warmUp`: settles once the adapter's warm-up (its index harvest) has ended, `warmed` true, or with the
   * failure it logged (the subgraph serves either way); at once, `warmed` false, when there is nothing to warm up.
   */
  warmedUp: Promise<{ warmed: boolean; failure?: string }>;
  close(): Promise<void>;
}

/** The header a gateway's grant travels in, and the issuer it names (gateway/plugins/auth/forward-grant.ts signs it). */
export const GATEWAY_GRANT_HEADER = 'x-eucaim-grant';
export const GATEWAY_GRANT_ISSUER = 'eucaim-gateway';

export class GrantRefused extends Error {}

/** Marks the context of a call that carried a valid grant of the gateway (a symbol survives the context's copies). */
const GATEWAY_GRANTED = Symbol('eucaim.gatewayGranted');

/**
 * Sends the gateway what each call released (release-report.ts, in the answer's extensions), so its audit line has
 * this repository's records whether the answer is fresh, cached or shared. Only to a call carrying the gateway's
 * grant: others (a subgraph without the gateway's keys answers anyone) learn nothing from it. Keys, not ids.
 */
function releaseReportPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const tally = recordReleasesOf(contextValue);
          if (!(contextValue as { [GATEWAY_GRANTED]?: true })[GATEWAY_GRANTED] || !(tally instanceof ReleaseTally) || response.body.kind !== 'single') return;
          const report = tally.report();
          if (report) response.body.singleResult.extensions = { ...response.body.singleResult.extensions, [RELEASE_REPORT_EXTENSION]: report };
        },
      };
    },
  };
}

/** Marks an answer drawn from part of the repository (incomplete-answer.ts), so that no gateway caches it. */
function incompleteAnswerPlugin(): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          if (!isIncompleteAnswer(contextValue) || response.body.kind !== 'single') return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, [INCOMPLETE_EXTENSION]: true };
        },
      };
    },
  };
}

/** Builds the context of a call to the subgraph of `repositoryId` from the gateway's grant, if it carries one. */
export function gatewayGrantVerifier(repositoryId: string, jwksUrl: string | (() => string)): (req: IncomingMessage) => Promise<RequestContext> {
  let keys: JWTVerifyGetKey | undefined;
  return async (req) => {
    const header = req.headers[GATEWAY_GRANT_HEADER];
    if (header === undefined) return { accessLevel: 'anonymous', recordGrants: [] };
    keys ??= createRemoteJWKSet(new URL(typeof jwksUrl === 'string' ? jwksUrl : jwksUrl()), { cooldownDuration: 30_000 });
    try {
      const { payload } = await jwtVerify(String(header), keys, {
        issuer: GATEWAY_GRANT_ISSUER, audience: repositoryId, algorithms: ['ES256'], maxTokenAge: '5m', clockTolerance: 5, requiredClaims: ['exp', 'sub'],
      });
      const collections = Array.isArray(payload.collections) ? payload.collections.filter((c): c is string => typeof c === 'string') : [];
      // No collection: the gateway vouches for who the caller is, who may read none of these records.
      const recordGrants = collections.length === 0 ? [] : [collections.includes('*') ? { repositoryId } : { repositoryId, collections }];
      const context: RequestContext = { accessLevel: 'researcher', ...issuerScopedSubject(payload.sub!, payload.sub_id), recordGrants };
      (context as { [GATEWAY_GRANTED]?: true })[GATEWAY_GRANTED] = true;
      return context;
    } catch (error) {
      if (error instanceof GrantRefused) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new GrantRefused('it has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') throw new GrantRefused(`it is not for repository "${repositoryId}"`);
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) throw new GrantRefused('it is not signed by the gateway');
      throw new GrantRefused('it could not be verified');
    }
  };
}

/** The caller the gateway names: `sub`, with its token's issuer when the grant carries it (RFC 9493 §3.2.5 "iss_sub"). */
function issuerScopedSubject(subject: string, subjectId: unknown): Pick<RequestContext, 'issuer' | 'subject'> {
  const id = subjectId as { format?: unknown; iss?: unknown; sub?: unknown } | null | undefined;
  const issuer = id?.format === 'iss_sub' && id.sub === subject && typeof id.iss === 'string' ? id.iss : undefined;
  return issuer === undefined ? { subject } : { issuer, subject };
}

export async function serveRepositorySubgraph(options: {
  entry: RepositoryEntry; kind: AdapterKind; port: number; host?: string; credentials?: string;
  /** The gateway's JWKS (`<gateway>/.well-known/jwks.json`). Default GATEWAY_JWKS_URL. */
  gatewayJwksUrl?: string | (() => string);
  /** Where this site's audit lines of record releases go (pino JSON lines). Default: standard output. */
  auditLog?: DestinationStream;
  /**
   * Harvest the adapter's index as soon as the subgraph listens (as the gateway warms its own adapters), rather than
   * on the gateway's first question: that question then gets the whole repository, not the part harvested so far.
   */
  warmUp?: boolean;
}): Promise<RunningSubgraph> {
  const jwksUrl = options.gatewayJwksUrl ?? process.env.GATEWAY_JWKS_URL;
  let authenticate: (req: IncomingMessage) => Promise<RequestContext>;
  if (jwksUrl) {
    authenticate = gatewayGrantVerifier(options.entry.id, jwksUrl);
  } else {
    // Development only: without the gateway's keys nothing can be checked, so a production start is refused.
    if (process.env.NODE_ENV === 'production') throw new Error(`repository "${options.entry.id}": set GATEWAY_JWKS_URL (the gateway's /.well-known/jwks.json) so that only the gateway's grants release records`);
    console.warn(`repository "${options.entry.id}": no GATEWAY_JWKS_URL, so every caller may read its records (development only)`);
    authenticate = async () => ({ accessLevel: 'anonymous', recordGrants: [{ repositoryId: options.entry.id }] });
  }
  const adapter = options.kind.create(options.entry, { credentials: options.credentials });
  const subgraph = buildRepositorySubgraph(options.entry, options.kind, adapter);
  const served = await serveSubgraphSchema(subgraph.schema, { ...options, authenticate, audit: createAuditLogger(options.auditLog, 'repository-subgraph') });
  const warmedUp: RunningSubgraph['warmedUp'] = options.warmUp && adapter.warmUp
    ? adapter.warmUp().then(() => ({ warmed: true }), (error: unknown) => {
      const failure = `repository "${options.entry.id}": warm-up failed: ${(error as Error).message}`;
      console.error(failure);
      return { warmed: false, failure };
    })
    : Promise.resolve({ warmed: false });
  return { ...served, warmedUp, close: async () => { await served.close(); await adapter.close?.(); } };
}

/** Serves any subgraph schema over HTTP at /graphql (the benchmark serves the catalog this way too). */
export async function serveSubgraphSchema(schema: GraphQLSchema, options: {
  port: number; host?: string;
  /** The caller's context; a GrantRefused is answered 401. Default: anonymous. */
  authenticate?: (req: IncomingMessage) => Promise<RequestContext>;
  /**
   * Writes an audit line for each call that released records (audit-log.ts), and reports the release to the gateway
   * with the answer when the call carried its grant. Default: neither.
   */
  audit?: Logger;
}): Promise<Omit<RunningSubgraph, 'warmedUp'>> {
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // The gateway introspects nothing (it composes from the config), but owners debug with introspection.
    introspection: true,
    // No federated traces: the gateway reports no usage to Apollo's cloud, so ftv1 would only cost time.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), incompleteAnswerPlugin(), ...(options.audit ? [auditPlugin(options.audit), releaseReportPlugin()] : [])],
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const authenticate = options.authenticate ?? (async (): Promise<RequestContext> => ({ accessLevel: 'anonymous', recordGrants: [] }));
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  const handler = createApolloHandler(apollo, async (req): Promise<RequestContext> => {
    const context: RequestContext = { ...(contexts.get(req) ?? { accessLevel: 'anonymous', recordGrants: [] }) };
    if (options.audit) startReleaseTally(context);
    return context;
  });
  // Each call in a server span continuing the gateway's traceparent (tracing.ts; no-ops without a tracer provider).
  const server = createServer((req, res) => void inServerSpan(req, res, () => serve(req, res)));
  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      contexts.set(req, await authenticate(req));
    } catch (error) {
      const message = error instanceof GrantRefused ? `the gateway grant was refused: ${error.message}` : 'the gateway grant could not be checked';
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }));
      return;
    }
    await handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'internal subgraph error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}/graphql`,
    port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}
