/**
 * The Spot endpoint as Lens's own client uses it: `querySpot` of `@samply/lens` (the library's bundle as the
 * gateway serves it from node_modules, run in a real Chromium, since it needs `fetch`, `EventSource` and `window`)
 * against the real gateway with the demo federation. Each repository's result is checked against what GraphQL
 * answers for the same filter; aborting mid-stream hangs up the repositories still working.
 */
import type { Browser, Page } from 'playwright-core';
import { EXPLORER_ASSETS_PATH, SPOT_BASE_PATH } from '../../gateway/plugins/explorer';
import type { ExplorerSiteResult } from '../../gateway/plugins/explorer/repository-answer';
import { postGraphQL } from '../support/federation';
import { startDemoGateway, type DemoGateway } from '../support/gateway';
import { launchChromium, requireChromium } from '../support/chromium';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received { site: string; status: string; result: ExplorerSiteResult | null }

let gateway: DemoGateway;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  requireChromium();
  gateway = await startDemoGateway();
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('request', (request) => requested.push(request.url()));
  // Any page of the gateway's origin will do: Lens is imported into it as a module, as an application would.
  await page.goto(`${gateway.origin}/healthz`);
  // A module script, as an application loads Lens (page.evaluate's functions would be compiled to CommonJS here).
  await page.addScriptTag({ type: 'module', content: `
    import { setOptions, querySpot } from '${EXPLORER_ASSETS_PATH}/lens.js';
    setOptions({ spotUrl: '${SPOT_BASE_PATH}' });
    window.runQuery = (ast, stopAfter) => {
      const received = [];
      const controller = new AbortController();
      window.received = received;
      const b64 = (value) => btoa(JSON.stringify(value));
      const query = b64({ lang: 'ast', payload: b64({ ast, id: crypto.randomUUID() }) });
      return querySpot(query, controller.signal, (result) => {
        received.push({ site: result.from.split('.')[1], status: result.status, body: result.body });
        if (stopAfter !== undefined && received.filter((r) => r.status !== 'claimed').length >= stopAfter) controller.abort();
      }).then(() => 'sent', (error) => 'refused: ' + error.message);
    };
  ` });
  await page.waitForFunction(() => typeof (window as unknown as { runQuery?: unknown }).runQuery === 'function');
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.close();
}, 60_000);

/** Sends the AST with querySpot and waits until `done` holds of the results received. */
async function run(ast: unknown, done: (received: Received[]) => boolean, stopAfter?: number): Promise<{ sent: string; received: Received[] }> {
  const sent = await page.evaluate(({ ast, stopAfter }) => (window as unknown as { runQuery(a: unknown, s?: number): Promise<string> }).runQuery(ast, stopAfter), { ast, stopAfter });
  const started = Date.now();
  for (;;) {
    const raw = await page.evaluate(() => (window as unknown as { received: Array<{ site: string; status: string; body: string }> }).received);
    const received = raw.map((r) => ({ site: r.site, status: r.status, result: r.body ? JSON.parse(Buffer.from(r.body, 'base64').toString('utf8')) as ExplorerSiteResult : null }));
    if (sent.startsWith('refused') || done(received) || Date.now() - started > 25_000) return { sent, received };
    await sleep(50);
  }
}

const leaf = (key: string, value: unknown, type = 'EQUALS') => ({ key, operand: 'OR', children: [{ key, type, system: '', value }] });
const COHORT = 'query ($id: ID!, $where: CaseFilter) { repository(id: $id) { cohort(where: $where) { subjects studies series images exact filtersNotApplied { criterion } } } }';

test('each repository\'s result from querySpot is what GraphQL answers for the same filter, in EUCAIM\'s own keys', async () => {
  // Prostate cancer (EUCAIM diagnosis key) with MR (RadLex): what EUCAIM's explorer would send.
  const ast = { operand: 'OR', children: [{ operand: 'AND', children: [leaf('SNOMEDCT439401001', 'SNOMEDCT399068003'), leaf('RID10311', 'RID10312')] }] };
  const where = { cancerSites: ['PROSTATE'], modalities: ['MR'] };
  const ids = gateway.demo.config.repositories.map((r) => r.id);
  const { sent, received } = await run(ast, (r) => r.filter((x) => x.status !== 'claimed').length === ids.length);
  expect(sent).toBe('sent');
  // Every repository claimed first, then one final result each.
  expect(received.slice(0, ids.length).map((r) => r.status)).toEqual(ids.map(() => 'claimed'));
  expect(new Set(received.slice(0, ids.length).map((r) => r.site))).toEqual(new Set(ids));
  const finals = received.filter((r) => r.status !== 'claimed');
  expect(finals.map((r) => r.site).sort()).toEqual([...ids].sort());

  for (const { site, status, result } of finals) {
    const direct = await postGraphQL(gateway.url, COHORT, { id: site, where });
    const cohort = (direct.body.data as { repository: { cohort: Record<string, unknown> & { filtersNotApplied: Array<{ criterion: string }> } } }).repository.cohort;
    expect({ site, status }).toEqual({ site, status: 'succeeded' });
    const expected: Record<string, number> = {};
    for (const count of ['subjects', 'studies', 'series', 'images']) if (typeof cohort[count] === 'number') expected[count] = cohort[count] as number;
    expect({ site, totals: result!.totals }).toEqual({ site, totals: expected });
    expect({ site, state: result!.eucaim.status.state }).toEqual({ site, state: cohort.filtersNotApplied.length > 0 ? 'PARTIAL' : 'OK' });
    if (cohort.filtersNotApplied.length > 0) expect(result!.eucaim.counts.subjects.kind).toBe('upper');
  }
  // And their sum is Query.cohort's total for the same filter.
  const europe = await postGraphQL(gateway.url, 'query ($where: CaseFilter) { cohort(where: $where) { total { subjects } } }', { where });
  const sum = finals.reduce((total, r) => total + (r.result!.totals.subjects ?? 0), 0);
  expect(sum).toBe((europe.body.data as { cohort: { total: { subjects: number } } }).cohort.total.subjects);
  expect(sum).toBeGreaterThan(0);
}, 60_000);

