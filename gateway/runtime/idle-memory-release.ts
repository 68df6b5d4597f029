/**
 * Gives memory back to the system once the gateway has gone quiet after work that grew it (index harvests, a busy
 * spell of cold questions). V8 in Node keeps the pages a burst of garbage made: its memory reducer, which would
 * release them, waits while the last measured allocation rate is high, and in an idle process no collection comes
 * to measure it again. Measured (Node 24, a heap of 136 MB live after 600 MB of garbage): RSS stayed at 764 MB for
 * minutes; a memory-reducing collection brought it to 202 MB in 233 ms. V8's `--memory-saver-mode` keeps RSS low
 * all the time, but halved the scale bench's warm answers/s and doubled its cold p99: collecting once when idle
 * costs a pause only when nobody is waiting.
 *
 * The collection is V8's "last resort" one (as on a low-memory notification), asked for through the `gc` function
 * V8 gives a new context while `--expose-gc` is set; the flag is unset at once, so no code of this process sees a
 * global `gc`.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

export interface IdleMemoryReleaseOptions {
  /** Quiet time (no request running) before a release. */
  idleMs: number;
  /** Growth of the resident memory since the last release (or the start) that is worth a release. */
  minGrowthBytes: number;
  /** The process's resident memory now (default process.memoryUsage.rss). */
  residentBytes?: () => number;
}

/**
 * After a release, when the resident memory is read again as the baseline growth is measured from: a collection
 * returns part of what it freed in the background after it has ended (V8 unmaps pages, the C library trims), and a
 * baseline read at once stood 100 MB above where the memory settled, so that the next burst (the scale bench's load:
 * +137 MB) counted as too small a growth and was never given back.
 */
export const RELEASE_SETTLE_MS = 1000;

export const DEFAULT_IDLE_MEMORY_RELEASE: IdleMemoryReleaseOptions = { idleMs: 2000, minGrowthBytes: 64 * 2 ** 20 };

export interface MemoryReleaseStats {
  releases: number;
  /** Time spent in the releases' collections. */
  seconds: number;
  /** Resident memory given back (before minus after, summed). */
  bytesReleased: number;
}

let collector: Collect | null | undefined;

/** V8's collection function, made once; null when this runtime gives none. */
function memoryReducingCollector(): Collect | null {
  if (collector !== undefined) return collector;
  try {
    setFlagsFromString('--expose-gc');
    const made: unknown = runInNewContext('gc');
    collector = typeof made === 'function' ? (made as Collect) : null;
  } catch {
    collector = null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
  return collector;
}

export class IdleMemoryRelease {
  readonly stats: MemoryReleaseStats = { releases: 0, seconds: 0, bytesReleased: 0 };
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly rss: () => number;
  private baseline: number;
  private settling: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly collect = memoryReducingCollector();

  constructor(private readonly options: IdleMemoryReleaseOptions = DEFAULT_IDLE_MEMORY_RELEASE) {
    this.rss = options.residentBytes ?? (() => process.memoryUsage.rss());
    this.baseline = this.rss();
  }

  /** A request started: no release while it runs. */
  begin(): void {
    this.running++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A request ended: the quiet time starts again when it was the last. */
  end(): void {
    this.running = Math.max(0, this.running - 1);
    if (this.running === 0) this.schedule();
  }

  /** Work other than requests grew the memory (a warm-up's harvests ended): check once quiet. */
  schedule(): void {
    if (this.closed || !this.collect || this.running > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.releaseIfGrown(), this.options.idleMs);
    // A pending release never keeps the process alive.
    this.timer.unref();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    clearTimeout(this.settling);
  }

  private releaseIfGrown(): void {
    this.timer = undefined;
    if (this.closed || this.running > 0 || !this.collect) return;
    const before = this.rss();
    if (before - this.baseline < this.options.minGrowthBytes) {
      // Lower than the baseline: the memory a release gave back went on leaving after it was read.
      this.baseline = Math.min(this.baseline, before);
      return;
    }
    const started = performance.now();
    this.collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    this.baseline = this.rss();
    this.stats.releases++;
    this.stats.seconds += (performance.now() - started) / 1000;
    this.stats.bytesReleased += Math.max(0, before - this.baseline);
    clearTimeout(this.settling);
    this.settling = setTimeout(() => {
      const settled = this.rss();
      this.stats.bytesReleased += Math.max(0, this.baseline - settled);
      this.baseline = Math.min(this.baseline, settled);
    }, RELEASE_SETTLE_MS);
    this.settling.unref();
  }
}
