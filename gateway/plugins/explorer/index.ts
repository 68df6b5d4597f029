/**
 * The cohort explorer: a page on EUCAIM's own Lens web components (`@samply/lens`), served by the gateway from
 * local files, and the Spot-compatible endpoint its `querySpot` client streams results from, one per repository.
 *
 *   GET  /explorer                   the page (page.ts, client/explorer.js)
 *   GET  /explorer/assets/<v>/...    Lens's bundle and the page's script (assets.ts)
 *   POST /explorer/translate         {"ast"} → the filter groups and the GraphQL operations stating them, or 400
 *                                    naming the part of the query that cannot be translated (lens-ast.ts)
 *   POST /explorer/spot/beam         a Spot task; GET /explorer/spot/beam/<id> its results (spot.ts)
 *
 * The gateway admits Spot submissions as it admits GraphQL requests (authentication, rate limits, fair admission)
 * and hands them over with the caller's context; everything else here is static or pure, like GraphiQL's files.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FederationConfig } from '../../../config/federation-config';
import type { RequestContext } from '../../../subgraphs/sdk/context';
import type { ReleaseTally } from '../../../subgraphs/sdk/release-tally';
import { EXPLORER_ASSETS_PATH, serveExplorerAsset } from './assets';
import { explorerCatalogue, explorerLensOptions } from './catalogue';
import { LensQueryError, translateLensAst } from './lens-ast';
import { cohortOperation, manifestOperation } from './operations';
import { EXPLORER_PAGE_CSP, renderExplorerPage } from './page';
import { createSpotEndpoint, type SpotEndpoint } from './spot';

export { translateLensAst, LensQueryError, type TranslatedQuery, type FilterGroup } from './lens-ast';
export { createSpotEndpoint, decodeSpotQuery, SPOT_BASE_PATH, type SpotEndpoint, type SpotResult } from './spot';
export { cohortOperation, manifestOperation } from './operations';
export { EXPLORER_ASSETS_PATH } from './assets';

export const EXPLORER_PATH = '/explorer';

export interface ExplorerOptions {
  /** The federation now (it follows config reloads). */
  config: () => FederationConfig;
  /** Where GraphiQL and GraphQL are, e.g. "/graphql". */
  graphqlPath: string;
  /** A bearer token the page starts with (the demo issuer's, while it is trusted). */
  authorization?: () => string | undefined;
  /** Records the Spot endpoint read for a caller without releasing them (a union counted from case lists). */
  auditReads?: (context: RequestContext, reads: ReleaseTally) => void;
}

export interface Explorer {
  /** Answers the page, its files, translations and Spot streams; false for other requests. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** Spot submissions, which the gateway admits and hands over with the caller's context. */
  spot: SpotEndpoint;
}

export function createExplorer(options: ExplorerOptions): Explorer {
  const spot = createSpotEndpoint(undefined, options.auditReads);
  return {
    spot,
    handle(req, res) {
      const path = (req.url ?? '/').split('?')[0];
      if (path !== EXPLORER_PATH && !path.startsWith(`${EXPLORER_PATH}/`)) return false;
      if (spot.stream(req, res)) return true;
      if (spot.isSubmission(req)) return false;
      if ((req.method === 'GET' || req.method === 'HEAD') && serveExplorerAsset(req, res, path)) return true;
      if ((req.method === 'GET' || req.method === 'HEAD') && (path === EXPLORER_PATH || path === `${EXPLORER_PATH}/`)) {
        const config = options.config();
        const token = options.authorization?.()?.replace(/^Bearer /, '');
        const page = Buffer.from(renderExplorerPage({
          assetsPath: EXPLORER_ASSETS_PATH,
          graphqlPath: options.graphqlPath,
          catalogue: explorerCatalogue(config),
          lensOptions: explorerLensOptions(config),
          repositories: config.repositories.map((r) => ({ id: r.id, name: r.name, country: r.country, institution: r.institution, apiKind: r.apiKind })),
          ...(token ? { authorization: token } : {}),
        }));
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8', 'content-length': page.length, 'cache-control': 'no-store',
          'content-security-policy': EXPLORER_PAGE_CSP, 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer',
        });
        res.end(req.method === 'HEAD' ? undefined : page);
        return true;
      }
      if (req.method === 'POST' && path === `${EXPLORER_PATH}/translate`) {
        void translate(req, res);
        return true;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `not found: the explorer is at ${EXPLORER_PATH}` }));
      return true;
    },
  };
}

async function translate(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > 256 * 1024) return send(413, { error: 'the body is over 256 KiB', code: 'BAD_REQUEST' });
      chunks.push(chunk as Buffer);
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { ast?: unknown };
    const query = translateLensAst(body.ast);
    send(200, { ...query, cohort: cohortOperation(query), manifest: manifestOperation(query) });
  } catch (error) {
    if (error instanceof LensQueryError) return send(400, { error: error.message, part: error.part, code: 'BAD_USER_INPUT' });
    send(400, { error: `the body must be {"ast": <a Lens AST>}: ${(error as Error).message}`, code: 'BAD_REQUEST' });
  }
}
