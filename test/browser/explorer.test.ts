/**
 * The cohort explorer as a researcher meets it: a real Chromium opens /explorer on the real gateway with the demo
 * federation, one repository made slow (past its timeout) and one down. Criteria are picked by clicking Lens's
 * catalogue; the table, summary and charts fill in as repositories answer, the slow one pending, then timed out;
 * the numbers are Query.cohort's for the same filter; the CSV and the manifest download as named files; GraphiQL
 * opens on the same question; no request leaves loopback.
 *
 * The tests share one page and run in order, like a user's session. EXPLORER_SCREENSHOT=docs/explorer.png saves
 * the filled page (the README's picture).
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL } from '../support/federation';
import { launchChromium, requireChromium } from '../support/chromium';

const SLOW = 'fi-helsinki-beacon';
const SLOW_TIMEOUT_MS = 5000;
// A kind that asks its server on every query: an indexed one would answer its counts from the index while down.
const DOWN = 'at-vienna-gdc';
const WHERE = { cancerSites: ['PROSTATE'], modalities: ['MR'] };

let demo: RunningDemo;
let gateway: RunningGateway;
let browser: Browser;
let page: Page;
const requested: string[] = [];
const problems: string[] = [];

beforeAll(async () => {
  requireChromium();
  // The demo federation as npm start runs it, the slow repository's timeout shortened so the test need not wait 10 s.
  const config = loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
  config.repositories = config.repositories.map((entry) => (entry.id === SLOW ? { ...entry, timeoutMs: SLOW_TIMEOUT_MS } : entry));
  demo = await startDemoSimulators(config);
  // Warm, as npm start leaves it (indexes harvested): the first search does not pay for the harvests.
  gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });
  await gateway.warmedUp;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
  page.setDefaultTimeout(20_000);
  page.on('request', (request) => requested.push(request.url()));
  page.on('websocket', (socket) => requested.push(socket.url()));
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  await page.goto(`${gateway.origin}/explorer`);
  await page.locator('body[data-state="ready"]').waitFor({ timeout: 30_000 });
}, 120_000);

afterAll(async () => {
  if (page) await page.screenshot({ path: join(tmpdir(), 'explorer.png'), fullPage: true }).catch(() => undefined);
  await browser?.close();
  await gateway?.close();
  await demo?.close();
}, 60_000);

const row = (id: string) => page.locator(`#repositories tbody tr[data-repository="${id}"]`);

/** Clicks a value's "add to query" button in Lens's catalogue, opening the group and the criterion first. */
async function pick(group: string, criterion: string, value: string): Promise<void> {
  const catalogue = page.locator('lens-catalogue');
  const criterionButton = catalogue.getByRole('button', { name: criterion, exact: true });
  if (!(await criterionButton.isVisible())) await catalogue.getByRole('button', { name: group, exact: true }).click();
  await criterionButton.click();
  // Each value is its name, its count (empty without facet counts) and an "Add to query" button, as siblings.
  const buttons = catalogue.locator('button[aria-label="Add to query"]');
  const index = await buttons.evaluateAll((all, name) => all.findIndex((button) => {
    let sibling = button.previousElementSibling;
    while (sibling && !sibling.textContent?.trim()) sibling = sibling.previousElementSibling;
    return sibling?.tagName === 'SPAN' && sibling.textContent?.trim() === name;
  }), value);
  expect(index).toBeGreaterThanOrEqual(0);
  await buttons.nth(index).click();
}

/** Text inside a Lens component's shadow root. */
async function shadowText(selector: string): Promise<string> {
  return page.evaluate((s) => document.querySelector(s)?.shadowRoot?.textContent ?? '', selector);
}

test('criteria picked in the catalogue show in the search bar', async () => {
  await pick('Clinical', 'Cancer site', 'Prostate');
  await pick('Imaging', 'Modality', 'MR');
  const bar = await shadowText('lens-search-bar-multiple');
  expect(bar).toContain('Prostate');
  expect(bar).toContain('MR');
});

