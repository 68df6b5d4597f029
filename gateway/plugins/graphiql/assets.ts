/**
 * The static files the GraphiQL page loads, served straight from node_modules so that nothing is fetched from a
 * CDN. Only the files named here are served: the URL's file name is looked up in an allow-list, never joined onto
 * a directory, so no request path (../, encoded or not) can reach any other file.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';

const gzip = promisify(gzipCallback);

/** File names as they appear in asset URLs (and in the page that references them). */
export const GRAPHIQL_ASSET_FILES = {
  react: 'react.production.min.js',
  reactDom: 'react-dom.production.min.js',
  graphiql: 'graphiql.min.js',
  graphiqlCss: 'graphiql.min.css',
} as const;

// Resolved through each package's package.json (react's "exports" hide umd/ from require.resolve, and
// package.json is exported by all three) so the paths are right whatever the process's cwd.
function packageDir(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

function packageVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(name), 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Part of every asset URL. It changes whenever one of the packages does, which is what lets the assets be cached
 * as immutable: an upgraded gateway serves its files under a new URL instead of relying on revalidation.
 */
export const GRAPHIQL_ASSETS_VERSION = ['graphiql', 'react', 'react-dom'].map(packageVersion).join('-');

/** URL prefix of the assets, e.g. "/graphiql-assets/3.8.3-18.3.1-18.3.1". */
export const GRAPHIQL_ASSETS_PATH = `/graphiql-assets/${GRAPHIQL_ASSETS_VERSION}`;

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

interface Asset {
  path: string;
  contentType: string;
}

const ALLOWED = new Map<string, Asset>([
  [GRAPHIQL_ASSET_FILES.react, { path: join(packageDir('react'), 'umd', 'react.production.min.js'), contentType: JS }],
  [
    GRAPHIQL_ASSET_FILES.reactDom,
    { path: join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'), contentType: JS },
  ],
  [GRAPHIQL_ASSET_FILES.graphiql, { path: join(packageDir('graphiql'), 'graphiql.min.js'), contentType: JS }],
  [GRAPHIQL_ASSET_FILES.graphiqlCss, { path: join(packageDir('graphiql'), 'graphiql.min.css'), contentType: CSS }],
]);

interface LoadedAsset {
  raw: Buffer;
  gzipped: Buffer;
}

/**
 * Files are read and gzipped once, on first request, and kept in memory (about 4 MB raw). graphiql.min.js is in fact
 * an unminified 3.5 MB bundle; gzip brings it to well under 1 MB for hospitals that reach the gateway over a LAN.
 */
const loaded = new Map<string, Promise<LoadedAsset>>();

function load(name: string, asset: Asset): Promise<LoadedAsset> {
  let pending = loaded.get(name);
  if (!pending) {
    pending = readFile(asset.path).then(async (raw) => ({ raw, gzipped: await gzip(raw) }));
    // A failed read (broken install) is not remembered, so fixing node_modules needs no restart.
    pending.catch(() => loaded.delete(name));
    loaded.set(name, pending);
  }
  return pending;
}

/** Whether `name` is one of the served files. */
export function isGraphiqlAsset(name: string): boolean {
  return ALLOWED.has(name);
}

/**
 * Answers a GET or HEAD for the asset `name` (the URL's path after GRAPHIQL_ASSETS_PATH + "/"):
 * 200 with the file, or 404 when the name is not on the allow-list.
 */
export function serveGraphiqlAsset(req: IncomingMessage, res: ServerResponse, name: string): void {
  const asset = ALLOWED.get(name);
  if (!asset) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
    res.end(req.method === 'HEAD' ? undefined : 'Not found\n');
    return;
  }
  load(name, asset).then(
    (file) => {
      const useGzip = acceptsGzip(req.headers['accept-encoding']);
      const body = useGzip ? file.gzipped : file.raw;
      res.writeHead(200, {
        'Content-Type': asset.contentType,
        'Content-Length': body.length,
        ...(useGzip ? { 'Content-Encoding': 'gzip' } : {}),
        // A year, and immutable: the version in the path changes whenever the content does.
        'Cache-Control': 'public, max-age=31536000, immutable',
        Vary: 'Accept-Encoding',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    (error: unknown) => {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : `Cannot read GraphiQL asset ${name}: ${String(error)}\n`);
    },
  );
}

/** True when Accept-Encoding lists gzip (or *) with a non-zero quality. */
function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
