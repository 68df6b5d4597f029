/**
 * Ready means warm: while adapters harvest their indexes after start (gateway/warm-up.ts), /readyz answers 503
 * `warming` and names them, so a load balancer or Kubernetes sends no traffic to a gateway still paying for its
 * harvests; once every harvest has ended it answers 200. A repository whose harvest fails does not keep the gateway
 * unready. Count-only repositories have nothing to harvest and show no warm-up.
 */
import { request } from 'undici';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import * as federationModule from '../../gateway/federation';
import type { Federation } from '../../gateway/federation';
import { startGateway, type RunningGateway } from '../../gateway/server';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { testConfig } from '../support/federation';

interface Readyz {
  status: string;
  warming: string[];
  repositories: Array<{ id: string; warmUp?: { state: string; ms: number | null } }>;
}

async function readyz(gateway: RunningGateway): Promise<{ status: number; body: Readyz }> {
  const response = await request(`${gateway.origin}/readyz`);
  return { status: response.statusCode, body: (await response.body.json()) as Readyz };
}

let demo: RunningDemo;
let gateway: RunningGateway | undefined;

beforeAll(async () => {
  demo = await startDemoSimulators(testConfig([
    { id: 'cz-xnat', country: 'CZ', apiKind: 'xnat' },
    { id: 'at-down', country: 'AT', apiKind: 'xnat' },
    { id: 'es-count', country: 'ES', apiKind: 'eucaim-mediator' },
  ]));
});

afterAll(async () => {
  await gateway?.close();
  await demo?.close();
});

test('answers 503 "warming" naming the harvesting repositories, then 200 once every harvest has ended, a failed one included', async () => {
  // Each XNAT listing takes 300 ms, so the harvest lasts a while; the other XNAT server is down.
  demo.simulators.get('cz-xnat')!.faults.latencyMs = 300;
  demo.simulators.get('at-down')!.faults.down = true;
  gateway = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });

  const early = await readyz(gateway);
  expect(early.status).toBe(503);
  expect(early.body.status).toBe('warming');
  expect(early.body.warming).toContain('cz-xnat');
  const byId = (body: Readyz, id: string) => body.repositories.find((r) => r.id === id)!;
  expect(byId(early.body, 'cz-xnat').warmUp).toEqual({ state: 'WARMING', ms: null });
  expect(byId(early.body, 'es-count').warmUp).toBeUndefined();

  const failures = await gateway.warmedUp;
  expect(failures).toEqual([expect.stringContaining('[at-down] warm-up failed')]);
  const warm = await readyz(gateway);
  expect(warm.status).toBe(200);
  expect(warm.body).toMatchObject({ status: 'ready', warming: [] });
  expect(byId(warm.body, 'cz-xnat').warmUp).toEqual({ state: 'WARM', ms: expect.any(Number) });
  expect(byId(warm.body, 'cz-xnat').warmUp!.ms).toBeGreaterThanOrEqual(300);
  expect(byId(warm.body, 'at-down').warmUp?.state).toBe('FAILED');
});

test('a reloaded config is warmed before it serves: the first query after the reload harvests nothing', async () => {
  demo.simulators.get('at-down')!.faults.down = false;
  delete demo.simulators.get('cz-xnat')!.faults.latencyMs;
  gateway ??= await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });
  await gateway.warmedUp;
  const generation = gateway.host.generation;
  // A changed name: every adapter of the new generation is a new one, with an index of its own to harvest.
  const outcome = await gateway.host.reload({ ...demo.config, repositories: demo.config.repositories.map((r) => ({ ...r, name: `${r.name} (renamed)` })) });
  expect(outcome).toEqual({ ok: true, generation: generation + 1 });
  demo.simulators.forEach((simulator) => simulator.resetCounts());
  const response = await request(gateway.url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ repository(id: "cz-xnat") { name cohort { subjects } } }' }),
  });
  const body = await response.body.json() as { data: { repository: { name: string; cohort: { subjects: number } } } };
  expect(body.data.repository.name).toContain('(renamed)');
  expect(body.data.repository.cohort.subjects).toBeGreaterThan(0);
  // Answered from the index harvested before the swap (an XNAT cohort is counted on its index only).
  expect(demo.simulators.get('cz-xnat')!.requests.total).toBe(0);
  const ready = await readyz(gateway);
  expect(ready.status).toBe(200);
  expect(ready.body.repositories.find((r) => r.id === 'cz-xnat')!.warmUp?.state).toBe('WARM');
});

