/**
 * What a new user does: `npm start`, then one GraphQL query across every repository of the demo federation.
 * Runs `npm start` itself from a shell's PATH (the project's node_modules/.bin left out, as in a user's shell), so
 * the runtime is the one npm scripts get: the Node 24 that `npm ci` installed, whatever Node the machine has.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, join, sep } from 'node:path';
import { loadFederationConfig } from '../../config/federation-config';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { demoDataFor } from '../../simulators/demo-data';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL } from '../support/federation';

const ROOT = join(__dirname, '..', '..');

/** This process's PATH without the project's node_modules/.bin folders that npm put first for the test run. */
function userPath(): string {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.startsWith(ROOT) && !dir.includes(`node_modules${sep}.bin`)).join(delimiter);
}

describe('npm start (the demo federation)', () => {
  let child: ChildProcess;
  let output = '';
  let url: string;
  let secondsToReady: number;

  beforeAll(async () => {
    const started = Date.now();
    // Detached: its own process group, so npm and the gateway under it stop together.
    child = spawn('npm', ['start'], { cwd: ROOT, env: { ...process.env, PATH: userPath(), PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GraphiQL and GraphQL endpoint: (http:\/\/localhost:\d+\/graphql)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
    });
    secondsToReady = (Date.now() - started) / 1000;
  }, 70_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });

  it('says where to go and is ready in seconds', () => {
    expect(output).toMatch(/EUCAIM federation gateway ready in [\d.]+ s on Node v\d+/);
    expect(output).toMatch(/\d+ repositories in \d+ countries/);
    expect(secondsToReady).toBeLessThan(30);
    console.log(`npm start: ready in ${secondsToReady.toFixed(1)} s (including npm and tsx start-up)`);
  });

  it('runs on the Node 24 that npm ci installed (package.json pins it), not on the machine\'s own Node', () => {
    const pinned = (require(join(ROOT, 'package.json')) as { dependencies: Record<string, string> }).dependencies.node;
    expect(pinned).toMatch(/^24\.\d+\.\d+$/);
    expect(/ready in [\d.]+ s on Node (v\S+)/.exec(output)?.[1]).toBe(`v${pinned}`);
  });

  it('returns cohort counts from every demo repository for the README query', async () => {
    // Once warm, as it prints (before, a repository still harvesting may answer REPOSITORY_WARMING).
    const warmBy = Date.now() + 60_000;
    while (!/EUCAIM federation gateway warm in [\d.]+ s/.test(output) && Date.now() < warmBy) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(output).toMatch(/EUCAIM federation gateway warm in [\d.]+ s/);
    const config = loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
    const { status, body } = await postGraphQL(url.replace('localhost', '127.0.0.1'),
      '{ repositories { id name country apiKind cohort(where: {modalities: [MR]}) { subjects exact } } }');
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const repositories = body.data?.repositories as Array<{ id: string; country: string; apiKind: string; cohort: { subjects: number } }>;
    expect(repositories.map((r) => r.id)).toEqual(config.repositories.map((r) => r.id));
    // Every repository answers; GDC holds pathology slides only (no MR), so its honest answer is 0.
    for (const r of repositories) expect([r.id, r.cohort.subjects > 0]).toEqual([r.id, r.apiKind !== 'gdc']);
    expect(repositories.length).toBeGreaterThanOrEqual(10);
    expect(new Set(repositories.map((r) => r.country)).size).toBeGreaterThanOrEqual(8);
    expect([...new Set(repositories.map((r) => r.apiKind))]).toEqual(expect.arrayContaining(['dicomweb', 'nbia', 'gdc', 'fhir', 'xnat', 'beacon', 'eucaim-mediator']));
  });

  it('serves about 10,000 synthetic cases in all', async () => {
    const config = loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS);
    const expected = config.repositories.reduce((sum, entry) => sum + demoDataFor(entry).cases.length, 0);
    const { body } = await postGraphQL(url.replace('localhost', '127.0.0.1'), '{ repositories { cohort { subjects } } }');
    const served = (body.data?.repositories as Array<{ cohort: { subjects: number } }>).reduce((sum, r) => sum + r.cohort.subjects, 0);
    expect(served).toBe(expected);
    expect(served).toBeGreaterThanOrEqual(9000);
  });

  it('gives anonymous callers counts, and records with the demo token it printed (also in GraphiQL\'s record tab)', async () => {
    const endpoint = url.replace('localhost', '127.0.0.1');
    const anonymous = await postGraphQL(endpoint, '{ repository(id: "de-heidelberg-pacs") { cohort { subjects } cases(first: 3) { nodes { subjectId } } } }');
    expect(anonymous.body.errors?.map((e) => [e.extensions?.code, e.extensions?.repositoryId])).toEqual([['UNAUTHENTICATED', 'de-heidelberg-pacs']]);
    expect((anonymous.body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
    const query = '{ cases(first: 3) { nodes { subjectId sex } } }';
    const token = /authorization: Bearer ([\w.-]+)/.exec(output)?.[1];
    expect(token).toBeDefined();
    const response = await fetch(endpoint, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: { cases: { nodes: unknown[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    expect(body.data?.cases.nodes).toHaveLength(3);
    const page = await (await fetch(endpoint, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain(`Bearer ${token}`);
  });

  it('serves its simulators from a thread of their own, whose faults the printed command changes', async () => {
    expect(output).toMatch(/11 simulated repositories serving \d+ synthetic cases \(in a thread of their own\)/);
    const origin = url.replace('/graphql', '').replace('localhost', '127.0.0.1');
    const secret = /x-demo-secret: ([0-9a-f]+)/.exec(output)?.[1];
    expect(secret).toBeDefined();
    const faults = (body: string) => fetch(`${origin}/demo/faults/fi-helsinki-beacon`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-demo-secret': secret! }, body,
    });
    const query = '{ repository(id: "fi-helsinki-beacon") { cohort(where: {sex: [FEMALE]}) { subjects } } }';
    const down = await faults('{"down": true}');
    expect(down.status).toBe(200);
    expect(((await down.json()) as { faults: object }).faults).toEqual({ down: true });
    const failed = await postGraphQL(url.replace('localhost', '127.0.0.1'), query);
    expect(failed.body.errors?.[0].extensions).toMatchObject({ code: 'REPOSITORY_UNAVAILABLE', repositoryId: 'fi-helsinki-beacon' });
    const healed = await faults('{}');
    const status = (await healed.json()) as { faults: object; nativeRequests: number };
    expect(status.faults).toEqual({});
    expect(status.nativeRequests).toBeGreaterThan(0); // read from the simulator in its thread
    const back = await postGraphQL(url.replace('localhost', '127.0.0.1'), query);
    expect(back.body.errors).toBeUndefined();
  });

  it('answers health and readiness', async () => {
    const origin = url.replace('/graphql', '').replace('localhost', '127.0.0.1');
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    // Ready means warm: 503 "warming" while the adapters harvest their indexes, then 200.
    let ready = await fetch(`${origin}/readyz`);
    for (const started = Date.now(); ready.status === 503 && Date.now() - started < 60_000;) {
      expect(((await ready.json()) as { status: string }).status).toBe('warming');
      await new Promise((resolve) => setTimeout(resolve, 250));
      ready = await fetch(`${origin}/readyz`);
    }
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { warming: string[]; repositories: Array<{ warmUp?: { state: string } }> };
    expect(body.repositories.length).toBeGreaterThanOrEqual(6);
    expect(body.warming).toEqual([]);
    expect(body.repositories.filter((r) => r.warmUp?.state === 'WARM').length).toBeGreaterThan(0);
  });
});
