/**
 * The path a repository owner walks: run the repository's subgraph as its own process (npm run subgraph),
 * register its URL in the federation config, recompose, and query it through the gateway beside the others.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { demoDataFor } from '../../simulators/demo-data';
import { toUnifiedCases } from '../support/ground-truth';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL } from '../support/federation';

const ROOT = join(__dirname, '..', '..');

const entries = [
  { id: 'de-local', name: 'Local PACS', country: 'DE', institution: 'A', apiKind: 'dicomweb', endpoint: 'simulator',
    simulate: { seed: 5, cases: 40, subjectPrefix: 'LO' }, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }] },
  { id: 'nl-provider', name: 'Provider archive', country: 'NL', institution: 'B', apiKind: 'nbia', endpoint: 'simulator',
    simulate: { seed: 6, cases: 50, subjectPrefix: 'PR' }, collections: [{ id: 'BREAST', name: 'Breast', cancerSite: 'BREAST' }] },
];

describe('a repository subgraph running as its own process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'standalone-'));
  let child: ChildProcess;
  let demo: RunningDemo;
  let gateway: RunningGateway;
  let subgraphUrl: string;

  beforeAll(async () => {
    const providerConfig = join(dir, 'provider.json');
    writeFileSync(providerConfig, JSON.stringify({ repositories: entries }));
    child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/subgraph.ts', 'nl-provider', '--config', providerConfig, '--port', '0'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    subgraphUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`subgraph not listening after 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/\S+\/graphql)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`subgraph exited with ${code}:\n${output}`)));
    });
    // Register it: the same entry, now pointing at the standalone subgraph, and recompose.
    const federationConfig = join(dir, 'federation.json');
    writeFileSync(federationConfig, JSON.stringify({ repositories: [entries[0], { ...entries[1], subgraph: subgraphUrl }] }));
    demo = await startDemoSimulators(loadFederationConfig(federationConfig, ADAPTER_KINDS));
    gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('answers through the gateway beside the in-process repository', async () => {
    const { body } = await postGraphQL(gateway.url, '{ repositories { id cohort(where: {sex: [FEMALE]}) { subjects exact } } }');
    expect(body.errors).toBeUndefined();
    const truth = (index: number) => toUnifiedCases(demoDataFor(loadFederationConfig(join(dir, 'federation.json'), ADAPTER_KINDS).repositories[index]))
      .filter((c) => c.sex === 'FEMALE').length;
    expect(body.data?.repositories).toEqual([
      { id: 'de-local', cohort: { subjects: truth(0), exact: true } },
      { id: 'nl-provider', cohort: { subjects: truth(1), exact: true } },
    ]);
  });

  it('lists the remote repository\'s cases with their studies', async () => {
    const { body } = await postGraphQL(gateway.url, '{ repository(id: "nl-provider") { cases(first: 3) { totalCount nodes { id studies { uid } } } } }');
    expect(body.errors).toBeUndefined();
    const cases = (body.data?.repository as { cases: { totalCount: number; nodes: Array<{ id: string; studies: unknown[] }> } }).cases;
    expect(cases.totalCount).toBe(50);
    expect(cases.nodes.map((n) => n.id)).toEqual(['nl-provider/PR-BREAST-0001', 'nl-provider/PR-BREAST-0002', 'nl-provider/PR-BREAST-0003']);
    expect(cases.nodes.every((n) => n.studies.length > 0)).toBe(true);
  });

  it('started no simulator for the remote repository in the gateway process', () => {
    expect([...demo.simulators.keys()]).toEqual(['de-local']);
  });
});
