/**
 * A portal's user signs in as a person does: real Chromium opens a research portal's page (a public client, no
 * secret), which sends her to the real OpenID provider (oidc-provider on loopback) with a PKCE challenge (RFC 7636);
 * she types her login and password into the provider's form and allows the portal access; back on the portal, the
 * page exchanges the code and its verifier for an access token. The portal then asks the gateway with that token.
 * What it opens comes from her account's grants claim: her repository's records, FORBIDDEN naming any other, and
 * an audit line naming her. Someone granted nothing signs in the same way and gets counts only.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import type { TestUser } from '../support/oidc-provider';
import { AUDIENCE, BEACON, PACS, REMOTE, startAuthFederation, type AuthAnswer, type AuthFederation } from './support';
import { launchChromium, requireChromium } from '../support/chromium';

const ANA: TestUser = { login: 'ana', password: 'tumour-board-2024', sub: 'user-7f3c-ana', name: 'Ana Researcher', grants: [PACS] };
const BEN: TestUser = { login: 'ben', password: 'first-day-here', sub: 'user-21d9-ben', name: 'Ben Newcomer', grants: [] };

/**
 * The portal's single page, as a portal developer writes it without a library: on `/` it makes a PKCE verifier and
 * state, keeps them in sessionStorage and goes to the provider; on `/callback` it checks state and issuer (RFC 9207)
 * and exchanges the code at the token endpoint (the provider's CORS lets the portal's origin in).
 */
