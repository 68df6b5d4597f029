/**
 * The explorer's Spot fan-out asks the repositories in the order Europe-wide cohorts taught: a repository that has
 * been the slowest gets its native request out first, so the page is complete sooner.
 */
import { postGraphQL } from '../support/federation';
import { startDemoGateway, type DemoGateway } from '../support/gateway';
import { nativeRequestOrder } from '../support/native-requests';
import { cookiePair, fetchSpotStream, spotQuery, submitSpotTask } from '../support/spot';

let gateway: DemoGateway;

beforeAll(async () => {
  gateway = await startDemoGateway();
}, 60_000);

afterAll(async () => {
  await gateway?.close();
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
    const asked = await nativeRequestOrder(origins, async () => {
      const { status, cookie } = await submitSpotTask(gateway.origin, 'order-task-0001', spotQuery('RID10312'));
      expect(status).toBe(200);
      await (await fetchSpotStream(gateway.origin, 'order-task-0001', cookiePair(cookie!))).text();
    });
    expect(asked.length).toBeGreaterThan(1);
    expect(asked[0]).toBe(slow);
  } finally {
    delete gateway.demo.simulators.get(slow)!.faults.latencyMs;
  }
}, 30_000);
