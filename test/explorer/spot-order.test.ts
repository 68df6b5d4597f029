/**
 * The explorer's Spot fan-out asks the repositories in the order Europe-wide cohorts taught: a repository that has
 * been the slowest gets its native request out first, so the page is complete sooner.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { SPOT_BASE_PATH } from '../../gateway/plugins/explorer';
import { postGraphQL } from '../support/federation';
import { startDemoGateway, type DemoGateway } from '../support/gateway';

let gateway: DemoGateway;

beforeAll(async () => {
  gateway = await startDemoGateway();
}, 60_000);

afterAll(async () => {
  await gateway?.close();
});

const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');
/** Lens's query for one criterion (sex), as querySpot sends it. */
const spotQuery = (value: string) => base64({
  lang: 'ast', payload: base64({ ast: { operand: 'OR', children: [{ operand: 'AND', children: [{ key: 'RID10311', type: 'EQUALS', value }] }] } }),
});

test('a repository that has been the slowest is asked first', async () => {
  // The beacon is tenth in the catalogue; the mediators, the dataset service and GDC also send native requests.
  const slow = 'fi-helsinki-beacon';
  gateway.demo.simulators.get(slow)!.faults.latencyMs = 300;
  try {
    const origins = new Map([...gateway.demo.simulators].map(([id, simulator]) => [new URL(simulator.baseUrl).origin, id]));
    // Three Europe-wide cohorts with new filters: the median of its last answers is slow.
    for (const year of [2011, 2012, 2013]) {
      const { body } = await postGraphQL(gateway.url, 'query ($where: CaseFilter) { cohort(where: $where) { total { subjects } } }', { where: { yearOfDiagnosis: { min: year } } });
      expect(body.errors).toBeUndefined();
    }
    const asked: string[] = [];
    const created = (message: unknown) => {
      const { request } = message as { request: { origin?: string | URL } };
      const id = origins.get(new URL(String(request.origin)).origin);
      if (id) asked.push(id);
    };
    subscribe('undici:request:create', created);
    try {
      const submitted = await fetch(`${gateway.origin}${SPOT_BASE_PATH}/beam`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'order-task-0001', query: spotQuery('RID10312') }),
      });
      expect(submitted.status).toBe(200);
      const cookie = submitted.headers.get('set-cookie')!.split(';')[0];
      const stream = await fetch(`${gateway.origin}${SPOT_BASE_PATH}/beam/order-task-0001`, { headers: { cookie } });
      await stream.text();
    } finally {
      unsubscribe('undici:request:create', created);
    }
    expect(asked.length).toBeGreaterThan(1);
    expect(asked[0]).toBe(slow);
  } finally {
    delete gateway.demo.simulators.get(slow)!.faults.latencyMs;
  }
}, 30_000);