test('an OR of two groups is counted from the case lists where repositories list cases, and as an upper bound where they count', async () => {
  const ast = { operand: 'OR', children: [
    { operand: 'AND', children: [leaf('cancerSites', 'PROSTATE')] },
    { operand: 'AND', children: [leaf('sex', 'MALE'), leaf('cancerSites', 'PROSTATE')] },
  ] };
  const ids = gateway.demo.config.repositories.map((r) => r.id);
  const { received } = await run(ast, (r) => r.filter((x) => x.status !== 'claimed').length === ids.length);
  const finals = new Map(received.filter((r) => r.status === 'succeeded').map((r) => [r.site, r.result!]));
  // Every prostate-cancer case is male or not: the union is exactly the prostate cases.
  const lists = await postGraphQL(gateway.url, '{ repositories { id granularity cohort(where: {cancerSites: [PROSTATE]}) { subjects exact } } }');
  const checked = { lists: 0, sums: 0 };
  for (const repository of (lists.body.data as { repositories: Array<{ id: string; granularity: string; cohort: { subjects: number; exact: boolean } | null }> }).repositories) {
    const result = finals.get(repository.id);
    if (!result || !repository.cohort) continue;
    if (repository.granularity === 'RECORD' && repository.cohort.exact) {
      expect({ id: repository.id, union: result.eucaim.union?.method, subjects: result.eucaim.counts.subjects })
        .toEqual({ id: repository.id, union: 'case lists', subjects: { value: repository.cohort.subjects, kind: 'exact' } });
      checked.lists++;
    } else if (repository.granularity === 'COUNT') {
      expect({ id: repository.id, union: result.eucaim.union?.method, kind: result.eucaim.counts.subjects.kind })
        .toEqual({ id: repository.id, union: 'sum of groups', kind: 'upper' });
      expect(result.eucaim.counts.subjects.value).toBeGreaterThanOrEqual(repository.cohort.subjects ?? 0);
      checked.sums++;
    }
  }
  expect(checked.lists).toBeGreaterThanOrEqual(3);
  expect(checked.sums).toBeGreaterThanOrEqual(2);
}, 60_000);

test('a query that cannot be translated is refused by the POST, naming the part', async () => {
  const { sent } = await run({ operand: 'OR', children: [{ operand: 'AND', children: [leaf('SNOMEDCT439401001', 'SNOMEDCT363484005')] }] }, () => true);
  expect(sent).toMatch(/^refused: Failed to send query: .*cannot translate ast\.children\[0\]\.children\[0\]\.children\[0\].*SNOMEDCT363484005.*names no organ/);
}, 30_000);

test('aborting mid-stream hangs up the repositories still working and sends them nothing more', async () => {
  const slow = gateway.demo.simulators.get('fi-helsinki-beacon')!;
  slow.faults.latencyMs = 4000;
  slow.resetCounts();
  try {
    // A filter no other test asked, so nothing comes from an identical call in flight.
    const ast = { operand: 'OR', children: [{ operand: 'AND', children: [leaf('ageAtDiagnosis', { min: 33, max: 77 }, 'BETWEEN')] }] };
    const { received } = await run(ast, (r) => r.some((x) => x.status !== 'claimed'), 1);
    expect(received.filter((r) => r.status !== 'claimed').length).toBeGreaterThanOrEqual(1);
    expect(received.some((r) => r.site === 'fi-helsinki-beacon' && r.status !== 'claimed')).toBe(false);
    // The beacon's native requests were waiting out their 4 s: hung up at once when the stream closed.
    const started = Date.now();
    while (slow.requests.hungUp === 0 && Date.now() - started < 3000) await sleep(20);
    expect(slow.requests.hungUp).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(3000);
    const sentAfterAbort = slow.requests.total;
    await sleep(5000);
    expect(slow.requests.total).toBe(sentAfterAbort);
  } finally {
    delete slow.faults.latencyMs;
  }
}, 60_000);

test('a malformed task id in the stream\'s path is refused, and the gateway goes on answering', async () => {
  const malformed = await fetch(`${gateway.origin}/explorer/spot/beam/%E0%A4%A`);
  expect(malformed.status).toBe(400);
  expect((await fetch(`${gateway.origin}/healthz`)).status).toBe(200);
});

test('every request stayed on the gateway', () => {
  expect(requested.filter((url) => !url.startsWith(`${gateway.origin}/`))).toEqual([]);
  expect(requested.some((url) => url.includes(`${SPOT_BASE_PATH}/beam/`))).toBe(true);
});
