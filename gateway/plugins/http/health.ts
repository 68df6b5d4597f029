/**
 * Health endpoints Apollo Server lacks: /healthz (the process answers) and /readyz (the supergraph is loaded;
 * which repositories it federates, where their subgraphs run, and how each is doing: state OK / FAILED /
 * TIMED_OUT / CIRCUIT_OPEN / UNKNOWN, last error code, last latency, since when). A repository that is down does
 * not make the gateway unready: the gateway still answers, with that repository's fields null and an error.
 * While adapters harvest their indexes after start (gateway/warm-up.ts), /readyz answers 503 `warming`, naming
 * them: ready means warm.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FederationConfig } from '../../../config/federation-config';
import { getRepositoryStatus, type RepositoryState, type RepositoryStatus } from '../resilience/repository-status';
import type { RepositoryWarmUp } from '../../warm-up';

export function createHealthHandler(
  config: FederationConfig | (() => FederationConfig),
  isReady: () => boolean,
  statusOf: (repositoryId: string) => RepositoryStatus | undefined = getRepositoryStatus,
  warmUpOf: (repositoryId: string) => RepositoryWarmUp | undefined = () => undefined,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const current = typeof config === 'function' ? config : () => config;
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/healthz') {
      send(res, 200, { status: 'ok' });
      return true;
    }
    if (path === '/readyz') {
      const started = isReady();
      const states: Partial<Record<RepositoryState, number>> = {};
      const warming: string[] = [];
      const repositories = current().repositories.map((r) => {
        const { repositoryId: _, ...status } = statusOf(r.id) ?? { repositoryId: r.id, state: 'UNKNOWN' as const };
        states[status.state] = (states[status.state] ?? 0) + 1;
        const warmUp = warmUpOf(r.id);
        if (warmUp?.state === 'WARMING') warming.push(r.id);
        return {
          id: r.id, apiKind: r.apiKind, country: r.country, subgraph: r.subgraph === 'local' ? 'in-process' : r.subgraph, ...status,
          ...(warmUp ? { warmUp } : {}),
        };
      });
      const ready = started && warming.length === 0;
      send(res, ready ? 200 : 503, { status: ready ? 'ready' : started ? 'warming' : 'starting', warming, states, repositories });
      return true;
    }
    return false;
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
