/**
 * A real OpenID provider for the tests: `oidc-provider` (npm) on loopback, in its own process (it is an ES module;
 * the tests run as CommonJS). It issues JWT access tokens (RFC 9068) by client credentials for the resource
 * `argv[2]` (the audience), to these clients:
 * - `researcher`: scopes cohort:read cases:read, grants for the repositories/collections in argv[3] (comma list);
 * - `counts-only`: scope cohort:read only, no grants;
 * - `over-granted`: grants for every repository in argv[3] but only the cohort:read scope (scope escalation);
 * - `short-lived`: like researcher, tokens valid 1 s;
 * - `whole-repository`: scopes cohort:read cases:read, grants in argv[4].
 * Client secrets are the client ids followed by "-secret". Prints one JSON line {"issuer": ...} when listening.
 */
import Provider from 'oidc-provider';
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';

const audience = process.argv[2] ?? 'https://gateway.eucaim.test';
const grants = (process.argv[3] ?? '').split(',').filter(Boolean);
const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const client = (id, scope, extra = {}) => ({
  client_id: id, client_secret: `${id}-secret`, grant_types: ['client_credentials'], redirect_uris: [], response_types: [],
  token_endpoint_auth_method: 'client_secret_post', scope, ...extra,
});
const wholeGrants = (process.argv[4] ?? '').split(',').filter(Boolean);
const clientGrants = { researcher: grants, 'short-lived': grants, 'over-granted': grants, 'counts-only': [], 'whole-repository': wholeGrants };

const provider = new Provider(issuer, {
  clients: [
    client('researcher', 'cohort:read cases:read'),
    client('counts-only', 'cohort:read'),
    client('over-granted', 'cohort:read'),
    client('short-lived', 'cohort:read cases:read'),
    client('whole-repository', 'cohort:read cases:read'),
  ],
  scopes: ['openid', 'cohort:read', 'cases:read'],
  jwks: { keys: [{ ...rsa, kid: 'test-rsa-1', alg: 'RS256', use: 'sig' }] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource, forClient) => ({
        scope: 'cohort:read cases:read',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: forClient.clientId === 'short-lived' ? 1 : 600,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  extraTokenClaims: (_ctx, token) => ({ eucaim_grants: clientGrants[token.clientId] ?? [] }),
});
provider.proxy = false;
server.on('request', provider.callback());
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