test('a reload keeps the adapters of unchanged repositories, warm: only the changed one harvests again, and retiring the old generation closes only what is no longer used', async () => {
  gateway ??= await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });
  await gateway.warmedUp;
  const before = gateway.host.current;
  demo.simulators.forEach((simulator) => simulator.resetCounts());
  const config = before.config;
  const outcome = await gateway.host.reload({ ...config, repositories: config.repositories.map((r) => (r.id === 'at-down' ? { ...r, timeoutMs: r.timeoutMs + 1 } : r)) });
  expect(outcome.ok).toBe(true);
  const after = gateway.host.current;
  expect(after).not.toBe(before);
  expect(after.adapters.get('cz-xnat')).toBe(before.adapters.get('cz-xnat'));
  expect(after.adapters.get('at-down')).not.toBe(before.adapters.get('at-down'));
  // Warmed before the swap: the changed repository harvested again, the unchanged one was not asked at all.
  expect(demo.simulators.get('at-down')!.requests.total).toBeGreaterThan(0);
  expect(demo.simulators.get('cz-xnat')!.requests.total).toBe(0);

  const kept = after.adapters.get('cz-xnat')!;
  const replaced = before.adapters.get('at-down')!;
  const keptClose = jest.spyOn(kept, 'close');
  const replacedClose = jest.spyOn(replaced, 'close');
  await before.close(); // what retiring does once the old generation's calls can no longer be running
  expect(replacedClose).toHaveBeenCalledTimes(1);
  expect(keptClose).not.toHaveBeenCalled();
  const response = await request(gateway.url, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ repository(id: "cz-xnat") { cohort { subjects } } }' }),
  });
  expect(((await response.body.json()) as { data: { repository: { cohort: { subjects: number } } } }).data.repository.cohort.subjects).toBeGreaterThan(0);
});

test('a gateway closed while a reloaded config warms closes that config\'s new adapters too, and the reload says it never served', async () => {
  demo.simulators.forEach((simulator) => Object.keys(simulator.faults).forEach((key) => delete simulator.faults[key as keyof typeof simulator.faults]));
  const own = await startGateway({ config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true });
  await own.warmedUp;
  // The changed repository's harvest takes seconds: the gateway closes during its warm-up.
  demo.simulators.get('cz-xnat')!.faults.latencyMs = 3000;
  const warming = new Promise<Federation>((resolve) => {
    const warmBeforeSwap = own.host.warmBeforeSwap!;
    own.host.warmBeforeSwap = (next) => {
      resolve(next);
      return warmBeforeSwap(next);
    };
  });
  const config = own.host.current.config;
  const reload = own.host.reload({ ...config, repositories: config.repositories.map((r) => (r.id === 'cz-xnat' ? { ...r, timeoutMs: r.timeoutMs + 1 } : r)) });
  const next = await warming;
  const fresh = next.adapters.get('cz-xnat')!;
  expect(fresh).not.toBe(own.host.current.adapters.get('cz-xnat'));
  const freshClose = jest.spyOn(fresh, 'close');
  await own.close();
  expect(freshClose).toHaveBeenCalledTimes(1);
  expect(await reload).toMatchObject({ ok: false, problems: ['the gateway closed before the reloaded config could serve'] });
  delete demo.simulators.get('cz-xnat')!.faults.latencyMs;
});

test('a gateway closed while a reloaded config is being prepared closes the federation built from it, before it harvests', async () => {
  let prepared!: () => void;
  const preparing = new Promise<void>((resolve) => (prepared = resolve));
  const own = await startGateway({
    config: demo.config, kinds: ADAPTER_KINDS, port: 0, warmUp: true,
    // The demo's prepare starts simulators; this one waits for the test.
    prepareConfig: async (config) => {
      await preparing;
      return config;
    },
  });
  await own.warmedUp;
  const built: Federation[] = [];
  const originalBuild = federationModule.buildFederation;
  const build = jest.spyOn(federationModule, 'buildFederation').mockImplementation((...args) => {
    const federation = originalBuild(...args);
    built.push(federation);
    jest.spyOn(federation, 'close');
    return federation;
  });
  try {
    const config = own.host.current.config;
    const reload = own.host.reload({ ...config, repositories: config.repositories.map((r) => (r.id === 'cz-xnat' ? { ...r, timeoutMs: r.timeoutMs + 1 } : r)) });
    await own.close();
    prepared();
    expect(await reload).toMatchObject({ ok: false, problems: ['the gateway closed before the reloaded config could serve'] });
    expect(built).toHaveLength(1);
    expect(built[0].close).toHaveBeenCalledTimes(1);
  } finally {
    build.mockRestore();
  }
});
