/**
 * Who gets a Spot task's results: the client that submitted it, by the cookie its POST set (EventSource sends
 * cookies, not headers), never whoever knows or guesses the task id the client chose. Lens's own client in a real
 * browser, which sends the cookie back by itself, is test/browser/explorer-spot.test.ts.
 */
import { SPOT_BASE_PATH } from '../../gateway/plugins/explorer';
import { startDemoGateway, type DemoGateway } from '../support/gateway';
import { cookiePair as pair, fetchSpotStream, spotQuery, submitSpotTask } from '../support/spot';

let gateway: DemoGateway;

beforeAll(async () => {
  gateway = await startDemoGateway();
}, 60_000);

afterAll(async () => {
  await gateway?.close();
});

/** Female, as Lens asks it. */
const QUERY = spotQuery('RID10312');
const submit = (id: string, headers?: Record<string, string>) => submitSpotTask(gateway.origin, id, QUERY, headers);
const stream = (id: string, cookie?: string) => fetchSpotStream(gateway.origin, id, cookie);

test('the POST sets a cookie for the task\'s stream only, out of scripts\' reach and not sent cross-site', async () => {
  const { status, cookie } = await submit('access-task-0001');
  expect(status).toBe(200);
  expect(cookie).toMatch(/^eucaim-spot-access-task-0001=[A-Za-z0-9_-]{22}; /);
  const attributes = cookie!.split(';').slice(1).map((a) => a.trim());
  expect(attributes).toEqual(expect.arrayContaining([`Path=${SPOT_BASE_PATH}/beam/access-task-0001`, 'HttpOnly', 'SameSite=Strict']));
  // Plain HTTP here: not Secure, or the browser would never send it back; behind a TLS proxy it is.
  expect(attributes).not.toContain('Secure');
  const behindTls = await submit('access-task-0005', { 'x-forwarded-proto': 'https' });
  expect(behindTls.cookie!.split(';').map((a) => a.trim())).toContain('Secure');
  (await stream('access-task-0005', pair(behindTls.cookie!))).body?.cancel();
  // Each task draws its own secret.
  const other = await submit('access-task-0002');
  expect(pair(other.cookie!).split('=')[1]).not.toBe(pair(cookie!).split('=')[1]);
  (await stream('access-task-0001', pair(cookie!))).body?.cancel();
  (await stream('access-task-0002', pair(other.cookie!))).body?.cancel();
});

test('the task id alone, or another task\'s cookie, gets 403 naming the cookie; the submitter then gets every result', async () => {
  const mine = await submit('access-task-0003');
  const theirs = await submit('access-task-0004');
  const withoutCookie = await stream('access-task-0003');
  expect(withoutCookie.status).toBe(403);
  expect((await withoutCookie.json()).error).toContain('eucaim-spot-access-task-0003');
  // Another task's secret, even under this task's cookie name.
  const forged = `eucaim-spot-access-task-0003=${pair(theirs.cookie!).split('=')[1]}`;
  expect((await stream('access-task-0003', forged)).status).toBe(403);
  expect((await stream('access-task-0003', pair(theirs.cookie!))).status).toBe(403);
  // The refused attempts took nothing: the submitter's stream has one result per repository after its claim.
  const response = await stream('access-task-0003', `other=1; ${pair(mine.cookie!)}`);
  expect(response.status).toBe(200);
  // The cookie has served: the stream's answer has the browser forget it.
  expect(response.headers.get('set-cookie')).toMatch(new RegExp(`^eucaim-spot-access-task-0003=; Path=${SPOT_BASE_PATH}/beam/access-task-0003; Max-Age=0;`));
  expect(response.headers.get('content-type')).toContain('text/event-stream');
  const events = (await response.text()).split('\n\n').filter((e) => e.startsWith('event: new_result'))
    .map((e) => JSON.parse(e.split('\ndata: ')[1]) as { from: string; status: string });
  const sites = new Set(events.map((e) => e.from));
  expect(sites.size).toBeGreaterThan(5);
  for (const site of sites) {
    expect(events.filter((e) => e.from === site).map((e) => e.status)).toEqual(['claimed', expect.stringMatching(/^(succeeded|tempfailed|permafailed)$/)]);
  }
  // Given once: the same cookie again is told the stream went to another client.
  expect((await stream('access-task-0003', pair(mine.cookie!))).status).toBe(409);
  (await stream('access-task-0004', pair(theirs.cookie!))).body?.cancel();
});
