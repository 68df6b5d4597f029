/**
 * The gateway's idle memory release (gateway/runtime/idle-memory-release.ts): once no request runs for a while
 * after the memory grew, the pages V8 kept after a burst of garbage go back to the system; never while a request
 * runs, and not for a small growth.
 */
import { IdleMemoryRelease, RELEASE_SETTLE_MS } from '../../gateway/runtime/idle-memory-release';

const MB = 2 ** 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Hundreds of MB of short-lived objects, as a harvest's parsed native pages are. */
function burstOfGarbage(): void {
  for (let round = 0; round < 4; round++) {
    const garbage: Array<{ id: number; text: string; values: number[] }> = [];
    for (let i = 0; i < 600_000; i++) garbage.push({ id: i, text: `series ${i}`, values: [i, i + 1] });
  }
}

test('gives back what a burst of garbage left once quiet, and not while a request runs', async () => {
  const release = new IdleMemoryRelease({ idleMs: 100, minGrowthBytes: 32 * MB });
  try {
    burstOfGarbage();
    const grown = process.memoryUsage.rss();
    release.begin();
    release.schedule();
    await sleep(300);
    expect(release.stats.releases).toBe(0);

    release.end();
    await sleep(300);
    expect(release.stats.releases).toBe(1);
    expect(release.stats.bytesReleased).toBeGreaterThan(32 * MB);
    expect(process.memoryUsage.rss()).toBeLessThan(grown - 32 * MB);
  } finally {
    release.close();
  }
});

test('leaves a small growth alone', async () => {
  const release = new IdleMemoryRelease({ idleMs: 50, minGrowthBytes: 512 * MB });
  try {
    burstOfGarbage();
    release.schedule();
    await sleep(200);
    expect(release.stats).toEqual({ releases: 0, seconds: 0, bytesReleased: 0 });
  } finally {
    release.close();
  }
});

test('measures the next growth from where the memory settled after a release, not from a reading taken at once', async () => {
  // The resident memory as the process reads it, one reading after another (the last one stays): a release's
  // collection gives part of what it freed back only after it has ended, in the background.
  const readings = [100 * MB];
  const release = new IdleMemoryRelease({ idleMs: 20, minGrowthBytes: 64 * MB, residentBytes: () => (readings.length > 1 ? readings.shift()! : readings[0]) });
  try {
    // A warm-up's harvests grew it to 500 MB; read at once after the collection, 400 MB; settled, 250 MB.
    readings.splice(0, readings.length, 500 * MB, 400 * MB, 250 * MB);
    release.schedule();
    await sleep(60);
    expect(release.stats.releases).toBe(1);
    await sleep(RELEASE_SETTLE_MS + 100);
    expect(release.stats.bytesReleased).toBe(250 * MB);
    // A burst of load: 330 MB, 80 MB above where the memory settled (and below the reading taken at once).
    readings.splice(0, readings.length, 330 * MB, 260 * MB);
    release.begin();
    release.end();
    await sleep(60);
    expect(release.stats.releases).toBe(2);
  } finally {
    release.close();
  }
});
