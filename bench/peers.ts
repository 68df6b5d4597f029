/**
 * The peer gateways live in bench/peers/ (own package.json, git-ignored node_modules): installed from the npm
 * registry with `npm install --prefix bench/peers` the first time the fan-out scenario needs them. They are never
 * dependencies of the product.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PEERS_DIR = join(__dirname, 'peers');

export function hiveVersion(): string | undefined {
  const manifest = join(PEERS_DIR, 'node_modules', '@graphql-hive', 'gateway', 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}

export function hiveRuntimeVersion(): string | undefined {
  const manifest = join(PEERS_DIR, 'node_modules', '@graphql-hive', 'gateway-runtime', 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : undefined;
}

/** Installs the peers when missing; returns the Hive Gateway version, or why it is not available. */
export function ensurePeers(log: (line: string) => void): { version?: string; problem?: string } {
  const installed = hiveVersion();
  if (installed) return { version: installed };
  log(`installing the peer gateways into ${PEERS_DIR} (first run only, about 30 s) ...`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: ['ignore', 'inherit', 'inherit'], timeout: 600_000,
  });
  const version = hiveVersion();
  if (result.status !== 0 || !version) {
    return { problem: `npm install --prefix bench/peers failed (${result.error?.message ?? `exit ${result.status}`})` };
  }
  return { version };
}
