/**
 * The production start, as an operator runs it: `npm run build` compiles to dist/, and the compiled gateway runs
 * on plain Node (`npm run start:prod` is `node --heap-growing-percent=50 dist/gateway/main.js`; here started as a container would start it,
 * so that SIGTERM reaches the gateway itself) over a federation config whose repositories run elsewhere (the demo's
 * simulators, started by this test: the production start starts none). SIGTERM drains: the gateway turns unready
 * and refuses new connections at once, answers the request still in flight, then exits 0.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { PRODUCTION_NODE_FLAGS } from '../../bench/production-env';
import { loadFederationConfig } from '../../config/federation-config';
import { demoSimulatorAt, startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { DEFAULT_CONFIG_PATH } from '../../gateway/defaults';
import { ADAPTER_KINDS } from '../../subgraphs/kinds';
import { postGraphQL } from '../support/federation';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** This process's PATH without the project's node_modules/.bin folders (a user's shell). */
function userPath(): string {
  return (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.startsWith(ROOT) && !dir.includes(`node_modules${sep}.bin`)).join(delimiter);
}

let child: ChildProcess | undefined;
let output = '';
let url: string;
let demo: RunningDemo | undefined;
let folder: string | undefined;
/** The compiled production start, as a container runs it, on the Node 24 that npm scripts get (node_modules/.bin/node). */
const startProduction = (env: NodeJS.ProcessEnv): ChildProcess =>
  spawn(join(ROOT, 'node_modules', '.bin', 'node'), [...PRODUCTION_NODE_FLAGS, 'dist/gateway/main.js'], { cwd: ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT, env: { ...process.env, PATH: userPath() } });
  expect(existsSync(join(ROOT, 'dist', 'gateway', 'main.js'))).toBe(true);
  const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  // The production start gives node V8 flags (bench/production-env.ts says why); the image starts it the same way.
  expect(packageJson.scripts['start:prod']).toBe(`node ${PRODUCTION_NODE_FLAGS.join(' ')} dist/gateway/main.js`);
  expect(PRODUCTION_NODE_FLAGS).toEqual(['--heap-growing-percent=50']);
  expect(readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8')).toContain(`CMD ["/app/node_modules/node/bin/node", ${PRODUCTION_NODE_FLAGS.map((flag) => `"${flag}"`).join(', ')}, "dist/gateway/main.js"]`);
  // The demo federation's repositories, served by simulators of this process: to the gateway, repositories elsewhere.
  demo = await startDemoSimulators(loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS));
  folder = mkdtempSync(join(tmpdir(), 'production-'));
  const configFile = join(folder, 'federation.json');
  writeFileSync(configFile, JSON.stringify({ repositories: demo.config.repositories }, null, 2));
  child = startProduction({ FEDERATION_CONFIG: configFile });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /GraphiQL and GraphQL endpoint: (http:\/\/localhost:\d+\/graphql)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].replace('localhost', '127.0.0.1'));
      }
    };
    child!.stdout?.on('data', onData);
    child!.stderr?.on('data', onData);
    child!.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
  await demo?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('the production start refuses the demo\'s simulated repositories, naming them, and starts no simulator', async () => {
  const refused = startProduction({ FEDERATION_CONFIG: DEFAULT_CONFIG_PATH });
  let said = '';
  refused.stderr?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  refused.stdout?.on('data', (chunk: Buffer) => (said += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => refused.once('exit', resolve));
  expect(code).toBe(1);
  expect(said).toContain('repository es-valencia-chaimeleon: endpoint "simulator" is served only by the demo (npm start)');
  expect(said).toContain('set FEDERATION_CONFIG');
  expect(said).not.toMatch(/ready in/);
}, 30_000);

test('the compiled gateway answers a Europe-wide query on plain Node, without tsx', async () => {
  expect(output).toMatch(/EUCAIM federation gateway ready in [\d.]+ s on Node v24\./);
  const answer = await postGraphQL(url, '{ cohort { complete total { subjects } } }');
  expect(answer.body.errors).toBeUndefined();
  expect((answer.body.data?.cohort as { total: { subjects: number } }).total.subjects).toBeGreaterThan(1000);
  // Plain Node on the compiled JavaScript: no TypeScript loader in its command line or options.
  const { stdout } = await run('ps', ['-o', 'args=', '-p', String(child!.pid)]);
  expect(stdout.trim()).toMatch(/\/node --heap-growing-percent=50 dist\/gateway\/main\.js$/);
  expect(stdout).not.toMatch(/tsx/);
  expect(readFileSync(`/proc/${child!.pid}/environ`, 'utf8')).not.toMatch(/NODE_OPTIONS=[^\0]*tsx/);
});

test('a config edit that adds a simulated repository is refused, naming it, and the federation stays', async () => {
  const configFile = join(folder!, 'federation.json');
  const simulated = { ...loadFederationConfig(DEFAULT_CONFIG_PATH, ADAPTER_KINDS).repositories[0], id: 'xx-simulated' };
  const before = output.length;
  writeFileSync(configFile, JSON.stringify({ repositories: [...demo!.config.repositories, { ...simulated, endpoint: 'simulator' }] }, null, 2));
  for (let i = 0; i < 100 && !/config change refused/.test(output.slice(before)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(output.slice(before)).toContain('repository xx-simulated: endpoint "simulator" is served only by the demo');
  const answer = await postGraphQL(url, '{ repositories { id } }');
  expect((answer.body.data?.repositories as Array<{ id: string }>).map((r) => r.id)).not.toContain('xx-simulated');
  // Back to the served config, for the next test: reloaded (its adapters warmed before it serves) before that starts.
  const reloaded = output.length;
  writeFileSync(configFile, JSON.stringify({ repositories: demo!.config.repositories }, null, 2));
  for (let i = 0; i < 300 && !/config reloaded: generation/.test(output.slice(reloaded)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(output.slice(reloaded)).toMatch(/config reloaded: generation \d+, 11 repositories/);
}, 60_000);

test('SIGTERM drains: the request in flight is answered, new connections are refused, and it exits 0', async () => {
  const origin = new URL(url).origin;
  // One repository made slow, so a request is in flight when the signal comes.
  const endpoint = demo!.config.repositories.find((entry) => entry.id === 'es-valencia-chaimeleon')!.endpoint;
  demoSimulatorAt(endpoint)!.faults.latencyMs = 1500;
  const inFlight = postGraphQL(url, '{ repository(id: "es-valencia-chaimeleon") { cohort(where: { sex: [MALE] }) { subjects } } }');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  child!.kill('SIGTERM');
  // While the request is still in flight: no new connection is taken.
  await new Promise((resolve) => setTimeout(resolve, 200));
  let answered = false;
  void inFlight.then(() => (answered = true));
  await expect(fetch(`${origin}/healthz`)).rejects.toThrow();
  expect(answered).toBe(false);
  const answer = await inFlight;
  expect(answer.body.errors).toBeUndefined();
  expect((answer.body.data?.repository as { cohort: { subjects: number } }).cohort.subjects).toBeGreaterThan(0);
  expect(await exited).toBe(0);
}, 30_000);
