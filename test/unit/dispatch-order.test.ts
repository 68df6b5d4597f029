/**
 * The order a Europe-wide question asks its repositories in: the slowest first (its request then goes out before
 * the others' start-up work), learnt from answers that took time; the answers keep the repositories' order.
 */
import { withSignal } from '../../subgraphs/sdk/cancellation';
import { DispatchOrder } from '../../subgraphs/europe/dispatch-order';

const ids = ['a', 'b', 'c', 'd'];
const same = (id: string) => id;

it('asks the slowest repositories first, and those without a recorded answer last', () => {
  const order = new DispatchOrder();
  order.record('b', 40);
  order.record('c', 300);
  order.record('d', 120);
  expect(order.slowestFirst(ids, same)).toEqual(['c', 'd', 'b', 'a']);
});

it('goes by the median of the last five answers, so that one odd answer does not reorder everything', () => {
  const order = new DispatchOrder();
  for (let i = 0; i < 5; i++) {
    order.record('a', 100);
    order.record('b', 200);
  }
  order.record('a', 5_000); // once very slow (a first harvest waited for)
  expect(order.typicalMs('a')).toBe(100);
  expect(order.slowestFirst(['a', 'b'], same)).toEqual(['b', 'a']);
  for (let i = 0; i < 3; i++) order.record('a', 400); // slow three times in five: it is slow now
  expect(order.typicalMs('a')).toBe(400);
  expect(order.slowestFirst(['a', 'b'], same)).toEqual(['a', 'b']);
});

it('starts the asks slowest first and gives the answers in the items\' order', async () => {
  const order = new DispatchOrder();
  order.record('a', 50);
  order.record('b', 250);
  order.record('c', 150);
  order.record('d', 10);
  const started: string[] = [];
  const answers = await order.askAll(ids, same, async (id) => {
    started.push(id);
    await new Promise((resolve) => setTimeout(resolve, ids.indexOf(id)));
    return `answer of ${id}`;
  });
  expect(started).toEqual(['b', 'c', 'a', 'd']);
  expect(answers).toEqual(['answer of a', 'answer of b', 'answer of c', 'answer of d']);
});

it('asks nobody more once the caller has gone away', async () => {
  const order = new DispatchOrder();
  const gone = new AbortController();
  const started: string[] = [];
  const answers = withSignal(gone.signal, () => order.askAll(ids, same, async (id) => {
    started.push(id);
    gone.abort(new Error('the client went away'));
    return id;
  }));
  await expect(answers).rejects.toThrow('the client went away');
  expect(started).toEqual(['a']);
});

it('gives a head start to slow repositories only: fast and unlearnt ones are started together, without turns between', async () => {
  const order = new DispatchOrder();
  order.record('a', 250);
  order.record('b', 2); // answers from memory
  const started: string[] = [];
  // Counts turns of the event loop: one immediate a turn.
  let turns = 0;
  let counting = true;
  const tick = () => {
    turns++;
    if (counting) setImmediate(tick);
  };
  setImmediate(tick);
  try {
    await order.askAll(['a', 'b', 'c', 'd'], same, async (id) => {
      started.push(`${id}@${turns}`);
      return id;
    });
  } finally {
    counting = false;
  }
  // a first; then a turn; then b, c (unlearnt) and d started in the same turn.
  expect(started.map((s) => s.split('@')[0])).toEqual(['a', 'b', 'c', 'd']);
  const turnOf = (id: string) => Number(started.find((s) => s.startsWith(`${id}@`))!.split('@')[1]);
  expect(turnOf('b')).toBeGreaterThan(turnOf('a'));
  expect(new Set([turnOf('b'), turnOf('c'), turnOf('d')]).size).toBe(1);
});
