import { detached } from './cancellation';
import { yieldToEventLoop } from './concurrency';
import { ErrorCode, RepositoryError } from './errors';

/**
 * How long a query waits for a first harvest before it is answered REPOSITORY_WARMING (the harvest goes on): three
 * quarters of the repository's timeout, so that it is told why rather than timed out (the quarter left covers its
 * wait for a turn and the way back through the gateway), and at most FIRST_HARVEST_MAX_WAIT_MS, so that a
 * Europe-wide answer does not wait long for a repository that is only warming up.
 */
export const FIRST_HARVEST_MAX_WAIT_MS = 5000;

export function firstHarvestWaitMs(timeoutMs: number): number {
  return Math.min(Math.floor(timeoutMs * 0.75), FIRST_HARVEST_MAX_WAIT_MS);
}

/**
 * How long a query that may be answered from part of a first harvest (`get({ partial: true })`) waits for the whole
 * before it takes the part there is: a harvest about to finish still gives the whole answer, one that has far to
 * go does not hold the question for the whole first-harvest wait.
 */
export const PARTIAL_ANSWER_WAIT_MS = 1000;

/** What a harvest tells while it runs: how to build an index from what it has read so far. */
export interface HarvestProgress<T> {
  /**
   * Offers a builder of the index from the part read so far (replacing any earlier offer). It is called only if a
   * query takes a part, at most once per offer; the index it builds says itself that it is a part.
   */
  offer(build: () => Promise<T>): void;
}

export interface HarvestedIndexOptions {
  /** Harvests in turn with the other large indexes of the process (see the constructor). */
  large?: boolean;
  /**
   * A query that must wait for a first harvest waits at most `waitMs`, then gets REPOSITORY_WARMING naming the
   * repository, if the repository has answered since the harvest began (`answered`: its native answers so far). A
   * repository that has not is not warming but silent: the query waits on, and times out as a failure would.
   */
  firstHarvest?: { repositoryId: string; waitMs: number; answered: () => number };
}

/**
 * A harvested copy of a repository's series-level metadata, for native APIs without counts (DICOMweb has none:
 * PS3.18 QIDO returns no total). Loaded on first use, refreshed after `ttlMs`, one harvest at a time: concurrent
 * queries share the harvest in flight, and a stale copy keeps answering while a refresh runs.
 */
export class HarvestedIndex<T> {
  private value: T | undefined;
  private harvestedAt = 0;
  private inFlight: Promise<T> | undefined;
  private askedAt = 0;
  private closed = false;
  /** When the harvest in flight got its turn (0 while it waits for one), and the repository's answers by then. */
  private harvestStartedAt = 0;
  private answeredAtStart = 0;
  /** The first harvest's latest offer of a part, and the part built from it (once a query took it). */
  private partBuilder: (() => Promise<T>) | undefined;
  private part: Promise<T> | undefined;
  /** Queries waiting for a first part (HarvestedIndex.get with `partial`). */
  private readonly partListeners = new Set<() => void>();
  /** Harvests started so far: tells the one running from earlier ones. */
  private harvests = 0;

  /**
   * `harvest` gets the copy it replaces, so it can refresh incrementally. A `large` index (every case of a
   * repository) harvests in turn with the other large ones of this process, LARGE_HARVESTS_AT_ONCE at a time.
   */
  constructor(
    private readonly harvest: (previous: T | undefined, progress: HarvestProgress<T>) => Promise<T>, private readonly ttlMs: number,
    private readonly options: HarvestedIndexOptions = {},
  ) {}

  /**
   * The index for a query: a query that must wait for the first harvest moves it to the front of the turns. With
   * `partial`, a query that would wait for a first harvest takes the part harvested so far once it has waited
   * PARTIAL_ANSWER_WAIT_MS (with none yet, the first part offered before the first-harvest wait ends), instead of
   * REPOSITORY_WARMING.
   */
  async get({ partial = false }: { partial?: boolean } = {}): Promise<T> {
    const fresh = this.value !== undefined && Date.now() - this.harvestedAt < this.ttlMs;
    if (fresh) {
      // Answering from a large index is CPU work (a scan of up to hundreds of thousands of series): the other
      // repositories of the same Europe-wide question are sent their native requests first, so that this work
      // overlaps their network latency instead of delaying it (scale bench: the slowest repository's first native
      // request went out 27.6 ms after its call began, 5.7 ms with this turn).
      // Read before the turn: a refresh may replace the index meanwhile.
      const value = this.value as T;
      if (this.options.large) await yieldToEventLoop();
      return value;
    }
    const refresh = this.inFlight ?? this.start();
    // A stale copy answers at once (after the same turn); the refresh replaces it when done. Only the first load waits.
    if (this.value !== undefined) {
      const stale = this.value;
      if (this.options.large) await yieldToEventLoop();
      return stale;
    }
    if (this.options.large) largeHarvests.promote(this);
    return this.options.firstHarvest ? this.waitForFirst(refresh, this.options.firstHarvest, partial) : refresh;
  }

