/**
 * CORS for the GraphQL endpoint (Fetch standard §3.2, "CORS protocol"): portals on the origins of the allow-list
 * (config `cors`, gateway/plugins/http/cors-config.ts) may call the gateway from their pages; every other origin gets no
 * CORS header, so browsers refuse to send (preflighted requests) or to show (simple ones) anything to its page.
 *
 * Callers authenticate with bearer tokens, never cookies: no Access-Control-Allow-Credentials, so a browser never
 * attaches the gateway's cookies to a cross-origin call (the one cookie it sets, a Spot stream's, is SameSite=Strict
 * besides: explorer/spot.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig } from './cors-config';

/** What portals' GraphQL clients send: JSON bodies, bearer tokens, and Apollo's CSRF-prevention headers. */
export const CORS_ALLOWED_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name'];
export const CORS_ALLOWED_METHODS = ['GET', 'POST'];
/** How long a browser may reuse a preflight answer: short, so that a change of the allow-list takes effect soon. */
export const CORS_MAX_AGE_SECONDS = 600;
/** Headers of the gateway's refusals a portal needs to read: when to retry (429), why a token was refused (401). */
const EXPOSED_HEADERS = ['retry-after', 'www-authenticate'];

/**
 * The header Apollo Server's CSRF prevention accepts as proof that the browser sent a preflight. A request from an
 * allowed origin carries it (set here) so that clients whose defaults send a simple GET (urql) are served: a
 * browser sets the Origin header itself and never lets a page forge it, so such a request comes from the portal.
 */
const CSRF_PREFLIGHT_HEADER = 'apollo-require-preflight';

/**
 * Answers a preflight, or adds the CORS headers to a request's answer. Returns true when the request was answered
 * (a preflight); false when it goes on to the GraphQL handler.
 */
export function createCorsHandler(config: () => CorsConfig | undefined): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const origin = req.headers.origin;
    if (origin === undefined) return false;
    res.setHeader('vary', 'Origin');
    const allowed = config()?.allowedOrigins.includes(origin) ?? false;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (preflight) {
      if (!allowed) {
        // No CORS header: the browser refuses the call. The origin is not echoed (errors never repeat caller values).
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'this origin is not in the gateway\'s CORS allow-list ("cors.allowedOrigins" in the federation config)' }));
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': CORS_ALLOWED_METHODS.join(', '),
        'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
      });
      res.end();
      return true;
    }
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
      if (req.headers[CSRF_PREFLIGHT_HEADER] === undefined) req.headers[CSRF_PREFLIGHT_HEADER] = 'cors-allowed-origin';
    }
    return false;
  };
}
