/**
 * Ready means warm: while adapters harvest their indexes after start (gateway/warm-up.ts), /readyz answers 503
 * `warming` and names them, so a load balancer or Kubernetes sends no traffic to a gateway still paying for its
 * harvests; once every harvest has ended it answers 200. A repository whose harvest fails does not keep the gateway
 * unready. Count-only repositories have nothing to harvest and show no warm-up.
 */
import { request } from 'undici';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
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
