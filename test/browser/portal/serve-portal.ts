/**
 * Serves the portal page (portal-page.ts, bundled by esbuild now, as a portal's build would) on a loopback origin
 * of its own, so that the gateway is another origin and the browser applies CORS.
 */
import { build } from 'esbuild';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface PortalServer {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  close(): Promise<void>;
}

/** The page's script, bundled for browsers; shared by every portal server of a test file. */
export async function bundlePortalPage(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, 'portal-page.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export async function servePortal(script: string): Promise<PortalServer> {
  const html = '<!doctype html><html><head><meta charset="utf-8"><title>Portal</title></head><body><script src="/portal.js"></script></body></html>';
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/portal.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