  /** The index for a warm-up: harvested in its turn, ahead of nobody. */
  warm(): Promise<T> {
    if (this.value !== undefined && Date.now() - this.harvestedAt < this.ttlMs) return Promise.resolve(this.value);
    return this.inFlight ?? this.start();
  }

  /** Whether a copy is there to answer from (fresh or stale). */
  get harvested(): boolean {
    return this.value !== undefined;
  }

  /** The copy there is (fresh or stale), without starting a harvest; undefined before the first. */
  get current(): T | undefined {
    return this.value;
  }

  /** Harvests now (joining one in flight) and waits for the new copy: a caller waits, so it goes first in the turns. */
  refresh(): Promise<T> {
    const run = this.inFlight ?? this.start();
    if (this.options.large) largeHarvests.promote(this);
    return run;
  }

  /**
   * For the adapter's close: a harvest still waiting for its turn among the large ones gives its turn up (a
   * retired federation's adapter would otherwise harvest for nobody, ahead of the federation being served), and
   * none starts afterwards.
   */
  close(): void {
    this.closed = true;
    largeHarvests.drop(this);
  }

  /**
   * The first harvest, or REPOSITORY_WARMING once the wait is over (the harvest goes on for the next query); with
   * `partial`, the part harvested so far rather than REPOSITORY_WARMING when there is one.
   */
  private waitForFirst(harvest: Promise<T>, { repositoryId, waitMs, answered }: NonNullable<HarvestedIndexOptions['firstHarvest']>, partial: boolean): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let stopListening = () => {};
    const waited = new Promise<T>((resolve, reject) => {
      const takePart = () => {
        const part = this.builtPart();
        if (part) resolve(part);
        return part !== undefined;
      };
      const check = () => {
        const running = this.harvestStartedAt > 0;
        if (running && answered() === this.answeredAtStart) {
          // Silent since its harvest got its turn: not warming, once the harvest has had the whole wait (the call's
          // timeout then tells); a harvest that got its turn late gets the rest of the wait first.
          const left = waitMs - (Date.now() - this.harvestStartedAt);
          if (left > 0) timer = setTimeout(check, left);
          return;
        }
        if (partial && takePart()) return;
        const seconds = ((Date.now() - this.askedAt) / 1000).toFixed(1);
        reject(new RepositoryError(ErrorCode.WARMING, repositoryId, running
          ? `its index is still being harvested (for ${seconds} s), so it cannot answer yet; ask again in a moment`
          : `its index harvest is waiting for its turn after other repositories' (for ${seconds} s), so it cannot answer yet; ask again in a moment`));
      };
      const early = Math.min(PARTIAL_ANSWER_WAIT_MS, waitMs);
      timer = partial && early < waitMs
        ? setTimeout(() => {
          if (takePart()) return;
          // None yet: the first part offered answers, or the end of the wait decides.
          stopListening = this.onPartOffered(takePart);
          timer = setTimeout(check, waitMs - early);
        }, early)
        : setTimeout(check, waitMs);
    });
    return Promise.race([harvest, waited]).finally(() => {
      clearTimeout(timer);
      stopListening();
    });
  }

  /** Calls `listener` when the running first harvest offers a part; returns how to stop. */
  private onPartOffered(listener: () => void): () => void {
    this.partListeners.add(listener);
    return () => this.partListeners.delete(listener);
  }

  /** The part of the first harvest read so far, built once per offer; undefined when none was offered. */
  private builtPart(): Promise<T> | undefined {
    if (!this.part && this.partBuilder) {
      this.part = detached(this.partBuilder);
      this.part.catch(() => undefined);
    }
    return this.part;
  }

  private start(): Promise<T> {
    if (this.closed) {
      // A closed adapter's index answers from the copy it has (a stale one included) and never harvests again.
      const refused = Promise.reject<T>(new Error('the adapter was closed: its index is not harvested again'));
      refused.catch(() => undefined);
      return refused;
    }
    this.askedAt = Date.now();
    this.harvestStartedAt = 0;
    // Shared by every query that waits for it: no caller going away cancels it (cancellation.ts).
    // Parts are offered by a first harvest only (a refresh has the stale copy to answer from), the one running.
    const harvestNumber = ++this.harvests;
    const progress: HarvestProgress<T> = {
      offer: (build) => {
        if (this.value !== undefined || harvestNumber !== this.harvests) return;
        this.partBuilder = build;
        this.part = undefined;
        for (const listener of [...this.partListeners]) listener();
      },
    };
    const harvest = () => {
      this.harvestStartedAt = Date.now();
      this.answeredAtStart = this.options.firstHarvest?.answered() ?? 0;
      return this.harvest(this.value, progress);
    };
    const run = detached(() => (this.options.large ? largeHarvests.run(this, harvest) : harvest())).then((value) => {
      this.value = value;
      this.harvestedAt = Date.now();
      return value;
    }).finally(() => {
      this.inFlight = undefined;
      this.partBuilder = undefined;
      this.part = undefined;
    });
    // A failed background refresh must not become an unhandled rejection; the next query retries.
    run.catch(() => undefined);
    this.inFlight = run;
    return run;
  }
}

