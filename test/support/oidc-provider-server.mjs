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
 *
 * With argv[5], JSON {"users": [{login, password, sub, name, grants}], "portalRedirectUri"}, it also serves the
 * authorization-code flow with PKCE (RFC 7636, required) to a public client `portal` (a browser portal, no secret,
 * that redirect URI): its own login form checks the user's password, a consent page says what the portal asks,
 * and the access token carries the account's `eucaim_grants` claim.
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
const userFlow = process.argv[5] ? JSON.parse(process.argv[5]) : { users: [] };
const portalClient = userFlow.portalRedirectUri ? [{
  client_id: 'portal', client_name: 'EUCAIM research portal', application_type: 'web', token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [userFlow.portalRedirectUri], scope: 'openid cohort:read cases:read',
}] : [];
async function findAccount(_ctx, sub) {
  const user = userFlow.users.find((u) => u.sub === sub);
  return user && { accountId: sub, claims: () => ({ sub, name: user.name, eucaim_grants: user.grants }) };
}
const clientGrants = { researcher: grants, 'short-lived': grants, 'over-granted': grants, 'counts-only': [], 'whole-repository': wholeGrants };

const provider = new Provider(issuer, {
  clients: [
    client('researcher', 'cohort:read cases:read'),
    client('counts-only', 'cohort:read'),
    client('over-granted', 'cohort:read'),
    client('short-lived', 'cohort:read cases:read'),
    client('whole-repository', 'cohort:read cases:read'),
    ...portalClient,
  ],
  findAccount,
  pkce: { required: () => true },
  // The portal's page exchanges its code from the browser: the token endpoint answers its origin only.
  clientBasedCORS: (_ctx, origin, forClient) => forClient.redirectUris.some((uri) => new URL(uri).origin === origin),
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
  extraTokenClaims: async (ctx, token) => {
    if (!token.accountId) return { eucaim_grants: clientGrants[token.clientId] ?? [] };
    const account = await findAccount(ctx, token.accountId);
    return { eucaim_grants: (await account?.claims())?.eucaim_grants ?? [] };
  },
});
provider.proxy = false;
const callback = provider.callback();
server.on('request', (req, res) => {
  if (!req.url.startsWith('/interaction/')) return callback(req, res);
  interaction(req, res).catch((error) => html(res, 400, 'Sign-in failed', `<p role="alert">${escape(error.message)}</p>`));
});

/** The provider's own interaction pages (GET /interaction/:uid, POST …/login, POST …/consent), as its docs advise. */
async function interaction(req, res) {
  const action = new URL(req.url, issuer).pathname.split('/')[3];
  const { uid, prompt, params, session, grantId } = await provider.interactionDetails(req, res);
  const form = req.method === 'POST' ? new URLSearchParams(Buffer.concat(await Array.fromAsync(req)).toString()) : new URLSearchParams();
  if (prompt.name === 'login' && action === 'login') {
    const user = userFlow.users.find((u) => u.login === form.get('login') && u.password === form.get('password'));
    if (user) return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
    return html(res, 401, 'Sign in', loginForm(uid, 'Wrong login or password.'));
  }
  if (prompt.name === 'login') return html(res, 200, 'Sign in', loginForm(uid));
  const client = await provider.Client.find(params.client_id);
  const { missingOIDCScope = [], missingOIDCClaims = [], missingResourceScopes = {} } = prompt.details;
  if (action === 'consent') {
    const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (missingOIDCScope.length) grant.addOIDCScope(missingOIDCScope.join(' '));
    if (missingOIDCClaims.length) grant.addOIDCClaims(missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missingResourceScopes)) grant.addResourceScope(resource, scopes.join(' '));
    return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  const asks = Object.entries(missingResourceScopes).map(([resource, scopes]) => `<li>${escape(scopes.join(' '))} at ${escape(resource)}</li>`).join('');
  return html(res, 200, 'Allow access', `<p>${escape(client?.clientName ?? params.client_id)} asks to act for you:</p><ul>${asks}</ul>
    <form method="post" action="/interaction/${uid}/consent"><button type="submit">Allow</button></form>`);
}
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const loginForm = (uid, problem) => `${problem ? `<p role="alert">${problem}</p>` : ''}<form method="post" action="/interaction/${uid}/login">
  <label>Login <input name="login" required></label> <label>Password <input name="password" type="password" required></label>
  <button type="submit">Sign in</button></form>`;
function html(res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1>${body}</body></html>`);
}
process.stdout.write(`${JSON.stringify({ issuer })}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
