/**
 * The simulators' fault knobs (simulators/README.md): deterministic error rate, down (connections refused, then
 * up again on the same port), flapping by request count and by time, and knob validation.
 */
import { Pool, request } from 'undici';
import { startSimulator, validateFaults, replaceFaults, type RunningSimulator } from '../../simulators/http-server';

/** One GET on a fresh connection: the status, or the error code when the connection fails. */
async function get(simulator: RunningSimulator): Promise<number | string> {
  try {
    const response = await request(`${simulator.origin}/ping`, { reset: true });
    await response.body.text();
    return response.statusCode;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('simulator fault knobs', () => {
  let simulator: RunningSimulator;

  beforeEach(async () => {
    simulator = await startSimulator({ name: 'fault test simulator' }, () => ({ body: { ok: true } }));
  });

  afterEach(async () => {
    await simulator.close();
  });

  it('errorRate answers an exact, evenly spread share of requests with 503 (or errorStatus)', async () => {
    simulator.faults.errorRate = 0.5;
    const statuses: Array<number | string> = [];
    for (let i = 0; i < 6; i++) statuses.push(await get(simulator));
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503]);
    simulator.faults.errorRate = 0.25;
    simulator.faults.errorStatus = 429;
    const next: Array<number | string> = [];
    for (let i = 0; i < 8; i++) next.push(await get(simulator));
    expect(next).toEqual([200, 200, 200, 429, 200, 200, 200, 429]);
  });

  it('down refuses connections (and drops open ones), then serves again on the same port', async () => {
    const port = simulator.port;
    const keepAlive = new Pool(simulator.origin);
    const viaPool = () => keepAlive.request({ method: 'GET', path: '/ping' }).then(async (r) => (await r.body.text(), r.statusCode), (e: { code?: string }) => e.code);
    expect(await viaPool()).toBe(200);
    simulator.faults.down = true;
    expect(await viaPool()).toBe('ECONNREFUSED');
    await keepAlive.close();
    expect(await get(simulator)).toBe('ECONNREFUSED');
    const before = simulator.requests.total;
    expect(await get(simulator)).toBe('ECONNREFUSED');
    expect(simulator.requests.total).toBe(before);
    delete simulator.faults.down;
    await sleep(10);
    expect(await get(simulator)).toBe(200);
    expect(simulator.port).toBe(port);
  });

  it('flapEvery serves N requests, then drops the connections of the next N, alternately', async () => {
    simulator.faults.flapEvery = 2;
    const outcomes: Array<number | string> = [];
    for (let i = 0; i < 8; i++) outcomes.push(await get(simulator));
    expect(outcomes.map((o) => (o === 200 ? 'up' : 'down'))).toEqual(['up', 'up', 'down', 'down', 'up', 'up', 'down', 'down']);
    expect(outcomes.filter((o) => o !== 200).every((o) => typeof o === 'string')).toBe(true);
    expect(simulator.requests.total).toBe(8);
  });

  it('flapMs alternates up and down (refusing connections) every N milliseconds', async () => {
    // Up 0-300 ms, down 300-600, up 600-900: each check sits mid-phase.
    simulator.faults.flapMs = 300;
    expect(await get(simulator)).toBe(200);
    await sleep(450);
    expect(await get(simulator)).toBe('ECONNREFUSED');
    await sleep(300);
    expect(await get(simulator)).toBe(200);
    delete simulator.faults.flapMs;
    await sleep(350);
    expect(await get(simulator)).toBe(200);
  });

  it('validates knobs given as JSON and replaces them as a whole', () => {
    expect(validateFaults({ errorRate: 0.3, down: false, latencyMs: 200, flapEvery: 3, httpStatus: null })).toEqual([]);
    expect(validateFaults({ errorRate: 2, down: 'yes', speed: 1, httpStatus: 200 })).toEqual([
      'errorRate: must be a number between 0 and 1',
      'down: must be true or false',
      expect.stringMatching(/^speed: unknown knob \(known: latencyMs, httpStatus, .*flapMs\)$/),
      'httpStatus: must be an HTTP error status (400-599)',
    ]);
    expect(validateFaults([1])).toEqual(['the knobs must be a JSON object']);
    simulator.faults.latencyMs = 100;
    replaceFaults(simulator.faults, { errorRate: 0.5 });
    expect({ ...simulator.faults }).toEqual({ errorRate: 0.5 });
    replaceFaults(simulator.faults, {});
    expect({ ...simulator.faults }).toEqual({});
  });
});
