/**
 * The explorer's static files, from local files only (hospitals run offline): Lens's prebuilt bundle and style
 * sheet from node_modules/@samply/lens, and the page's own script and style beside this file (client/). As for
 * GraphiQL's assets (gateway/plugins/graphiql/assets.ts), a request names a file of an allow-list, never a path joined
 * onto a directory, and URLs carry Lens's version so the files can be cached as immutable.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

// The package exports only its bundle and style sheet (not package.json): found through the bundle's path.
const lensDir = dirname(require.resolve('@samply/lens'));
const clientDir = join(__dirname, 'client');

export const LENS_VERSION = (JSON.parse(readFileSync(join(dirname(lensDir), 'package.json'), 'utf8')) as { version: string }).version;
export const EXPLORER_ASSETS_PATH = `/explorer/assets/${LENS_VERSION}`;

const JS = 'text/javascript; charset=utf-8';
const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  'lens.js': { path: join(lensDir, 'lens.js'), type: JS },
  'lens.css': { path: join(lensDir, 'lens.css'), type: 'text/css; charset=utf-8' },
  'explorer.js': { path: join(clientDir, 'explorer.js'), type: JS },
  'explorer.css': { path: join(clientDir, 'explorer.css'), type: 'text/css; charset=utf-8' },
};

const loaded = new Map<string, Buffer>();

/** Serves `/explorer/assets/...`; false for other paths. */
export function serveExplorerAsset(req: IncomingMessage, res: ServerResponse, path: string): boolean {
  if (!path.startsWith('/explorer/assets/')) return false;
  const name = path.startsWith(`${EXPLORER_ASSETS_PATH}/`) ? path.slice(EXPLORER_ASSETS_PATH.length + 1) : '';
  const file = Object.prototype.hasOwnProperty.call(FILES, name) ? FILES[name] : undefined;
  if (!file) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('no such explorer asset');
    return true;
  }
  let body = loaded.get(name);
  if (!body) {
    body = readFileSync(file.path);
    loaded.set(name, body);
  }
  res.writeHead(200, {
    'content-type': file.type,
    'content-length': body.length,
    // The page's own files change with the gateway, not with Lens's version: revalidated; Lens's are immutable.
    'cache-control': name.startsWith('lens.') ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
