/**
 * A query that arrives while a repository's first index harvest is still running (subgraphs/sdk/harvested-index.ts)
 * waits a bounded time, then is answered REPOSITORY_WARMING naming the repository, not held until it times out;
 * the harvest goes on and the next query is answered from it. A repository that has not answered since the harvest
 * began is silent, not warming: the query waits on (and the gateway times it out as the failure it is).
 */
import { ErrorCode, RepositoryError } from '../../subgraphs/sdk/errors';
import { firstHarvestWaitMs, HarvestedIndex, PARTIAL_ANSWER_WAIT_MS } from '../../subgraphs/sdk/harvested-index';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('waits for a first harvest at most its wait, then answers WARMING; the harvest goes on', async () => {
  let harvests = 0;
  let answered = 0;
  const index = new HarvestedIndex(async () => {
    harvests++;
    // The repository answers the harvest's first page at once, and takes its time over the rest.
    answered++;
    await sleep(400);
    return ['case-1', 'case-2'];
  }, 60_000, { firstHarvest: { repositoryId: 'xx-slow', waitMs: 100, answered: () => answered } });
  const started = performance.now();
  const error = await index.get().then(() => null, (e: unknown) => e);
  const waited = performance.now() - started;
  expect(error).toBeInstanceOf(RepositoryError);
  expect((error as RepositoryError).code).toBe(ErrorCode.WARMING);
  expect((error as RepositoryError).message).toMatch(/^repository "xx-slow": its index is still being harvested \(for 0\.\d s\)/);
  expect(waited).toBeGreaterThanOrEqual(95);
  expect(waited).toBeLessThan(350);
  await sleep(400);
  expect(await index.get()).toEqual(['case-1', 'case-2']);
  expect(harvests).toBe(1);
});

