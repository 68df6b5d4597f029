/**
 * The Europe-wide answers do not bypass the gateway: the europe subgraph holds no adapter and no data source, and
 * asks every repository through the gateway's own request pipeline. Shown with a repository whose subgraph runs
 * as a standalone server behind a counting proxy: the gateway process has no adapter for it, so its numbers can
 * only come through the gateway's remote data source (with that repository's timeout), and a repository excluded
 * by `repositories:` receives nothing.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { demoDataFor } from '../../simulators/demo-data';
import { startSimulatorFor, type RunningNativeSimulator } from '../../simulators/registry';
import { cohortOf } from '../../subgraphs/sdk/evaluate';
import type { SimulatedRepositoryEntry } from '../../subgraphs/sdk/entry';
import { normaliseFilter } from '../../subgraphs/sdk/filter';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { nbiaKind } from '../../subgraphs/nbia';
import { europeConfig, matchingCases, startEuropeFederation, type EuropeTestFederation, type EuropeTestRepository } from './support';

/** Forwards to the subgraph and counts what it forwards; `hang` makes it accept and never answer. */
async function countingProxy(target: string) {
  const seen: string[] = [];
  const state = { hang: false };
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push(body.toString('utf8'));
      if (state.hang) return;
      const forward = httpRequest({ host: upstream.hostname, port: upstream.port, path: upstream.pathname, method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    seen,
    state,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('Europe-wide answers go through the gateway', () => {
  const local: EuropeTestRepository = { id: 'de-local', country: 'DE', apiKind: 'dicomweb', cases: 30 };
  const remote: EuropeTestRepository = { id: 'nl-remote', country: 'NL', apiKind: 'nbia', cases: 35, timeoutMs: 1500 };
  let simulator: RunningNativeSimulator;
  let subgraph: RunningSubgraph;
  let proxy: Awaited<ReturnType<typeof countingProxy>>;
  let federation: EuropeTestFederation;

  beforeAll(async () => {
    // The provider's side: its native API and its standalone subgraph (as `npm run subgraph` runs it).
    const entry = europeConfig([local, remote]).repositories[1] as SimulatedRepositoryEntry;
    simulator = await startSimulatorFor('nbia', demoDataFor(entry), entry.name);
    subgraph = await serveRepositorySubgraph({ entry: { ...entry, endpoint: simulator.baseUrl }, kind: nbiaKind, port: 0 });
    proxy = await countingProxy(subgraph.url);
    // The federation's side: the remote repository registered by its subgraph URL.
    federation = await startEuropeFederation([local, { ...remote, subgraph: proxy.url }]);
  }, 60_000);

  afterAll(async () => {
    await federation?.close();
    await proxy?.close();
    await subgraph?.close();
    await simulator?.close();
  });

  afterEach(() => {
    proxy.state.hang = false;
  });

  it('counts the remote repository through its subgraph, the only way the gateway process can reach it', async () => {
    expect(federation.gateway.federation.adapters.has('nl-remote')).toBe(false);
    proxy.seen.length = 0;
    const { body } = await federation.query('{ cohort(where: {modalities: [CT]}) { complete total { subjects } repositories { repositoryId cohort { subjects } status { state } } } }');
    expect(body.errors).toBeUndefined();
    const cohort = body.data?.cohort as { complete: boolean; total: { subjects: number }; repositories: Array<{ repositoryId: string; cohort: { subjects: number } }> };
    expect(cohort.complete).toBe(true);
    const truth = (id: string) => cohortOf(federation.truth(id), normaliseFilter({ modalities: ['CT'] }, id), { applied: ['MODALITIES'], notApplied: [] }).subjects;
    expect(cohort.repositories.map((r) => [r.repositoryId, r.cohort.subjects])).toEqual([['de-local', truth('de-local')], ['nl-remote', truth('nl-remote')]]);
    expect(cohort.total.subjects).toBe(truth('de-local')! + truth('nl-remote')!);
    // What reached the remote subgraph is the gateway's entity fetch (the query planner's), nothing else.
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toContain('_entities');
    expect(proxy.seen[0]).toContain('NlRemoteRepository');
  });

  it('lists the remote repository\'s cases in the Europe-wide walk', async () => {
    const { body } = await federation.query('{ cases(first: 500) { pageInfo { hasNextPage } nodes { id } } }');
    const ids = (body.data?.cases as { nodes: Array<{ id: string }> }).nodes.map((n) => n.id);
    expect(ids.filter((id) => id.startsWith('nl-remote/')).sort()).toEqual(matchingCases(federation.truth('nl-remote'), {}).map((c) => c.id).sort());
  });

  it('sends nothing to a repository that `repositories:` leaves out', async () => {
    proxy.seen.length = 0;
    simulator.resetCounts();
    federation.simulator('de-local').resetCounts();
    for (const query of [
      '{ cohort(repositories: {countries: ["DE"]}) { total { subjects } } }',
      '{ cases(repositories: {ids: ["de-local"]}, first: 5) { nodes { id studies { uid } } } }',
      '{ manifest(repositories: {apiKinds: ["dicomweb"]}, maxSeries: 20) { seriesCount } }',
    ]) {
      const { body } = await federation.query(query);
      expect(body.errors).toBeUndefined();
    }
    expect(proxy.seen).toHaveLength(0);
    expect(simulator.requests.total).toBe(0);
    expect(federation.simulator('de-local').requests.total).toBeGreaterThan(0);
  });

  it('applies the gateway\'s timeout for the remote repository', async () => {
    proxy.state.hang = true;
    const started = Date.now();
    const { body } = await federation.query('{ cohort { complete total { subjects } repositories { repositoryId status { state code latencyMs } } } }');
    expect(Date.now() - started).toBeLessThan(5000);
    const cohort = body.data?.cohort as { complete: boolean; repositories: Array<{ repositoryId: string; status: { state: string; code: string; latencyMs: number } }> };
    expect(cohort.complete).toBe(false);
    expect(cohort.repositories[1]).toMatchObject({ repositoryId: 'nl-remote', status: { state: 'TIMED_OUT', code: 'REPOSITORY_TIMEOUT' } });
    expect(cohort.repositories[1].status.latencyMs).toBeGreaterThanOrEqual(1400);
    expect(cohort.repositories[0].status.state).toBe('OK');
  });
});
