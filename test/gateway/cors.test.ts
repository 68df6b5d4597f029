/**
 * The CORS allow-list (config `cors.allowedOrigins`, env CORS_ALLOWED_ORIGINS) as a browser meets it over HTTP:
 * preflights, the headers on actual answers, and Apollo Server's CSRF prevention for requests from allowed origins.
 * (test/browser/portal.test.ts runs real clients in Chromium.)
 */
import { request } from 'undici';
import { ConfigError, parseFederationConfig } from '../../config/federation-config';
import { corsFromEnv } from '../../gateway/plugins/http/cors-config';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { startCorsGateway, type CorsGateway } from '../support/cors-gateway';

const PORTAL = 'https://portal.example.org';
const OTHER = 'https://evil.example.net';
const COUNT_QUERY = '{ cohort { total { subjects } } }';

function configProblems(cors: unknown): string[] {
  try {
    parseFederationConfig({ repositories: [], cors }, 'test.json', ADAPTER_KINDS);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('the cors section of the federation config', () => {
  it('accepts origins written as browsers send them', () => {
    const config = parseFederationConfig({ repositories: [], cors: { allowedOrigins: [PORTAL, 'http://127.0.0.1:8080'] } }, 'test.json', ADAPTER_KINDS);
    expect(config.cors).toEqual({ allowedOrigins: [PORTAL, 'http://127.0.0.1:8080'] });
  });

  it('names each entry that is not an origin', () => {
    expect(configProblems({ allowedOrigins: ['*', `${PORTAL}/`, 'https://portal.example.org/app', 'ftp://files.example.org', 'portal', 42] })).toEqual([
      'cors.allowedOrigins[0]: "*" is not allowed: name each portal\'s origin (e.g. "https://portal.example.org")',
      'cors.allowedOrigins[1]: "https://portal.example.org/" is not written as browsers send it: use "https://portal.example.org" (no path, no trailing slash, no default port)',
      'cors.allowedOrigins[2]: "https://portal.example.org/app" is not written as browsers send it: use "https://portal.example.org" (no path, no trailing slash, no default port)',
      'cors.allowedOrigins[3]: "ftp://files.example.org" must be an http(s) origin',
      'cors.allowedOrigins[4]: "portal" is not an origin (scheme://host[:port], e.g. "https://portal.example.org")',
      'cors.allowedOrigins[5]: must be a non-empty string',
    ]);
  });

  it('names a section of the wrong shape', () => {
    expect(configProblems(['https://portal.example.org'])).toEqual(['cors: must be an object like { "allowedOrigins": ["https://portal.example.org"] }']);
    expect(configProblems({ origins: [PORTAL] })).toEqual(['cors.origins: unknown field; the section has "allowedOrigins"', 'cors.allowedOrigins: missing']);
  });

  it('CORS_ALLOWED_ORIGINS replaces the list, and a wrong entry is named', () => {
    expect(corsFromEnv({})).toBeUndefined();
    expect(corsFromEnv({ CORS_ALLOWED_ORIGINS: `${PORTAL}, http://localhost:3000` })).toEqual({ allowedOrigins: [PORTAL, 'http://localhost:3000'] });
    expect(corsFromEnv({ CORS_ALLOWED_ORIGINS: '' })).toEqual({ allowedOrigins: [] });
    expect(() => corsFromEnv({ CORS_ALLOWED_ORIGINS: `${PORTAL},https://x.example.org:443` })).toThrow(
      'CORS_ALLOWED_ORIGINS[1]: "https://x.example.org:443" is not written as browsers send it: use "https://x.example.org"',
    );
  });
});

describe('CORS on the GraphQL endpoint', () => {
  let federation: CorsGateway;
  let url: string;

  beforeAll(async () => {
    federation = await startCorsGateway([PORTAL]);
    url = federation.gateway.url;
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
  });

  const corsHeaders = (headers: Record<string, string | string[] | undefined>) =>
    Object.keys(headers).filter((name) => name.startsWith('access-control-')).sort();

  it('answers a preflight from an allowed origin with 204 and what the portal may send', async () => {
    const response = await request(url, {
      method: 'OPTIONS',
      headers: { origin: PORTAL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    });
    await response.body.dump();
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(response.headers.vary).toBe('Origin');
    expect(response.headers['access-control-allow-methods']).toBe('GET, POST');
    expect(response.headers['access-control-allow-headers']).toBe('content-type, authorization, apollo-require-preflight, x-apollo-operation-name');
    expect(Number(response.headers['access-control-max-age'])).toBeGreaterThan(0);
    // Bearer tokens, never cookies.
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives a preflight from any other origin no CORS header', async () => {
    const response = await request(url, { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    const text = await response.body.text();
    expect(response.statusCode).toBe(403);
    expect(corsHeaders(response.headers)).toEqual([]);
    expect(text).not.toContain(OTHER);
  });

  it('lets the portal read a POST answer, without credentials', async () => {
    const response = await request(url, {
      method: 'POST',
      headers: { origin: PORTAL, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: COUNT_QUERY }),
    });
    const body = (await response.body.json()) as { data?: { cohort?: { total?: { subjects?: number } } } };
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(response.headers['access-control-expose-headers']).toBe('retry-after, www-authenticate');
    expect(typeof body.data?.cohort?.total?.subjects).toBe('number');
  });

  it('serves a plain GET (urql\'s default) from an allowed origin, and refuses it as CSRF from others or without an origin', async () => {
    const get = async (headers: Record<string, string>) => {
      const response = await request(`${url}?query=${encodeURIComponent(COUNT_QUERY)}`, { headers: { accept: 'application/graphql-response+json', ...headers } });
      return { status: response.statusCode, headers: response.headers, body: (await response.body.json()) as { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } };
    };
    const portal = await get({ origin: PORTAL });
    expect(portal.status).toBe(200);
    expect(portal.headers['access-control-allow-origin']).toBe(PORTAL);
    expect(portal.body.data).toEqual({ cohort: { total: { subjects: expect.any(Number) } } });
    for (const headers of [{ origin: OTHER }, {}] as Array<Record<string, string>>) {
      const refused = await get(headers);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
      expect(corsHeaders(refused.headers)).toEqual([]);
    }
    // With Apollo's preflight header (which only a preflighted browser request can carry) anyone may GET, as before.
    expect((await get({ 'apollo-require-preflight': 'true' })).status).toBe(200);
  });

  it('leaves GraphiQL and /healthz as they were', async () => {
    const page = await request(url, { headers: { origin: PORTAL, accept: 'text/html' } });
    expect(await page.body.text()).toContain('<html');
    expect(corsHeaders(page.headers)).toEqual([]);
    const health = await request(`${federation.gateway.origin}/healthz`, { headers: { origin: PORTAL } });
    await health.body.dump();
    expect(health.statusCode).toBe(200);
    expect(corsHeaders(health.headers)).toEqual([]);
  });
});

describe('CORS_ALLOWED_ORIGINS', () => {
  it('replaces the config\'s allow-list', async () => {
    const federation = await startCorsGateway([PORTAL], { env: { ...process.env, CORS_ALLOWED_ORIGINS: 'http://localhost:5173' } });
    try {
      const preflight = (origin: string) => request(federation.gateway.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } })
        .then(async (response) => (await response.body.dump(), response));
      const local = await preflight('http://localhost:5173');
      expect([local.statusCode, local.headers['access-control-allow-origin']]).toEqual([204, 'http://localhost:5173']);
      const configured = await preflight(PORTAL);
      expect([configured.statusCode, configured.headers['access-control-allow-origin']]).toEqual([403, undefined]);
    } finally {
      await federation.close();
    }
  }, 60_000);
});
