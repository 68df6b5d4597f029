/**
 * Health endpoints Apollo Server lacks: /healthz (the process answers) and /readyz (the supergraph is loaded;
 * which repositories it federates and where their subgraphs run).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FederationConfig } from '../../config/federation-config';

export function createHealthHandler(config: FederationConfig, isReady: () => boolean): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const ready = isReady();
      send(res, ready ? 200 : 503, {
        status: ready ? 'ready' : 'starting',
        repositories: config.repositories.map((r) => ({ id: r.id, apiKind: r.apiKind, country: r.country, subgraph: r.subgraph === 'local' ? 'in-process' : r.subgraph })),
      });
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