test('a harvest done within the wait answers; a failed one says why, not WARMING', async () => {
  const quick = new HarvestedIndex(async () => 'ready', 60_000, { firstHarvest: { repositoryId: 'xx-quick', waitMs: 1000, answered: () => 0 } });
  expect(await quick.get()).toBe('ready');
  const failing = new HarvestedIndex(async () => {
    throw new RepositoryError(ErrorCode.UNAVAILABLE, 'xx-down', 'connection refused');
  }, 60_000, { firstHarvest: { repositoryId: 'xx-down', waitMs: 1000, answered: () => 0 } });
  await expect(failing.get()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
});

test('a repository silent since its harvest began is not WARMING: the query waits for the harvest', async () => {
  const silent = new HarvestedIndex(async () => {
    await sleep(300);
    throw new RepositoryError(ErrorCode.TIMEOUT, 'xx-silent', 'native API did not answer GET /data/subjects within 300 ms');
  }, 60_000, { firstHarvest: { repositoryId: 'xx-silent', waitMs: 50, answered: () => 7 } });
  await expect(silent.get()).rejects.toMatchObject({ code: ErrorCode.TIMEOUT });
});

test('a harvest still waiting for its turn behind other repositories\' is WARMING too, and says so', async () => {
  const slow = () => new HarvestedIndex(async () => {
    await sleep(400);
    return 'other';
  }, 60_000, { large: true });
  const others = [slow(), slow(), slow()];
  const busy = others.map((index) => index.warm());
  const queued = new HarvestedIndex(async () => 'mine', 60_000, { large: true, firstHarvest: { repositoryId: 'xx-queued', waitMs: 100, answered: () => 0 } });
  await expect(queued.get()).rejects.toThrow(/^repository "xx-queued": its index harvest is waiting for its turn after other repositories' \(for 0\.\d s\)/);
  await Promise.all(busy);
  expect(await queued.get()).toBe('mine');
});

test('a harvest that got its turn late gets the rest of the wait before it is judged silent', async () => {
  const busy = [0, 1, 2].map(() => new HarvestedIndex(async () => {
    await sleep(150);
    return 'other';
  }, 60_000, { large: true }).warm());
  let answered = 0;
  // Its turn comes at about 150 ms; its repository answers 150 ms into it; the harvest takes 450 ms in all.
  const late = new HarvestedIndex(async () => {
    await sleep(150);
    answered++;
    await sleep(300);
    return 'mine';
  }, 60_000, { large: true, firstHarvest: { repositoryId: 'xx-late', waitMs: 200, answered: () => answered } });
  const started = performance.now();
  await expect(late.get()).rejects.toMatchObject({ code: ErrorCode.WARMING });
  expect(performance.now() - started).toBeLessThan(550);
  await Promise.all(busy);
});

test('the wait is three quarters of the repository timeout, at most 5 s', () => {
  expect(firstHarvestWaitMs(1000)).toBe(750);
  expect(firstHarvestWaitMs(60_000)).toBe(5000);
});

test('a closed index never harvests again: it answers from the copy it has, stale or not, and refuses a harvest', async () => {
  let harvests = 0;
  const index = new HarvestedIndex(async () => ++harvests, 0);
  expect(await index.get()).toBe(1);
  index.close();
  // Stale at once (ttl 0): an open index would harvest again here.
  expect(await index.get()).toBe(1);
  await expect(index.refresh()).rejects.toThrow('the adapter was closed: its index is not harvested again');
  expect(harvests).toBe(1);
});

describe('a query that may be answered from part of a first harvest (get({ partial: true }))', () => {
  /** A harvest of `parts` parts, one every `everyMs`, offering what it has read after each but the last. */
  function partedIndex(parts: number, everyMs: number, waitMs: number) {
    let answered = 0;
    let builds = 0;
    const index = new HarvestedIndex<{ read: number; coverage: string | null }>(async (_, progress) => {
      for (let read = 1; read <= parts; read++) {
        await sleep(everyMs);
        answered++;
        if (read < parts) {
          progress.offer(async () => {
            builds++;
            return { read, coverage: `${read} of ${parts}` };
          });
        }
      }
      return { read: parts, coverage: null };
    }, 60_000, { firstHarvest: { repositoryId: 'xx-parted', waitMs, answered: () => answered } });
    return { index, builds: () => builds };
  }

  test(`takes the part read so far after ${PARTIAL_ANSWER_WAIT_MS} ms, built once for every query that takes it`, async () => {
    const { index, builds } = partedIndex(10, 300, 5000);
    const started = performance.now();
    const [first, second] = await Promise.all([index.get({ partial: true }), index.get({ partial: true })]);
    const waited = performance.now() - started;
    expect(first.coverage).toMatch(/^[1-9] of 10$/);
    expect(second).toBe(first);
    expect(builds()).toBe(1);
    expect(waited).toBeGreaterThanOrEqual(PARTIAL_ANSWER_WAIT_MS - 5);
    expect(waited).toBeLessThan(PARTIAL_ANSWER_WAIT_MS + 300);
  });

  test('with no part yet by then, takes the first part offered, without waiting out the first-harvest wait', async () => {
    const { index } = partedIndex(3, PARTIAL_ANSWER_WAIT_MS + 300, 10_000);
    const started = performance.now();
    const part = await index.get({ partial: true });
    expect(part.coverage).toBe('1 of 3');
    expect(performance.now() - started).toBeLessThan(PARTIAL_ANSWER_WAIT_MS + 1000);
  });

  test('a harvest done within the wait gives the whole; a query without `partial` is WARMING, never a part', async () => {
    const quick = partedIndex(3, 100, 5000).index;
    expect(await quick.get({ partial: true })).toEqual({ read: 3, coverage: null });
    const slow = partedIndex(10, 100, 400).index;
    await expect(slow.get()).rejects.toMatchObject({ code: ErrorCode.WARMING });
  });

  test('a refresh offers no part: the stale copy answers while it runs', async () => {
    let harvests = 0;
    const index = new HarvestedIndex<string>(async (_, progress) => {
      harvests++;
      progress.offer(async () => 'a part');
      await sleep(harvests === 1 ? 0 : 300);
      return `whole ${harvests}`;
    }, 50, { firstHarvest: { repositoryId: 'xx-refresh', waitMs: 5000, answered: () => harvests } });
    expect(await index.get({ partial: true })).toBe('whole 1');
    await sleep(60);
    expect(await index.get({ partial: true })).toBe('whole 1');
  });
});
