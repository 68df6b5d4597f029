/**
 * The cancellation primitives (subgraphs/sdk/cancellation.ts) as the gateway's middlewares use them: a call's
 * signal follows its asynchronous work, shared work runs outside it, a call's own cancellation follows the one it
 * runs under, and work several callers share is cancelled only once all of them have gone, including callers that
 * had gone before they joined.
 */
import { getMaxListeners } from 'node:events';
import { currentSignal, detached, linkedController, SharedCancellation, withSignal } from '../../subgraphs/sdk/cancellation';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

test('a call\'s signal is found after every await of its work, and not in work started detached', async () => {
  const controller = new AbortController();
  const seen = await withSignal(controller.signal, async () => {
    await tick();
    const inside = currentSignal();
    const shared = await detached(async () => {
      await tick();
      return currentSignal();
    });
    return { inside, shared };
  });
  expect(seen.inside).toBe(controller.signal);
  expect(seen.shared).toBeUndefined();
  expect(currentSignal()).toBeUndefined();
});

test('a linked controller aborts with its parent, and no longer once disposed', () => {
  const parent = new AbortController();
  const first = linkedController(parent.signal);
  const second = linkedController(parent.signal);
  second.dispose();
  parent.abort(new Error('client gone'));
  expect(first.controller.signal.aborted).toBe(true);
  expect(second.controller.signal.aborted).toBe(false);
  // Born under an aborted parent: aborted from the start.
  expect(linkedController(parent.signal).controller.signal.aborted).toBe(true);
});

test('shared work is cancelled once every caller has gone, never while a caller without a signal waits', () => {
  const [a, b] = [new AbortController(), new AbortController()];
  const shared = new SharedCancellation();
  shared.join(a.signal);
  shared.join(b.signal);
  a.abort();
  expect(shared.signal.aborted).toBe(false);
  b.abort();
  expect(shared.signal.aborted).toBe(true);

  const everlasting = new SharedCancellation();
  const c = new AbortController();
  everlasting.join(c.signal);
  everlasting.join(undefined);
  c.abort();
  expect(everlasting.signal.aborted).toBe(false);
});

test('a caller that had gone before it joined cancels work nobody else waits for', () => {
  const gone = new AbortController();
  gone.abort();
  const alone = new SharedCancellation();
  alone.join(gone.signal);
  expect(alone.signal.aborted).toBe(true);

  const waiting = new AbortController();
  const withOthers = new SharedCancellation();
  withOthers.join(waiting.signal);
  withOthers.join(gone.signal);
  expect(withOthers.signal.aborted).toBe(false);
});

test('one signal takes a listener per repository of a large federation: no listener limit, so no false leak warning', () => {
  const parent = linkedController(undefined).controller;
  // Node warns of a leak past 10 listeners on a signal; a federation of 30 repositories puts 30 on a request's.
  expect(getMaxListeners(parent.signal)).toBe(0);
  expect(getMaxListeners(new SharedCancellation().signal)).toBe(0);
  const children = Array.from({ length: 40 }, () => linkedController(parent.signal));
  parent.abort();
  expect(children.every((child) => child.controller.signal.aborted)).toBe(true);
});
