/**
 * Large index harvests take turns (subgraphs/sdk/harvested-index.ts): a dozen repositories harvesting at once kept
 * the gateway's memory above a gigabyte; a few at a time, every one still completes.
 */
import { HarvestedIndex, LARGE_HARVEST_TURN_MS, LARGE_HARVESTS_AT_ONCE } from '../../subgraphs/sdk/harvested-index';

/** A harvest maker: each harvest notes its name in `started` when it runs, takes 20 ms and gives its name. */
function slowHarvest(started: string[]): (name: string) => () => Promise<string> {
  return (name) => async () => {
    started.push(name);
    await new Promise((resolve) => setTimeout(resolve, 20));
    return name;
  };
}

test(`large harvests run ${LARGE_HARVESTS_AT_ONCE} at a time, small ones at once, and all complete`, async () => {
  let running = 0;
  let most = 0;
  const harvest = (value: number) => async () => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running--;
    return value;
  };
  const large = Array.from({ length: 8 }, (_, i) => new HarvestedIndex(harvest(i), 60_000, { large: true }));
  expect(await Promise.all(large.map((index) => index.get()))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  expect(most).toBe(LARGE_HARVESTS_AT_ONCE);

  // A small index (a vocabulary) does not wait for the large ones.
  let smallDone = false;
  const busy = Array.from({ length: 4 }, (_, i) => new HarvestedIndex(harvest(i), 60_000, { large: true }).get());
  const small = new HarvestedIndex(async () => 'terms', 60_000).get().then((value) => {
    smallDone = running > 0;
    return value;
  });
  expect(await small).toBe('terms');
  expect(smallDone).toBe(true);
  await Promise.all(busy);
});

test('a failed large harvest gives its turn to the next', async () => {
  const failing = new HarvestedIndex<number>(async () => { throw new Error('native API down'); }, 60_000, { large: true });
  await expect(Promise.all(Array.from({ length: LARGE_HARVESTS_AT_ONCE }, () => new HarvestedIndex<number>(async () => { throw new Error('down'); }, 60_000, { large: true }).get())))
    .rejects.toThrow('down');
  await expect(failing.get()).rejects.toThrow('native API down');
  const next = new HarvestedIndex(async () => 42, 60_000, { large: true });
  expect(await next.get()).toBe(42);
});

test('a query waiting for a harvest still in the queue moves it to the front; a warm-up does not', async () => {
  const order: string[] = [];
  const slow = slowHarvest(order);
  const busy = Array.from({ length: LARGE_HARVESTS_AT_ONCE }, (_, i) => new HarvestedIndex(slow(`busy-${i}`), 60_000, { large: true }));
  const queued = ['a', 'b', 'c'].map((name) => new HarvestedIndex(slow(name), 60_000, { large: true }));
  const warming = [...busy, ...queued].map((index) => index.warm());
  // A query for "c": it was last in the queue.
  expect(await queued[2].get()).toBe('c');
  await Promise.all(warming);
  expect(order.slice(LARGE_HARVESTS_AT_ONCE)).toEqual(['c', 'a', 'b']);
});

test('a closed adapter\'s harvest still waiting for its turn gives it up and never runs; the others all complete', async () => {
  const ran: string[] = [];
  const slow = slowHarvest(ran);
  const busy = Array.from({ length: LARGE_HARVESTS_AT_ONCE }, (_, i) => new HarvestedIndex(slow(`busy-${i}`), 60_000, { large: true }));
  const retired = new HarvestedIndex(slow('retired'), 60_000, { large: true });
  const after = new HarvestedIndex(slow('after'), 60_000, { large: true });
  const warming = busy.map((index) => index.warm());
  const waiting = retired.warm();
  const next = after.warm();
  retired.close();
  await expect(waiting).rejects.toThrow('the adapter was closed before its harvest had its turn');
  expect(await Promise.all([...warming, next])).toEqual([...busy.map((_, i) => `busy-${i}`), 'after']);
  expect(ran).not.toContain('retired');
  // Closing an index whose harvest already ran (or never queued) changes nothing.
  busy[0].close();
  expect(await busy[0].get()).toBe('busy-0');
});

test(`a harvest still running after ${LARGE_HARVEST_TURN_MS / 1000} s lets the next one start, and goes on to complete`, async () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  try {
    // Slow sites: their harvests end only when let go.
    const letGo: Array<() => void> = [];
    const started: string[] = [];
    const held = (name: string) => async () => {
      started.push(name);
      await new Promise<void>((resolve) => letGo.push(resolve));
      return name;
    };
    const slow = Array.from({ length: LARGE_HARVESTS_AT_ONCE }, (_, i) => new HarvestedIndex(held(`slow-${i}`), 60_000, { large: true }));
    const next = new HarvestedIndex(held('next'), 60_000, { large: true });
    const warming = [...slow, next].map((index) => index.warm());
    const settle = async () => { for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve)); };
    await settle();
    jest.advanceTimersByTime(LARGE_HARVEST_TURN_MS - 1);
    await settle();
    expect(started).toEqual(['slow-0', 'slow-1', 'slow-2']);
    jest.advanceTimersByTime(1);
    await settle();
    expect(started).toEqual(['slow-0', 'slow-1', 'slow-2', 'next']);
    for (const release of letGo) release();
    expect(await Promise.all(warming)).toEqual(['slow-0', 'slow-1', 'slow-2', 'next']);
  } finally {
    jest.useRealTimers();
  }
});