test('the table fills in as repositories answer: the slow one pending, then timed out; the down one failed', async () => {
  demo.simulators.get(SLOW)!.faults.latencyMs = SLOW_TIMEOUT_MS + 5000;
  demo.simulators.get(DOWN)!.faults.down = true;
  const ids = demo.config.repositories.map((r) => r.id);
  await page.locator('lens-search-button').getByRole('button').click();
  // Every repository is listed at once, pending.
  await page.locator('#repositories tbody tr').nth(ids.length - 1).waitFor();
  // Then the quick ones answer while the slow one is still pending: what the page shows at that moment.
  const moment = await page.waitForFunction(({ slow, total }) => {
    const rows = Array.from(document.querySelectorAll<HTMLElement>('#repositories tbody tr'));
    const slowRow = rows.find((r) => r.dataset.repository === slow);
    // Every row but the slow one has its answer (the down one fails at once, the others answer quickly).
    if (rows.filter((r) => r.dataset.state !== 'PENDING').length < total - 1 || slowRow?.dataset.state !== 'PENDING') return false;
    return {
      slow: slowRow.querySelector('td.state')?.textContent,
      progress: document.getElementById('progress')?.textContent,
      summary: document.querySelector('lens-result-summary')?.shadowRoot?.textContent,
    };
  }, { slow: SLOW, total: ids.length });
  const seen = (await moment.jsonValue()) as { slow: string; progress: string; summary: string };
  expect(seen.slow).toBe('pending…');
  expect(seen.progress).toMatch(/^10 of 11 repositories answered.*; 1 pending\.$/);
  expect(seen.summary).toMatch(/Subjects: [1-9]\d*/);

  await page.locator('body[data-state="done"]').waitFor({ timeout: 30_000 });
  console.log(`explorer: the page filled in ${await page.locator('body').getAttribute('data-filled-ms')} ms; arrivals (ms): ${
    (await page.locator('#repositories tbody tr').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.repository} ${(r as HTMLElement).dataset.arrivedMs}`))).join(', ')}`);
  expect(await row(SLOW).getAttribute('data-state')).toBe('TIMED_OUT');
  expect(await row(SLOW).locator('td.count').first().innerText()).toBe('—');
  expect(['FAILED', 'CIRCUIT_OPEN']).toContain(await row(DOWN).getAttribute('data-state'));
  expect(await row('de-heidelberg-pacs').getAttribute('data-state')).toBe('OK');
  expect(await row('de-heidelberg-pacs').locator('td').nth(3).innerText()).toBe('dicomweb');
  expect(await page.locator('#progress').innerText()).toMatch(/^11 of 11 repositories answered, 2 without counts in \d+ ms\.$/);
  expect(await page.locator('#totals-note').innerText()).toContain('2 did not answer: not in the sums.');
}, 60_000);

test('the page\'s numbers are Query.cohort\'s for the same filter', async () => {
  const europe = await postGraphQL(gateway.url, `query ($where: CaseFilter) { cohort(where: $where) {
    total { subjects studies }
    repositories { repositoryId cohort { subjects studies } status { state } } } }`, { where: WHERE });
  const cohort = (europe.body.data as { cohort: { total: { subjects: number; studies: number }; repositories: Array<{ repositoryId: string; cohort: { subjects: number | null; studies: number | null } | null; status: { state: string } }> } }).cohort;
  for (const part of cohort.repositories) {
    const cells = row(part.repositoryId).locator('td.count');
    const shown = { id: part.repositoryId, subjects: await cells.nth(0).getAttribute('data-value'), studies: await cells.nth(1).getAttribute('data-value') };
    expect(shown).toEqual({ id: part.repositoryId, subjects: part.cohort?.subjects?.toString() ?? null, studies: part.cohort?.studies?.toString() ?? null });
  }
  const summary = await shadowText('lens-result-summary');
  expect(summary).toContain(`Subjects: ${cohort.total.subjects}`);
  expect(summary).toContain(`Studies: ${cohort.total.studies}`);
  // Lens counts the repositories that answered among those still listed (failed ones leave its stores).
  expect(summary).toContain('Repositories answering: 9 / 9');
  // The beacon cannot apply the modality: its count is marked as an upper bound and says why.
  const beacon = demo.config.repositories.find((r) => r.apiKind === 'beacon')!.id;
  if (beacon !== SLOW) {
    expect(await row(beacon).locator('td.count').first().getAttribute('data-kind')).toBe('upper');
  }
  const partial = row('gr-thessaloniki-procancer');
  expect(await partial.getAttribute('data-state')).toMatch(/OK|PARTIAL/);
}, 60_000);

test('every facet and subjects per country are charted', async () => {
  for (const chart of ['sex', 'ageBand', 'cancerSite', 'modality', 'bodyPart', 'manufacturer', 'country']) {
    const text = await shadowText(`lens-chart[data-chart="${chart}"]`);
    expect({ chart, empty: text.includes('No Data Available') }).toEqual({ chart, empty: false });
  }
  const country = await page.evaluate(() => document.querySelector('lens-chart[data-chart="country"]')?.shadowRoot?.querySelector('canvas')?.width ?? 0);
  expect(country).toBeGreaterThan(0);
  const shot = process.env.EXPLORER_SCREENSHOT;
  if (shot) await page.screenshot({ path: shot, fullPage: true });
});

test('the per-repository table downloads as a named CSV file', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-table').click()]);
  expect(download.suggestedFilename()).toMatch(/^eucaim-cohort-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/);
  expect(lines[0]).toBe('repository_id,name,country,institution,api_kind,state,subjects,subjects_kind,studies,studies_kind,series,series_kind,images,images_kind,filters_not_applied,notes');
  expect(lines).toHaveLength(1 + demo.config.repositories.length);
  expect(lines.find((l) => l.startsWith(`${SLOW},`))).toContain(',TIMED_OUT,');
  const heidelberg = lines.find((l) => l.startsWith('de-heidelberg-pacs,'))!;
  const subjects = await row('de-heidelberg-pacs').locator('td.count').first().getAttribute('data-value');
  expect(heidelberg).toContain(`,DE,`);
  expect(heidelberg).toContain(`,OK,${subjects},exact,`);
});

test('the manifest downloads as a file: the URL list Query.manifest gives for the same filter', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-manifest').click()]);
  expect(download.suggestedFilename()).toBe('europe-series-urls.txt');
  const urls = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  const direct = await postGraphQL(gateway.url, 'query ($where: CaseFilter) { manifest(where: $where) { seriesCount files { name content } } }', { where: WHERE });
  const manifest = (direct.body.data as { manifest: { files: Array<{ name: string; content: string }> } }).manifest;
  expect(urls).toEqual(manifest.files[0].content.trim().split('\n'));
  expect(urls.length).toBeGreaterThan(0);
  expect(urls.every((url) => url.startsWith('http://127.0.0.1:'))).toBe(true);
  await page.locator('#download-note', { hasText: 'Downloaded europe-series-urls.txt' }).waitFor();
}, 60_000);

test('"Open in GraphiQL" opens the same question in GraphiQL', async () => {
  const href = await page.locator('#open-graphiql').getAttribute('href');
  const graphiql = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  graphiql.on('request', (request) => requested.push(request.url()));
  try {
    await graphiql.goto(new URL(href!, gateway.origin).toString());
    await graphiql.locator('.graphiql-query-editor .CodeMirror-line').first().waitFor({ timeout: 30_000 });
    const query = await graphiql.evaluate(() => (document.querySelector('.graphiql-query-editor .CodeMirror') as Element & { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
    expect(query).toContain('query ExplorerEuropeCohort($where: CaseFilter)');
    const variables = await graphiql.evaluate(() => (document.querySelector('.graphiql-editor-tool .CodeMirror') as Element & { CodeMirror: { getValue(): string } } | null)?.CodeMirror.getValue() ?? '');
    expect(JSON.parse(variables)).toEqual({ where: WHERE });
  } finally {
    await graphiql.close();
  }
}, 60_000);

test('the whole session stayed on the gateway, without errors', () => {
  // Downloads are blob: URLs of the page's own origin.
  const off = requested.filter((url) => new URL(url).origin !== gateway.origin);
  expect(off).toEqual([]);
  expect(requested.some((url) => new URL(url).pathname.startsWith('/explorer/spot/beam/'))).toBe(true);
  expect(problems).toEqual([]);
});
