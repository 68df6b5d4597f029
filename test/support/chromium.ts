/**
 * The machine's Chromium (Debian package "chromium", installed by .ci/run), which every page test drives: checked
 * before a test starts its servers, and launched with the browser's own traffic off.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** No skipping: a page test that silently skips without a browser would let a broken page ship. */
export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: .ci/run installs it (Debian package "chromium"); run .ci/run or install it first.`);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Background networking, component updates, sync and QUIC are the browser's own traffic; off, so that what the
    // machine sends is only what the page asks for.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
