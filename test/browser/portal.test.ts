/**
 * A portal on another origin, as a portal developer builds it: its page (test/browser/portal/portal-page.ts) runs
 * Apollo Client, urql and graphql-request at their defaults in a real Chromium, against the real gateway whose
 * federation config allows the portal's origin. Each client shows the Europe-wide subject count (anonymous) and,
 * with the demo issuer's token, a page of cases: the same numbers and ids the gateway gives when asked directly.
 * The same page served from an origin not on the allow-list gets nothing.
 */
import type { Browser, Request } from 'playwright-core';
import { postGraphQL } from '../support/federation';
import { post } from '../auth/support';
import { startCorsGateway, type CorsGateway } from '../support/cors-gateway';
import { bundlePortalPage, servePortal, type PortalServer } from './portal/serve-portal';
import type { ClientResult } from './portal/portal-page';
import { launchChromium, requireChromium } from '../support/chromium';

const CLIENTS = ['apollo-client', 'urql', 'graphql-request'];

let browser: Browser | undefined;
let federation: CorsGateway | undefined;
let portal: PortalServer | undefined;
let elsewhere: PortalServer | undefined;

beforeAll(async () => {
  // No skipping: a test that silently skips without a browser would let a broken CORS set-up ship.
  requireChromium();
  const script = await bundlePortalPage();
  portal = await servePortal(script);
  elsewhere = await servePortal(script);
  federation = await startCorsGateway([portal.origin]);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await federation?.close();
  await portal?.close();
  await elsewhere?.close();
}, 60_000);

/** Opens the page on `origin` and returns what each client showed, and the GraphQL requests the page sent. */
async function openPortal(origin: string): Promise<{ results: Record<string, ClientResult>; requests: Request[]; console: string[] }> {
  const page = await browser!.newPage();
  const requests: Request[] = [];
  const console: string[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(federation!.gateway.url)) requests.push(request);
  });
  page.on('console', (message) => console.push(message.text()));
  try {
    const query = new URLSearchParams({ gateway: federation!.gateway.url, token: federation!.token });
    await page.goto(`${origin}/?${query}`);
    await page.waitForSelector('body[data-done="true"]', { timeout: 30_000 });
    const results: Record<string, ClientResult> = {};
    for (const client of CLIENTS) results[client] = JSON.parse((await page.locator(`output#${client}`).getAttribute('data-result')) ?? '{}') as ClientResult;
    return { results, requests, console };
  } finally {
    await page.close();
  }
}

test('each client on the allowed portal shows the count and the cases the gateway gives', async () => {
  const direct = await postGraphQL(federation!.gateway.url, '{ cohort { total { subjects } } }');
  const count = (direct.body.data as { cohort: { total: { subjects: number } } }).cohort.total.subjects;
  // Every simulated case is a subject of its own: the count is all of them.
  expect(count).toBe(federation!.config.repositories.reduce((sum, entry) => sum + (entry.simulate?.cases ?? 0), 0));
  const directCases = await post(federation!.gateway.url, { query: '{ cases(first: 5) { nodes { subjectId } } }' }, { authorization: `Bearer ${federation!.token}` });
  const subjectIds = (directCases.body.data as { cases: { nodes: Array<{ subjectId: string }> } }).cases.nodes.map((node) => node.subjectId);
  expect(subjectIds).toHaveLength(5);

  const { results, requests } = await openPortal(portal!.origin);
  for (const client of CLIENTS) expect({ client, ...results[client] }).toEqual({ client, count, cases: subjectIds });
  // urql's default is GET for queries; Apollo Client and graphql-request POST JSON.
  const methodOf = (operation: string) => requests.filter((request) => request.method() !== 'OPTIONS' && (request.url() + (request.postData() ?? '')).includes(operation)).map((request) => request.method());
  expect(methodOf('UrqlCount')).toEqual(['GET']);
  expect(methodOf('UrqlCases')).toEqual(['GET']);
  expect(methodOf('ApolloCount')).toEqual(['POST']);
  expect(methodOf('GraphqlRequestCases')).toEqual(['POST']);
}, 60_000);

test('the same page on an origin that is not allowed gets nothing', async () => {
  const { results, console } = await openPortal(elsewhere!.origin);
  for (const client of CLIENTS) {
    expect(results[client].count).toBeUndefined();
    expect(results[client].cases).toBeUndefined();
    expect(results[client].error).toEqual(expect.any(String));
  }
  // Chromium names the cause in the console.
  expect(console.some((line) => line.includes('blocked by CORS policy'))).toBe(true);
}, 60_000);
