/**
 * The order in which a Europe-wide question asks its repositories: slowest first. Each ask runs a few hundred
 * microseconds of the gateway's work (its operation, the middlewares, the adapter building its native request)
 * before the next one starts, so with thirty repositories the last one asked sends its native request a few
 * milliseconds after the first. The answer waits for the slowest repository; asked first, its request goes out
 * at once and the others' start-up overlaps its latency (scale bench: "its adapter before its first request").
 *
 * How slow a repository is: the median of its last answers' latency through the gateway, so that one odd answer
 * (a first harvest waited for, a retry) does not reorder everything for long. Answers the gateway's cache gave say
 * nothing of the repository, and most failures (a repository warming, unreachable, its circuit open) nothing of
 * its speed: the caller records neither, but records a timeout at its latency, since a repository that times out
 * is the slowest of all.
 */

import { currentSignal } from '../sdk/cancellation';
import { yieldToEventLoop } from '../sdk/concurrency';

/** Answers the median is taken over. */
const RECENT = 5;
/**
 * The event loop turns after starting an ask only for a repository at least this slow: what answers faster (an
 * index, the cache) gains nothing from a head start, and a turn after it would let its CPU work run before the
 * next ask is started. Repositories not yet learnt are started together, as without an order.
 */
const HEAD_START_FROM_MS = 20;

export class DispatchOrder {
  private readonly recentMs = new Map<string, number[]>();

  /** Notes how long a repository's answer took. */
  record(repositoryId: string, latencyMs: number): void {
    let recent = this.recentMs.get(repositoryId);
    if (!recent) this.recentMs.set(repositoryId, (recent = []));
    recent.push(latencyMs);
    if (recent.length > RECENT) recent.shift();
  }

  /** The repository's typical latency; undefined until it has answered. */
  typicalMs(repositoryId: string): number | undefined {
    const recent = this.recentMs.get(repositoryId);
    if (!recent) return undefined;
    const sorted = [...recent].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

  /** The items, slowest repository first; those without a recorded answer last (a new one is learnt from its first). */
  slowestFirst<T>(items: readonly T[], idOf: (item: T) => string): T[] {
    return this.ranked(items, idOf).map(({ item }) => item);
  }

  /**
   * `ask` for every item, started slowest first, the slow ones one after another: the event loop turns after each
   * of their starts, so that an ask's way to its native request (promise continuations) runs before the next ask
   * starts. Started all at once, their continuations would take turns, step by step, and every request would leave
   * only once every ask had done its work (3-4 ms for thirty repositories in the scale bench). The results come in
   * the items' own order.
   */
  async askAll<T, R>(items: readonly T[], idOf: (item: T) => string, ask: (item: T) => Promise<R>): Promise<R[]> {
    const running: Array<Promise<R>> = new Array(items.length);
    const signal = currentSignal();
    let previousMs = 0;
    for (const { item, at, ms } of this.ranked(items, idOf)) {
      if (previousMs >= HEAD_START_FROM_MS) await yieldToEventLoop();
      previousMs = ms;
      // The caller went away meanwhile: the repositories not asked yet are not asked for nobody.
      const answer = signal?.aborted ? Promise.reject(signal.reason as Error) : ask(item);
      answer.catch(() => undefined); // its failure reaches the caller through Promise.all, not as an unhandled rejection
      running[at] = answer;
    }
    return Promise.all(running);
  }

  /** Each item with its place among the items and its repository's typical latency (0 when unknown), slowest first. */
  private ranked<T>(items: readonly T[], idOf: (item: T) => string): Array<{ item: T; at: number; ms: number }> {
    return items.map((item, at) => ({ item, at, ms: this.typicalMs(idOf(item)) ?? 0 }))
      .sort((a, b) => b.ms - a.ms || a.at - b.at);
  }
}

/** The process's order: every Europe-wide question learns from the others' answers. */
export const dispatchOrder = new DispatchOrder();
