/**
 * The gate every GraphQL request passes (gateway/plugins/limits/fair-admission.ts): who runs next, what is refused and
 * when, and how the number of requests running at once follows the event loop's load. Real timers and a real busy
 * loop, no fake clock: what is asserted is an order or a bound, never a duration measured to the millisecond.
 */
import { callerGroup } from '../../gateway/plugins/limits/caller-group';
import { FairAdmission, RequestRefused, type Release } from '../../gateway/plugins/limits/fair-admission';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* the event loop is saturated */ }
};
const turn = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A gate whose limit stays at `limit` (the adjustment never fires during the test). */
const fixedGate = (limit: number, extra: Partial<ConstructorParameters<typeof FairAdmission>[0]> = {}) =>
  new FairAdmission({ initialConcurrent: limit, minConcurrent: limit, maxConcurrent: limit, adjustEveryMs: 60_000, ...extra });

describe('fair admission', () => {
  const gates: FairAdmission[] = [];
  const gate = (g: FairAdmission) => (gates.push(g), g);
  afterEach(() => gates.splice(0).forEach((g) => g.close()));

  it('lets requests run at once while fewer than the limit run', async () => {
    const g = gate(fixedGate(3));
    const releases = await Promise.all([g.admit('a'), g.admit('a'), g.admit('b')]);
    expect(g.stats).toMatchObject({ running: 3, queued: 0, admitted: 3 });
    releases.forEach((release) => release());
    expect(g.stats.running).toBe(0);
  });

  it('gives a free slot to a caller who has nothing running, before one who keeps requests going, even if it asked last', async () => {
    const g = gate(fixedGate(4));
    const flood = await Promise.all([1, 2, 3, 4].map(() => g.admit('flood')));
    await sleep(20);
    const order: string[] = [];
    const waiting = [
      ...[1, 2, 3].map((n) => g.admit('flood').then((release) => (order.push(`flood ${n}`), release))),
      g.admit('portal').then((release) => (order.push('portal'), release)),
    ];
    await turn();
    expect(g.stats.queued).toBe(4);
    flood[0]();
    await turn();
    expect(order).toEqual(['portal']);
    flood.slice(1).forEach((release) => release());
    (await Promise.all(waiting)).forEach((release: Release) => release());
    expect(order).toEqual(['portal', 'flood 1', 'flood 2', 'flood 3']);
  });

  it('lets a caller alone use every slot, and gives the next free one to another caller below its share', async () => {
    const g = gate(fixedGate(3, { maxRunningPerGroup: 1 }));
    const alone = await Promise.all([1, 2, 3].map(() => g.admit('portal-backend')));
    expect(g.stats.running).toBe(3);
    const order: string[] = [];
    const more = g.admit('portal-backend').then((release) => (order.push('portal-backend'), release));
    await sleep(5);
    const other = g.admit('researcher').then((release) => (order.push('researcher'), release));
    alone[0]();
    await turn();
    expect(order).toEqual(['researcher']);
    alone[1]();
    await turn();
    expect(order).toEqual(['researcher', 'portal-backend']);
    [alone[2], await more, await other].forEach((release) => release());
  });

  it('among callers with as many running, prefers the one that used the gateway least lately', async () => {
    const g = gate(fixedGate(1));
    // "heavy" ran a request for 60 ms; "light" for none.
    const first = await g.admit('heavy');
    await sleep(60);
    first();
    const blocker = await g.admit('other');
    const order: string[] = [];
    const heavy = g.admit('heavy').then((release) => (order.push('heavy'), release()));
    const light = g.admit('light').then((release) => (order.push('light'), release()));
    blocker();
    await Promise.all([heavy, light]);
    expect(order).toEqual(['light', 'heavy']);
  });

  it('refuses at once, with 429 naming the reason, a caller who already has its share waiting', async () => {
    const g = gate(fixedGate(1, { maxQueuedPerGroup: 2 }));
    const running = await g.admit('flood');
    // Each answers as soon as it runs.
    const queued = [g.admit('flood'), g.admit('flood')].map((admitted) => admitted.then((release) => release()));
    const refused = await g.admit('flood').then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(RequestRefused);
    expect((refused as RequestRefused).refusal).toMatchObject({ status: 429, code: 'TOO_MANY_CONCURRENT_REQUESTS', retryAfterSeconds: 1 });
    expect((refused as RequestRefused).message).toMatch(/1 running and 2 waiting/);
    // Another caller still gets its place in the queue.
    const other = g.admit('portal');
    running();
    (await other)();
    await Promise.all(queued);
    expect(g.stats.refusedGroupQueueFull).toBe(1);
  });

  it('refuses with 503 OVERLOADED a request that waited too long, and drops it from the queue', async () => {
    const g = gate(fixedGate(1, { maxWaitMs: 50 }));
    const running = await g.admit('a');
    const refused = await g.admit('b').then(() => undefined, (error: unknown) => error);
    expect((refused as RequestRefused).refusal).toMatchObject({ status: 503, code: 'OVERLOADED' });
    expect(g.stats).toMatchObject({ queued: 0, refusedWaitedTooLong: 1 });
    running();
    expect(g.stats.running).toBe(0);
  });

  it('refuses with 503 OVERLOADED when the queue of all callers is full', async () => {
    const g = gate(fixedGate(1, { maxQueued: 2 }));
    const running = await g.admit('a');
    const queued = [g.admit('b'), g.admit('c')].map((admitted) => admitted.then((release) => release()));
    const refused = await g.admit('d').then(() => undefined, (error: unknown) => error);
    expect((refused as RequestRefused).refusal).toMatchObject({ status: 503, code: 'OVERLOADED' });
    running();
    await Promise.all(queued);
  });

  it('counts a release once, however often it is called', async () => {
    const g = gate(fixedGate(2));
    const release = await g.admit('a');
    release();
    release();
    expect(g.stats.running).toBe(0);
  });

  it('takes a waiter whose caller went away out of the queue', async () => {
    const g = gate(fixedGate(1));
    const running = await g.admit('a');
    const gone = new AbortController();
    const waiting = g.admit('b', gone.signal).then(() => 'admitted', () => 'refused');
    expect(g.stats.queued).toBe(1);
    gone.abort();
    expect(await waiting).toBe('refused');
    expect(g.stats.queued).toBe(0);
    running();
    expect(g.stats.running).toBe(0);
  });

  it('when every place in the queue is taken, makes the caller with the most waiting give up its newest', async () => {
    const g = gate(fixedGate(1, { maxQueued: 3 }));
    const running = await g.admit('busy');
    // Each answers as soon as it runs.
    const outcome = (admitted: Promise<Release>) => admitted.then((release) => (release(), 'admitted'), (error: RequestRefused) => error.refusal.code);
    const flood = [1, 2, 3].map(() => outcome(g.admit('flood')));
    const portal = outcome(g.admit('portal'));
    expect(await flood[2]).toBe('OVERLOADED');
    expect(g.stats.queued).toBe(3);
    running();
    expect(await Promise.all([flood[0], flood[1], portal])).toEqual(['admitted', 'admitted', 'admitted']);
  });

  it('forgets callers it has not seen lately, so that it does not remember every caller ever seen', async () => {
    const g = gate(fixedGate(5_000, { usageHalfLifeMs: 5 }));
    const releases = await Promise.all(range(1_500).map((i) => g.admit(`net:10.0.${i >> 8}.${i & 255}/32`)));
    await sleep(3); // each used the gateway for a few ms: remembered
    releases.forEach((release) => release());
    expect(g.stats.groups).toBe(1_500);
    await sleep(100); // twenty half-lives: their use has decayed to nothing
    (await g.admit('a new caller'))();
    expect(g.stats.groups).toBeLessThanOrEqual(1);
  });

  it('runs fewer requests at once while the event loop is saturated, and more again once it is not', async () => {
    const g = gate(new FairAdmission({ initialConcurrent: 16, minConcurrent: 2, maxConcurrent: 64, adjustEveryMs: 20 }));
    const running = await Promise.all(Array.from({ length: 16 }, () => g.admit('a')));
    // Saturate the loop in 30 ms slices, letting the adjustment timer fire in between, for up to 3 s: on a shared
    // machine an idle moment between slices can stretch and let the limit climb back a step.
    const saturatedUntil = Date.now() + 3_000;
    while (g.stats.limit >= 8 && Date.now() < saturatedUntil) {
      busy(30);
      await sleep(1);
    }
    const lowered = g.stats.limit;
    expect(lowered).toBeLessThan(8);
    expect(lowered).toBeGreaterThanOrEqual(2);
    // Idle again, with requests waiting: the limit climbs back and they are let in.
    const waiting = Array.from({ length: 8 }, () => g.admit('b'));
    waiting.forEach((admitted) => admitted.catch(() => undefined)); // refused on close if the test fails first
    await sleep(600);
    expect(g.stats.limit).toBeGreaterThan(lowered);
    expect(g.stats.queued).toBe(0);
    running.forEach((release) => release());
    (await Promise.all(waiting)).forEach((release) => release());
  });
});

