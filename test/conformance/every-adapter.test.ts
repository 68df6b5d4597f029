/**
 * The conformance kit run on every adapter of the repository, each as a standalone HTTP subgraph over its
 * simulator, exactly as a repository owner runs `npm run conformance -- <url>` against theirs.
 */
import { renderReport, runConformance, type CheckResult } from '../../conformance/run';
import { demoDataFor } from '../../simulators/demo-data';
import { SIMULATED_KINDS, startSimulatorFor, type RunningNativeSimulator } from '../../simulators/registry';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { serveRepositorySubgraph, type RunningSubgraph } from '../../subgraphs/sdk/serve';
import { testConfig } from '../support/federation';

describe.each(SIMULATED_KINDS)('conformance of the %s adapter', (apiKind) => {
  let simulator: RunningNativeSimulator;
  let subgraph: RunningSubgraph;
  let results: CheckResult[];

  beforeAll(async () => {
    const [entry] = testConfig([{ id: `xx-${apiKind}`, country: 'FI', apiKind, cases: 150, seed: 77 }]).repositories;
    simulator = await startSimulatorFor(apiKind, demoDataFor(entry), entry.name, { username: 'kit', password: 'kit-secret' });
    const kind = ADAPTER_KINDS.find((k) => k.apiKind === apiKind)!;
    subgraph = await serveRepositorySubgraph({ entry: { ...entry, endpoint: simulator.baseUrl }, kind, port: 0, credentials: 'kit:kit-secret' });
    results = await runConformance(subgraph.url);
  }, 120_000);

  afterAll(async () => {
    await subgraph?.close();
    await simulator?.close();
  });

  it('fails no check', () => {
    const report = renderReport(subgraph.url, results);
    expect(results.filter((r) => r.outcome.status === 'fail').map((r) => `${r.check.name}: ${r.outcome.detail}`)).toEqual([]);
    console.log(report);
  });

  it('runs every check that applies to its granularity', () => {
    const kind = ADAPTER_KINDS.find((k) => k.apiKind === apiKind)!;
    const skipped = results.filter((r) => r.outcome.status === 'skip').map((r) => r.check.area);
    if (kind.granularity === 'RECORD') expect(skipped.filter((area) => area === 'cases' || area === 'errors')).toEqual([]);
    expect(results.filter((r) => r.outcome.status === 'pass').length).toBeGreaterThanOrEqual(10);
  });
});
