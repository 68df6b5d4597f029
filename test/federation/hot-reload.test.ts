/**
 * A change to the federation config recomposes and swaps the supergraph without a restart and without dropping
 * in-flight requests; a bad config is refused with a clear error and the old federation stays.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFederationConfig } from '../../config/federation-config';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL } from '../support/federation';

const entry = (id: string, country: string, apiKind: string, seed: number) => ({
  id, name: `Test ${id}`, country, institution: 'Test', apiKind, endpoint: 'simulator', timeoutMs: 5000,
  simulate: { seed, cases: 30, subjectPrefix: id.slice(0, 2).toUpperCase() }, collections: [{ id: 'LUNG', name: 'Lung', cancerSite: 'LUNG' }],
});
const A = [entry('de-one', 'DE', 'dicomweb', 1), entry('es-two', 'ES', 'eucaim-mediator', 2)];
const B = [...A, entry('pt-three', 'PT', 'nbia', 3)];

describe('hot reload of the federation config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'reload-'));
  const path = join(dir, 'federation.json');
  let demo: RunningDemo;
  let gateway: RunningGateway;
  const ids = async () => {
    const { body } = await postGraphQL(gateway.url, '{ repositories { id } }');
    return (body.data?.repositories as Array<{ id: string }>).map((r) => r.id);
  };
  const until = async (condition: () => Promise<boolean>) => {
    for (const started = Date.now(); Date.now() - started < 10_000;) {
      if (await condition()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('condition not reached within 10 s');
  };

  beforeAll(async () => {
    writeFileSync(path, JSON.stringify({ repositories: A }));
    demo = await startDemoSimulators(loadFederationConfig(path, ADAPTER_KINDS));
    gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, watchConfigPath: path, prepareConfig: demo.prepare });
  });

  afterAll(async () => {
    await gateway?.close();
    await demo?.close();
  });

  it('swaps in an added repository while requests run, dropping none', async () => {
    expect(await ids()).toEqual(['de-one', 'es-two']);
    // A slow repository keeps one request in flight across the swap.
    demo.simulators.get('es-two')!.faults.latencyMs = 600;
    const inFlight = postGraphQL(gateway.url, '{ repositories { id cohort { subjects } } }');
    const background: Array<Promise<number>> = [];
    const ticker = setInterval(() => background.push(postGraphQL(gateway.url, '{ repositories { id cohort(where: {sex: [FEMALE]}) { subjects } } }')
      .then(({ status, body }) => (status === 200 && !body.errors ? 1 : 0))), 40);
    writeFileSync(path, JSON.stringify({ repositories: B }));
    await until(async () => (await ids()).length === 3);
    // Requests before, during and right after the swap (the swap alone may take less than a few ticks).
    await until(async () => background.length > 3);
    clearInterval(ticker);
    const { status, body } = await inFlight;
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect((body.data?.repositories as Array<{ cohort: { subjects: number } }>).map((r) => r.cohort.subjects)).toEqual([30, 30]);
    const outcomes = await Promise.all(background);
    expect(outcomes.length).toBeGreaterThan(3);
    expect(outcomes.every((ok) => ok === 1)).toBe(true);
    demo.simulators.get('es-two')!.faults.latencyMs = 0;
    const { body: after } = await postGraphQL(gateway.url, '{ repository(id: "pt-three") { cohort { subjects } } }');
    expect(after.data?.repository).toEqual({ cohort: { subjects: 30 } });
  });

  it('refuses a bad config with its problems and keeps serving the old one', async () => {
    const generation = gateway.host.generation;
    const outcome = await gateway.host.reload({ ...demo.config, repositories: [...demo.config.repositories, { ...demo.config.repositories[0] }] });
    expect(outcome).toEqual({ ok: false, generation, problems: [expect.stringContaining('de-one')] });
    writeFileSync(path, JSON.stringify({ repositories: [...B, { ...entry('xx-bad', 'XX', 'dicomweb', 9) }] }));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(gateway.host.generation).toBe(generation);
    expect(await ids()).toEqual(['de-one', 'es-two', 'pt-three']);
  });
});

describe('simulators of the demo federation on reload', () => {
  const refused = async (baseUrl: string) => {
    try {
      await postGraphQL(`${new URL(baseUrl).origin}/`, '{ __typename }');
      return false;
    } catch (error) {
      return /ECONNREFUSED/.test(String((error as { code?: string }).code ?? error));
    }
  };

  it('stops the simulators of changed and removed entries once nothing planned against them can still run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retire-'));
    const path = join(dir, 'federation.json');
    writeFileSync(path, JSON.stringify({ repositories: B }));
    const demo = await startDemoSimulators(loadFederationConfig(path, ADAPTER_KINDS), { retireAfterMs: 300 });
    try {
      const before = new Map([...demo.simulators].map(([id, simulator]) => [id, simulator.baseUrl]));
      // es-two changes (another seed), pt-three goes, de-one stays as it is.
      const changed = [A[0], { ...A[1], simulate: { ...A[1].simulate, seed: 99 } }];
      writeFileSync(path, JSON.stringify({ repositories: changed }));
      await demo.prepare(loadFederationConfig(path, ADAPTER_KINDS));
      expect(await refused(before.get('es-two')!)).toBe(false); // still serving requests planned before the swap
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(await refused(before.get('es-two')!)).toBe(true);
      expect(await refused(before.get('pt-three')!)).toBe(true);
      expect(await refused(before.get('de-one')!)).toBe(false);
      expect(demo.simulators.get('de-one')!.baseUrl).toBe(before.get('de-one'));
      expect(demo.simulators.get('es-two')!.baseUrl).not.toBe(before.get('es-two'));
    } finally {
      await demo.close();
    }
  });
});