describe('caller groups', () => {
  it('put the addresses of one IPv4 /24 together and other networks apart', () => {
    expect(callerGroup('127.1.9.5', undefined)).toBe(callerGroup('127.1.9.200', undefined));
    expect(callerGroup('::ffff:127.1.9.5', undefined)).toBe('net:127.1.9.0/24');
    expect(callerGroup('127.0.0.10', undefined)).not.toBe(callerGroup('127.1.9.5', undefined));
    expect(callerGroup('10.1.2.3', undefined, 16)).toBe('net:10.1.0.0/16');
  });

  it('put the addresses of one IPv6 /56 together', () => {
    expect(callerGroup('2001:db8:aa:bb01::1', undefined)).toBe(callerGroup('2001:db8:aa:bbff:1:2:3:4', undefined));
    expect(callerGroup('2001:db8:aa:bb01::1', undefined)).toBe('net:2001:db8:aa:bb00:0:0:0:0/56');
    expect(callerGroup('2001:db8:aa:cc01::1', undefined)).not.toBe(callerGroup('2001:db8:aa:bb01::1', undefined));
    expect(callerGroup('::1', undefined)).toBe('net:0:0:0:0:0:0:0:0/56');
  });

  it('key an authenticated caller by its issuer and subject, wherever it connects from', () => {
    expect(callerGroup('127.0.0.1', 'https://issuer.example alice')).toBe(callerGroup('10.0.0.1', 'https://issuer.example alice'));
    expect(callerGroup('127.0.0.1', 'https://issuer.example alice')).not.toBe(callerGroup('127.0.0.1', 'https://other.example alice'));
  });
});
