/**
 * The explorer counts a union of filter groups exactly from the groups' case lists where the caller may read them
 * (gateway/plugins/explorer/repository-answer.ts): it reads case records on the caller's behalf, and only the count
 * leaves. The audit log says so, once per question: who asked, why, and how many cases of which repository were read,
 * which is the union the page shows. A question of one group reads no records and writes no such line.
 */
import type { ExplorerSiteResult } from '../../gateway/plugins/explorer/repository-answer';
import { jsonLines } from '../auth/support';
import { startDemoGateway, type DemoGateway } from '../support/gateway';
import { cookiePair, fetchSpotStream, spotQuery, submitSpotTask } from '../support/spot';

let gateway: DemoGateway;
const audit: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  // No authentication configured: every caller may read every repository's records (development), so every
  // repository that lists cases counts the union from its case lists.
  gateway = await startDemoGateway({ auditLog: jsonLines(audit) });
}, 60_000);

afterAll(async () => {
  await gateway?.close();
});

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
const leaf = (key: string, value: string) => ({ key, type: 'EQUALS', system: '', value });
/** Lens's query string for an OR of AND groups of single conditions. */
const lensUnion = (...groups: Array<Array<[string, string]>>) => base64({
  lang: 'ast', payload: base64({ ast: { operand: 'OR', children: groups.map((g) => ({ operand: 'AND', children: g.map(([key, value]) => leaf(key, value)) })) } }),
});

/** Submits a task, reads its whole stream, and returns each repository's result. */
async function runTask(id: string, query: string): Promise<ExplorerSiteResult[]> {
  const { status, cookie } = await submitSpotTask(gateway.origin, id, query);
  expect(status).toBe(200);
  const text = await (await fetchSpotStream(gateway.origin, id, cookiePair(cookie!))).text();
  return text.split('\n').filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { status: string; body: string })
    .filter((event) => event.status === 'succeeded')
    .map((event) => JSON.parse(Buffer.from(event.body, 'base64').toString('utf8')) as ExplorerSiteResult);
}

const readLines = () => audit.filter((line) => line.event === 'record-read');

test('a union counted from case lists: one audit line naming the caller, why, and the cases read, which the page counts', async () => {
  // Prostate MR or lung CT: two filter groups (one CaseFilter cannot say it).
  const results = await runTask('union-audit-0001', lensUnion([['cancerSites', 'PROSTATE'], ['modalities', 'MR']], [['cancerSites', 'LUNG'], ['modalities', 'CT']]));
  const fromCaseLists = results.filter((r) => r.eucaim.union?.method === 'case lists');
  expect(fromCaseLists.length).toBeGreaterThan(1);
  for (let i = 0; i < 50 && readLines().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(readLines()).toHaveLength(1);
  const [line] = readLines();
  expect(line).toMatchObject({ log: 'eucaim-audit', by: 'gateway', subject: null, accessLevel: 'anonymous', purpose: expect.stringContaining('union') });
  const read = line.repositories as Array<{ repositoryId: string; cases: number; series: number }>;
  // Every repository counted from case lists that listed any, and no other, with as many cases read as the union
  // it shows.
  const withCases = fromCaseLists.filter((r) => (r.eucaim.counts.subjects.value ?? 0) > 0);
  expect(withCases.length).toBeGreaterThan(1);
  expect(read.map((r) => r.repositoryId).sort()).toEqual(withCases.map((r) => r.eucaim.repository.id).sort());
  for (const result of withCases) {
    expect(read.find((r) => r.repositoryId === result.eucaim.repository.id)?.cases).toBe(result.eucaim.counts.subjects.value);
  }
  // Read for the count, not released: no record-release line.
  expect(audit.filter((l) => l.event === 'record-release')).toEqual([]);
}, 30_000);

test('a question of one filter group reads no case list and writes no such line', async () => {
  const before = readLines().length;
  const results = await runTask('union-audit-0002', spotQuery('RID10312'));
  expect(results.length).toBeGreaterThan(1);
  expect(results.every((r) => r.eucaim.union === undefined)).toBe(true);
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(readLines()).toHaveLength(before);
}, 30_000);