const portalPage = (config: object) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Portal</title></head><body>
<output id="session">Signing in…</output>
<script>
const config = ${JSON.stringify(config)};
const output = document.getElementById('session');
const show = (state, text, token) => { output.textContent = text; if (token) output.dataset.token = token; output.dataset.state = state; };
const base64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
(async () => {
  const discovery = await (await fetch(config.issuer + '/.well-known/openid-configuration')).json();
  if (location.pathname === '/') {
    const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
    const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
    const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
    sessionStorage.setItem('sign-in', JSON.stringify({ verifier, state }));
    location.assign(discovery.authorization_endpoint + '?' + new URLSearchParams({
      response_type: 'code', client_id: config.clientId, redirect_uri: config.redirectUri, scope: config.scope, resource: config.resource,
      state, code_challenge: challenge, code_challenge_method: 'S256',
    }));
    return;
  }
  const answer = new URLSearchParams(location.search);
  const { verifier, state } = JSON.parse(sessionStorage.getItem('sign-in'));
  if (answer.get('error')) return show('refused', answer.get('error') + ': ' + answer.get('error_description'));
  if (answer.get('state') !== state || answer.get('iss') !== config.issuer) return show('refused', 'not the answer to this sign-in');
  const response = await fetch(discovery.token_endpoint, { method: 'POST', body: new URLSearchParams({
    grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: config.redirectUri, client_id: config.clientId, code_verifier: verifier,
  }) });
  const body = await response.json();
  if (!body.access_token) return show('refused', JSON.stringify(body));
  show('signed-in', 'Signed in', body.access_token);
})().catch((error) => show('failed', String(error)));
</script></body></html>`;

interface SignIn {
  token: string;
  /** The query of the authorization request the browser sent to the provider. */
  authorization: URLSearchParams;
  /** What the provider's login form said to a wrong password, when one was tried first. */
  wrongPassword?: string;
  /** What the provider's consent page said. */
  consent: string;
}

const errorsOf = (answer: AuthAnswer) => answer.body.errors ?? [];
const codesByRepository = (answer: AuthAnswer) => Object.fromEntries(errorsOf(answer).map((e) => [e.extensions?.repositoryId, e.extensions?.code]));

let browser: Browser | undefined;
let portal: Server | undefined;
let portalOrigin = '';
let federation: AuthFederation;
let ana: SignIn;

beforeAll(async () => {
  // No skipping: a test that silently skips without a browser would let a broken sign-in ship.
  requireChromium();
  let page = '';
  portal = createServer((req, res) => {
    const known = ['/', '/callback'].includes(new URL(req.url ?? '/', portalOrigin).pathname);
    res.writeHead(known ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(known ? page : '');
  });
  await new Promise<void>((resolve) => portal!.listen(0, '127.0.0.1', resolve));
  portalOrigin = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  const redirectUri = `${portalOrigin}/callback`;
  federation = await startAuthFederation({ users: [ANA, BEN], portalRedirectUri: redirectUri });
  page = portalPage({ issuer: federation.provider.issuer, clientId: 'portal', redirectUri, scope: 'openid cohort:read cases:read', resource: AUDIENCE });
  browser = await launchChromium();
  ana = await signIn(ANA, 'not-her-password');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await federation?.close();
  await new Promise((resolve) => portal?.close(resolve));
}, 60_000);

/** Opens the portal in a fresh browser profile, signs in at the provider's form (optionally with a wrong password first) and allows access. */
async function signIn(user: TestUser, wrongPasswordFirst?: string): Promise<SignIn> {
  const context = await browser!.newContext();
  const page = await context.newPage();
  const authorizations: URL[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === federation.provider.issuer && url.searchParams.has('response_type')) authorizations.push(url);
  });
  try {
    await page.goto(portalOrigin);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).origin).toBe(federation.provider.issuer);
    let wrongPassword: string | undefined;
    if (wrongPasswordFirst) {
      await page.getByLabel('Login').fill(user.login);
      await page.getByLabel('Password').fill(wrongPasswordFirst);
      await page.getByRole('button', { name: 'Sign in' }).click();
      wrongPassword = (await page.getByRole('alert').textContent({ timeout: 15_000 })) ?? '';
    }
    await page.getByLabel('Login').fill(user.login);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow access' }).waitFor({ timeout: 15_000 });
    const consent = await page.locator('body').innerText();
    await page.getByRole('button', { name: 'Allow' }).click();
    const session = page.locator('output#session[data-state]');
    await session.waitFor({ timeout: 15_000 });
    const [state, text, token] = [await session.getAttribute('data-state'), await session.textContent(), await session.getAttribute('data-token')];
    expect({ state, text, url: new URL(page.url()).origin + new URL(page.url()).pathname }).toEqual({ state: 'signed-in', text: 'Signed in', url: `${portalOrigin}/callback` });
    expect(authorizations).toHaveLength(1);
    return { token: token!, authorization: authorizations[0].searchParams, wrongPassword, consent };
  } finally {
    await context.close();
  }
}

describe('a user who signs in at the provider for a portal', () => {
  it('is refused with a wrong password, asked to allow the portal, and gets a token for the gateway carrying her grants', () => {
    expect(ana.wrongPassword).toBe('Wrong login or password.');
    expect(ana.consent).toContain('EUCAIM research portal asks to act for you');
    expect(ana.consent).toContain(`cohort:read cases:read at ${AUDIENCE}`);
    // The browser carried a PKCE challenge, never a secret or the verifier.
    expect(Object.fromEntries(ana.authorization)).toMatchObject({ client_id: 'portal', code_challenge_method: 'S256', code_challenge: expect.stringMatching(/^[\w-]{43}$/) });
    expect(ana.authorization.has('client_secret') || ana.authorization.has('code_verifier')).toBe(false);
    const claims = decodeJwt(ana.token);
    expect(claims).toMatchObject({ iss: federation.provider.issuer, aud: AUDIENCE, sub: ANA.sub, client_id: 'portal', eucaim_grants: [PACS] });
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(['cohort:read', 'cases:read']));
  });

  it('with her token: counts, her repository\'s records, FORBIDDEN naming another, and an audit line naming her', async () => {
    const counts = await federation.query('{ repositories { id cohort { subjects } } }', ana.token);
    expect(counts.body.errors).toBeUndefined();
    expect((counts.body.data?.repositories as Array<{ id: string; cohort: { subjects: number } }>).map((r) => [r.id, r.cohort.subjects]))
      .toEqual([[PACS, 60], [BEACON, 60], [REMOTE, 40]]);

    const before = federation.auditLines.length;
    const mine = await federation.query(`{ repository(id: "${PACS}") { cases(first: 100) { totalCount nodes { id collection } } } }`, ana.token);
    expect(mine.body.errors).toBeUndefined();
    const cases = (mine.body.data?.repository as { cases: { totalCount: number; nodes: Array<{ id: string; collection: string }> } }).cases;
    // Her grant is the whole repository: both collections, every case.
    expect(cases.totalCount).toBe(60);
    expect(new Set(cases.nodes.map((n) => n.collection))).toEqual(new Set(['LUNG', 'PROSTATE']));
    expect(federation.auditLines.slice(before)).toEqual([expect.objectContaining({
      event: 'record-release', subject: ANA.sub, repositories: [expect.objectContaining({ repositoryId: PACS, cases: 60 })],
    })]);

    const other = await federation.query(`{ repository(id: "${REMOTE}") { cohort { subjects } cases(first: 1) { nodes { id } } } }`, ana.token);
    expect(codesByRepository(other)).toEqual({ [REMOTE]: 'FORBIDDEN' });
    expect(errorsOf(other)[0].message).toMatch(/^repository "t-remote": /);
    expect(other.body.data?.repository).toEqual({ cohort: { subjects: 40 }, cases: null });
    // A refusal releases nothing: still the one line.
    expect(federation.auditLines.length).toBe(before + 1);
  });

  it('the provider refuses the portal a sign-in without a PKCE challenge', async () => {
    const discovery = (await (await fetch(`${federation.provider.issuer}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string };
    const query = new URLSearchParams({ response_type: 'code', client_id: 'portal', redirect_uri: `${portalOrigin}/callback`, scope: 'openid cases:read', resource: AUDIENCE, state: 's' });
    const response = await fetch(`${discovery.authorization_endpoint}?${query}`, { redirect: 'manual' });
    const back = new URL(response.headers.get('location') ?? '');
    expect(back.origin + back.pathname).toBe(`${portalOrigin}/callback`);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(back.searchParams.has('code')).toBe(false);
  });

  it('someone granted nothing signs in the same way and gets counts only', async () => {
    const ben = await signIn(BEN);
    expect(decodeJwt(ben.token)).toMatchObject({ sub: BEN.sub, aud: AUDIENCE, eucaim_grants: [] });
    const before = federation.auditLines.length;
    const answer = await federation.query('{ repositories { id cohort { subjects } cases(first: 1) { nodes { id } } } }', ben.token);
    expect(codesByRepository(answer)).toEqual({ [PACS]: 'FORBIDDEN', [BEACON]: 'REPOSITORY_NOT_SUPPORTED', [REMOTE]: 'FORBIDDEN' });
    const repositories = answer.body.data?.repositories as Array<{ id: string; cohort: { subjects: number }; cases: unknown }>;
    expect(repositories.map((r) => [r.id, r.cohort.subjects, r.cases])).toEqual([[PACS, 60, null], [BEACON, 60, null], [REMOTE, 40, null]]);
    expect(federation.auditLines.slice(before)).toEqual([]);
  }, 60_000);
});