/**
 * Large harvests of this process at once. Each builds a repository's index from many native pages, and the garbage
 * of a dozen at once (the scale scenario's warm-up) grew the gateway to over a gigabyte that V8 then kept; in turn,
 * the peak is a few harvests' worth. Harvests wait on their repositories' latency, so a few at once keep the time.
 */
export const LARGE_HARVESTS_AT_ONCE = 3;
/**
 * How long a large harvest holds its turn. One still running then goes on outside the count, and the next waiting
 * one starts: a slow site (a PACS answering a page a second) takes minutes and would hold the others back that long,
 * while it makes its garbage as slowly as its site answers.
 */
export const LARGE_HARVEST_TURN_MS = 30_000;

/** Work of several owners, a few at a time, in arrival order unless an owner is promoted; each turn `turnMs` at most. */
class Turns {
  private running = 0;
  private readonly waiting: Array<{ owner: object; start: () => void; cancel: (reason: Error) => void }> = [];
  constructor(private readonly limit: number, private readonly turnMs: number) {}

  async run<R>(owner: object, work: () => Promise<R>): Promise<R> {
    // A cancelled wait throws here, before the slot it never took would be handed on.
    if (this.running >= this.limit) await new Promise<void>((start, cancel) => this.waiting.push({ owner, start, cancel }));
    else this.running++;
    let holding = true;
    const handOn = () => {
      if (!holding) return;
      holding = false;
      const next = this.waiting.shift();
      if (next) next.start();
      else this.running--;
    };
    const turnOver = setTimeout(handOn, this.turnMs);
    turnOver.unref();
    try {
      return await work();
    } finally {
      clearTimeout(turnOver);
      handOn();
    }
  }

  /** Removes an owner's waiting work, which fails (its owner was closed); work already running goes on. */
  drop(owner: object): void {
    for (let at = this.waiting.length - 1; at >= 0; at--) {
      if (this.waiting[at].owner === owner) this.waiting.splice(at, 1)[0].cancel(new Error('the adapter was closed before its harvest had its turn'));
    }
  }

  /** Moves an owner's waiting work to the front (a query waits for it); nothing when it runs or is not there. */
  promote(owner: object): void {
    const at = this.waiting.findIndex((turn) => turn.owner === owner);
    if (at > 0) this.waiting.unshift(...this.waiting.splice(at, 1));
  }
}

const largeHarvests = new Turns(LARGE_HARVESTS_AT_ONCE, LARGE_HARVEST_TURN_MS);

/**
 * For a harvest read in `total` units (collections, projects): notes each unit read and, until the last, offers
 * the index of the units read so far (`build`), its coverage "k of N <units>: its index is still being harvested".
 */
export function offerEachPart<U, T>(
  progress: HarvestProgress<T> | undefined, total: number, units: string, build: (read: U[], coverage: string) => Promise<T>,
): (unit: U) => void {
  const read: U[] = [];
  return (unit) => {
    read.push(unit);
    if (!progress || read.length >= total) return;
    const part = [...read];
    progress.offer(() => build(part, `${part.length} of ${total} ${units}: its index is still being harvested`));
  };
}
