/**
 * The demo's built-in OpenID issuer, so that `npm start` lets a new user try record access with no set-up: a key
 * made at start, its discovery document and JWK Set served by the gateway itself under /demo/issuer (loopback
 * only), and tokens minted by the gateway at start (npm start prints one). Tokens go through the same
 * verification as a real issuer's (discovery, JWKS, signature, audience, expiry). Trusted, and served, only while
 * the config has no `auth` section (auth-switch.ts: a reload that adds one replaces it).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import type { AuthConfig } from '../gateway/plugins/auth/auth-config';

export const DEMO_ISSUER_PATH = '/demo/issuer';
export const DEMO_AUDIENCE = 'eucaim-gateway';

export interface DemoIssuer {
  /** Serves the discovery document and keys; false for other paths. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The issuer URL, known once the gateway listens. */
  issuer(): string;
  authConfig(): AuthConfig;
  /** A token for `subject` with these grants (`repository` or `repository/collection`). */
  mint(subject: string, grants: readonly string[], options?: { scope?: string; lifetime?: string }): Promise<string>;
}

export async function createDemoIssuer(originOf: () => string): Promise<DemoIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey as KeyLike)), kid: 'demo-issuer-1', alg: 'ES256', use: 'sig' };
  const issuer = () => `${originOf()}${DEMO_ISSUER_PATH}`;
  return {
    issuer,
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      if (!path.startsWith(`${DEMO_ISSUER_PATH}/`)) return false;
      const local = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '');
      const body = !local ? undefined
        : path === `${DEMO_ISSUER_PATH}/.well-known/openid-configuration` ? { issuer: issuer(), jwks_uri: `${issuer()}/jwks`, id_token_signing_alg_values_supported: ['ES256'] }
          : path === `${DEMO_ISSUER_PATH}/jwks` ? { keys: [jwk] } : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
      return true;
    },
    authConfig: () => ({
      anonymous: 'counts',
      issuers: [{
        issuer: issuer(), audiences: [DEMO_AUDIENCE], claims: { subject: 'sub', grants: 'eucaim_grants', scope: 'scope' },
        recordScope: 'cases:read', clockToleranceSeconds: 30, algorithms: ['ES256'],
      }],
    }),
    mint: (subject, grants, options = {}) => new SignJWT({ scope: options.scope ?? 'cohort:read cases:read', eucaim_grants: [...grants] })
      .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'at+jwt' })
      .setIssuer(issuer()).setAudience(DEMO_AUDIENCE).setSubject(subject).setIssuedAt().setExpirationTime(options.lifetime ?? '12h')
      .sign(privateKey),
  };
}
