/**
 * Runs one repository's subgraph as a standalone HTTP server, as a provider does at its own site: the gateway
 * reaches it through the config entry's `subgraph` URL.
 *
 * Who may see what is checked here again, not only at the gateway: records are served only to calls carrying a
 * grant the gateway signed (header GATEWAY_GRANT_HEADER, a JWT for this repository, verified against the
 * gateway's JWKS URL: option `gatewayJwksUrl` or GATEWAY_JWKS_URL). A call without one gets counts only; a call
 * with an invalid one (forged, expired, for another repository) is refused with 401.
 */
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { IncomingMessage } from 'node:http';
import type { AdapterKind } from './adapter';
import { createApolloHandler } from './apollo-http';
import type { RequestContext } from './context';
import type { RepositoryEntry } from './entry';
import { buildRepositorySubgraph } from './subgraph';

export interface RunningSubgraph {
  /** The URL to put in the config entry's `subgraph`. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The header a gateway's grant travels in, and the issuer it names (gateway/auth/forward-grant.ts signs it). */
export const GATEWAY_GRANT_HEADER = 'x-eucaim-grant';
export const GATEWAY_GRANT_ISSUER = 'eucaim-gateway';

export class GrantRefused extends Error {}

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
      return { accessLevel: 'researcher', subject: payload.sub, recordGrants };
    } catch (error) {
      if (error instanceof GrantRefused) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new GrantRefused('it has expired');
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'aud') throw new GrantRefused(`it is not for repository "${repositoryId}"`);
      if (error instanceof joseErrors.JWKSNoMatchingKey || error instanceof joseErrors.JWSSignatureVerificationFailed) throw new GrantRefused('it is not signed by the gateway');
      throw new GrantRefused('it could not be verified');
    }
  };
}

export async function serveRepositorySubgraph(options: {
  entry: RepositoryEntry; kind: AdapterKind; port: number; host?: string; credentials?: string;
  /** The gateway's JWKS (`<gateway>/.well-known/jwks.json`). Default GATEWAY_JWKS_URL. */
  gatewayJwksUrl?: string | (() => string);
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
  const served = await serveSubgraphSchema(subgraph.schema, { ...options, authenticate });
  return { ...served, close: async () => { await served.close(); await adapter.close?.(); } };
}

/** Serves any subgraph schema over HTTP at /graphql (the benchmark serves the catalog this way too). */
export async function serveSubgraphSchema(schema: GraphQLSchema, options: {
  port: number; host?: string;
  /** The caller's context; a GrantRefused is answered 401. Default: anonymous. */
  authenticate?: (req: IncomingMessage) => Promise<RequestContext>;
}): Promise<RunningSubgraph> {
  const apollo = new ApolloServer<RequestContext>({
    schema,
    // The gateway introspects nothing (it composes from the config), but owners debug with introspection.
    introspection: true,
    // No federated traces: the gateway reports no usage to Apollo's cloud, so ftv1 would only cost time.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled()],
    includeStacktraceInErrorResponses: false,
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const authenticate = options.authenticate ?? (async (): Promise<RequestContext> => ({ accessLevel: 'anonymous', recordGrants: [] }));
  const contexts = new WeakMap<IncomingMessage, RequestContext>();
  const handler = createApolloHandler(apollo, async (req): Promise<RequestContext> => contexts.get(req) ?? { accessLevel: 'anonymous', recordGrants: [] });
  const server = createServer(async (req, res) => {
    try {
      contexts.set(req, await authenticate(req));
    } catch (error) {
      const message = error instanceof GrantRefused ? `the gateway grant was refused: ${error.message}` : 'the gateway grant could not be checked';
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }));
      return;
    }
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: 'internal subgraph error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
    });
  });
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
