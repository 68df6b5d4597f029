/**
 * GraphiQL on the endpoint URL, from local files only. Mounted in front of Apollo Server in the gateway's HTTP
 * server: a browser opening /graphql gets GraphiQL, every GraphQL request passes through untouched.
 *
 *   const graphiql = createGraphiqlHandler();
 *   createServer((req, res) => { if (!graphiql(req, res)) apolloHandler(req, res); });
 *
 * Apollo's own landing page must be disabled (ApolloServerPluginLandingPageDisabled), since it would load the
 * Sandbox from a CDN for the same browser requests if the handler were ever bypassed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { prefersHtml } from './accept';
import { GRAPHIQL_ASSETS_PATH, serveGraphiqlAsset } from './assets';
import { EXAMPLE_OPERATIONS, type ExampleOperation } from './examples';
import { GRAPHIQL_PAGE_CSP, renderGraphiqlPage } from './page';

export { GRAPHIQL_ASSETS_PATH, GRAPHIQL_ASSETS_VERSION, GRAPHIQL_ASSET_FILES } from './assets';
export { EXAMPLE_OPERATIONS, type ExampleOperation } from './examples';
export { GRAPHIQL_PAGE_CSP, renderGraphiqlPage, type GraphiqlPageOptions } from './page';
export { prefersHtml } from './accept';

export interface GraphiqlHandlerOptions {
  /** Path of the GraphQL endpoint, on which GraphiQL is served to browsers. Default "/graphql". */
  endpoint?: string;
  /** Page title. Default "EUCAIM federation · GraphiQL". */
  title?: string;
  /** Tabs GraphiQL opens with. Default EXAMPLE_OPERATIONS. */
  examples?: ExampleOperation[];
  /**
   * The Authorization header for tabs that ask for records (the demo issuer's token, known once the gateway
   * listens); read when the page is first served.
   */
  authorization?: () => string | undefined;
}

/** Returns true when it answered the request, false (having touched nothing) when the caller should handle it. */
export type GraphiqlHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Every versioned asset directory lives under this prefix; the handler owns all of it, so a request for another
 * version (a page cached before an upgrade) or a file off the allow-list gets a 404 here instead of reaching Apollo.
 */
const ASSETS_ROOT = '/graphiql-assets/';

export function createGraphiqlHandler(options: GraphiqlHandlerOptions = {}): GraphiqlHandler {
  const endpoint = options.endpoint ?? '/graphql';
  // A path, not a URL: it is compared with request paths, and the page's CSP only lets GraphiQL talk to its own origin.
  if (!endpoint.startsWith('/')) throw new Error(`GraphiQL endpoint must be a path such as "/graphql", got "${endpoint}"`);
  // Rendered once, when first served: the page depends only on the options, and this keeps the per-request work to
  // a write.
  let rendered: Buffer | undefined;
  const page = () => (rendered ??= Buffer.from(
    renderGraphiqlPage({
      endpoint,
      assetsPath: GRAPHIQL_ASSETS_PATH,
      title: options.title ?? 'EUCAIM federation · GraphiQL',
      examples: options.examples ?? EXAMPLE_OPERATIONS,
      authorization: options.authorization?.(),
    }),
  ));
  const versionedPrefix = `${GRAPHIQL_ASSETS_PATH}/`;

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = requestPath(req.url);
    if (path === undefined) return false;

    if (path.startsWith(ASSETS_ROOT)) {
      // The rest of the path is looked up verbatim in the allow-list: no decoding, no dot-segment resolution,
      // so "../package.json" (or "%2e%2e/...") simply is not a known name.
      const name = path.startsWith(versionedPrefix) ? path.slice(versionedPrefix.length) : '';
      serveGraphiqlAsset(req, res, name);
      return true;
    }

    if (path === endpoint && prefersHtml(req.headers.accept)) {
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Length': page().length,
        // The same URL answers JSON to API clients: caches must key on Accept, and revalidate the page so a
        // new gateway version's asset URLs are picked up.
        Vary: 'Accept',
        'Cache-Control': 'no-cache',
        'Content-Security-Policy': GRAPHIQL_PAGE_CSP,
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
      });
      res.end(req.method === 'HEAD' ? undefined : page());
      return true;
    }
    return false;
  };
}

/**
 * The path part of the request target, without resolving "." / ".." segments (see the asset lookup above).
 * Absolute-form targets ("GET http://host/graphql", sent through proxies) are reduced to their path.
 */
function requestPath(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/')) return url.split(/[?#]/, 1)[0];
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
