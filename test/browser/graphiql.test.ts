/**
 * GraphiQL as a user meets it: a real Chromium opens the real gateway's /graphql. Hospitals run offline, so the
 * page must come up with every request going to the gateway itself, and then do its job: show the examples,
 * run one, and browse the schema through introspection.
 *
 * The tests share one page and run in order, like a user's session: open, read, run, browse.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { EXAMPLE_OPERATIONS, GRAPHIQL_ASSETS_PATH } from '../../gateway/plugins/graphiql';
import { startDemoGateway } from '../support/gateway';
import { launchChromium, requireChromium } from '../support/chromium';

let gateway: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let page: Page;
let origin: string;
/** Every URL the page asked for (HTTP and WebSocket), in order. */
const requested: string[] = [];
/** Page errors and console errors; CSP violations land here too, as console errors. */
const problems: string[] = [];

beforeAll(async () => {
  // No skipping: a test that silently skips without a browser would let a broken GraphiQL ship.
  requireChromium();
  const started = await startDemoGateway();
  gateway = started;
  origin = new URL(started.url).origin;
  browser = await launchChromium();
  // Wide enough that the editor, the result and the docs explorer are all on screen at once.
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  // Below jest's 30 s test timeout, so a missing element fails with Playwright's message naming the locator.
  page.setDefaultTimeout(20_000);
  page.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (socket) => requested.push(socket.url()));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(started.url);
  await page.locator('.graphiql-query-editor .CodeMirror-line').first().waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  // Left behind for whoever debugs a failure: the state the session ended in.
  if (page) await page.screenshot({ path: join(tmpdir(), 'graphiql.png') }).catch(() => undefined);
  await browser?.close();
  await gateway?.close();
}, 60_000);

/** The text CodeMirror shows in an editor, line by line (it pads empty lines with zero-width spaces). */
async function editorText(selector: string): Promise<string> {
  const lines = await page.locator(`${selector} .CodeMirror-line`).allInnerTexts();
  return lines.join('\n').replace(/\u200b/g, '');
}

function offOrigin(): string[] {
  return requested.filter((url) => !url.startsWith(`${origin}/`));
}

test('the page loads with every request going to the gateway', () => {
  expect(offOrigin()).toEqual([]);
  const paths = requested.map((url) => new URL(url).pathname);
  expect(paths[0]).toBe('/graphql');
  expect(paths).toEqual(
    expect.arrayContaining([
      `${GRAPHIQL_ASSETS_PATH}/graphiql.min.css`,
      `${GRAPHIQL_ASSETS_PATH}/react.production.min.js`,
      `${GRAPHIQL_ASSETS_PATH}/react-dom.production.min.js`,
      `${GRAPHIQL_ASSETS_PATH}/graphiql.min.js`,
    ]),
  );
});

test('the editor shows the first example operation', async () => {
  const text = await editorText('.graphiql-query-editor');
  expect(text).toContain('query EuropeWideCohort($where: CaseFilter) {');
  // The whole text from CodeMirror: it renders only the lines near the viewport, and this example is longer.
  const whole = await page.evaluate(() => (document.querySelector('.graphiql-query-editor .CodeMirror') as Element & { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
  expect(whole.trimEnd()).toBe(EXAMPLE_OPERATIONS[0].query.trimEnd());
});

test('each example has its tab, the first one active', async () => {
  expect(await page.locator('.graphiql-tab').allInnerTexts()).toEqual(EXAMPLE_OPERATIONS.map((e) => e.name));
  expect(EXAMPLE_OPERATIONS.map((e) => e.name)).toEqual(expect.arrayContaining(['EuropeWideCohort', 'CohortByCancerSiteAndModality', 'CasesWithStudies', 'RepositoriesByCountry', 'EuropeWideCasesPaging', 'DownloadManifest']));
  expect(await page.locator('.graphiql-tab-active').innerText()).toBe('EuropeWideCohort');
});

test('running the example shows subject counts per repository', async () => {
  await page.getByRole('button', { name: /Execute query/ }).click();
  // The whole response from CodeMirror, not just the rendered lines: CodeMirror renders only what is near the
  // viewport, and errors from a failing repository come before "data" and could push the counts out of it.
  const answered = await page.waitForFunction(() => {
    type WithEditor = Element & { CodeMirror?: { getValue(): string } };
    const value = (document.querySelector('.result-window .CodeMirror') as WithEditor | null)?.CodeMirror?.getValue();
    return value?.includes('"repositories"') ? value : false;
  });
  const text = (await answered.jsonValue()) as string;
  expect(text).toMatch(/"subjects": \d+/);
  // The first example is the Europe-wide cohort, with its variables: each repository's part and the total.
  const response = JSON.parse(text) as { data?: { cohort?: { total?: { subjects?: unknown }; repositories?: Array<{ cohort?: { subjects?: unknown } | null }> } } };
  expect(response.data?.cohort?.repositories?.some((repository) => typeof repository.cohort?.subjects === 'number')).toBe(true);
  expect(typeof response.data?.cohort?.total?.subjects).toBe('number');
  // The pane on screen shows that response.
  expect((await editorText('.result-window')).trimStart()).toMatch(/^\{/);
});

test('the documentation explorer opens on the federation\'s description, then shows the Query fields', async () => {
  await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
  // Its root: what the federation is, where to start, and the generated per-repository types told apart.
  const root = await page.locator('.graphiql-doc-explorer-content').innerText();
  expect(root).toContain('Europe\'s cancer-imaging repositories (EUCAIM, Cancer Image Europe), federated');
  expect(root).toContain('Query.cohort');
  expect(root).toMatch(/<Repository>Repository \(one per repository/);
  // The explorer opens on the schema's root types; following "Query" lists its fields, from introspection.
  await page
    .locator('div:has(> .graphiql-doc-explorer-root-type) > a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
    .click();
  await page.locator('.graphiql-doc-explorer-title', { hasText: /^Query$/ }).waitFor();
  const fields = await page.locator('.graphiql-doc-explorer-content .graphiql-doc-explorer-field-name').allInnerTexts();
  expect(fields).toEqual(expect.arrayContaining(['repositories', 'repository']));
});

test('the whole session stayed on the gateway, without errors', () => {
  expect(offOrigin()).toEqual([]);
  // Introspection and the run both went to the endpoint.
  expect(requested.filter((url) => url === gateway!.url).length).toBeGreaterThanOrEqual(3);
  expect(problems).toEqual([]);
});
