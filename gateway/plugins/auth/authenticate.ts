/**
 * The caller of one HTTP request: anonymous without an `Authorization` header (when the config lets anonymous
 * callers in), else the bearer of a verified token (RFC 6750 §2.1). A bad token is a refusal with its reason,
 * answered 401 with `WWW-Authenticate` (RFC 6750 §3), never treated as anonymous.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import type { AuthConfig, IssuerConfig } from './auth-config';
import { callerContext } from './caller-context';
import type { IssuerKeys } from './issuer-keys';
import { createTokenVerifier, TokenRejected } from './verify-token';

export type Authentication =
  | { ok: true; context: RequestContext }
  | { ok: false; status: 401 | 503; error: 'invalid_request' | 'invalid_token'; message: string };

export type Authenticator = (req: IncomingMessage) => Promise<Authentication>;

export function createAuthenticator(config: AuthConfig, keysOf?: (issuer: IssuerConfig) => IssuerKeys): Authenticator {
  const verify = createTokenVerifier(config, keysOf);
  return async (req) => {
    const header = req.headers.authorization;
    if (header === undefined || header === '') {
      if (config.anonymous === 'counts') return { ok: true, context: { accessLevel: 'anonymous', recordGrants: [] } };
      return { ok: false, status: 401, error: 'invalid_request', message: 'this gateway answers only callers with a bearer token' };
    }
    const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i.exec(header);
    if (!match) return { ok: false, status: 401, error: 'invalid_request', message: 'the Authorization header must be "Bearer <token>"' };
    try {
      const { issuer, claims } = await verify(match[1]);
      return { ok: true, context: callerContext(issuer, claims) };
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      return { ok: false, status: error.issuerDown ? 503 : 401, error: 'invalid_token', message: error.message };
    }
  };
}

/** The 401 (or 503 when the issuer's keys cannot be read) answer of a refused request, as a GraphQL response. */
export function refusalBody(refusal: Extract<Authentication, { ok: false }>): { headers: Record<string, string>; body: string } {
  // RFC 6750 §3: the error code in WWW-Authenticate; the description is ours (no caller value in it).
  const description = refusal.message.replace(/["\\]/g, '');
  return {
    headers: { 'content-type': 'application/json', 'www-authenticate': `Bearer error="${refusal.error}", error_description="${description}"` },
    body: JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: 'UNAUTHENTICATED' } }] }),
  };
}
