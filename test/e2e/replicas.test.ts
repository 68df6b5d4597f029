/**
 * Past one machine: three gateway processes (started as `npm start` starts one, over a federation config whose
 * repositories run elsewhere) behind a real HAProxy (Debian package), sharing a real Redis for the answer cache and
 * the rate limits. A client keeps querying through HAProxy while one gateway is killed (SIGKILL, no drain): no
 * request fails, because HAProxy retries a request whose connection failed or got no answer on another replica and
 * its health checks of /readyz take the dead one out. An answer cached by one replica is served by the others.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemoSimulators, type RunningDemo } from '../../demo/simulators';
import { freePort, startRedis, type RunningRedis } from '../cache/support';
import { postGraphQL, testConfig } from '../support/federation';

const ROOT = join(__dirname, '..', '..');
const HAPROXY = '/usr/sbin/haproxy';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Replica { child: ChildProcess; port: number; output: string }

let demo: RunningDemo;
let redis: RunningRedis;
let folder: string;
const replicas: Replica[] = [];
let haproxy: ChildProcess | undefined;
let url: string;

/** A gateway process as npm start runs it (tsx on the project's Node 24), on a free port; resolves once it listens. */
async function startReplica(configFile: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/main.ts'], {
    // Behind the proxy, callers are told apart by the address it adds (TRUST_PROXY); the test's one client may ask
    // more than the default 600 requests a minute, counted across the replicas in Redis.
    cwd: ROOT, env: { ...process.env, PORT: '0', FEDERATION_CONFIG: configFile, REDIS_URL: redis.url, ACCESS_LOG: 'off', TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '100000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const replica: Replica = { child, port: 0, output: '' };
  replica.port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica not ready after 60 s:\n${replica.output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      replica.output += chunk.toString();
      const match = /GraphQL endpoint: http:\/\/localhost:(\d+)\/graphql/.exec(replica.output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`replica exited with ${code}:\n${replica.output}`)));
  });
  return replica;
}

async function readyz(port: number): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
  } catch {
    return 0;
  }
}

beforeAll(async () => {
  if (!existsSync(HAPROXY)) throw new Error(`${HAPROXY} is missing: apt-get install haproxy (scripts/ensure-test-servers.sh)`);
  folder = mkdtempSync(join(tmpdir(), 'replicas-'));
  demo = await startDemoSimulators(testConfig([
    { id: 'de-med', country: 'DE', apiKind: 'eucaim-mediator' },
    { id: 'es-med', country: 'ES', apiKind: 'eucaim-mediator' },
    { id: 'fi-beacon', country: 'FI', apiKind: 'beacon' },
  ]));
  redis = await startRedis();
  const configFile = join(folder, 'federation.json');
  writeFileSync(configFile, JSON.stringify({ repositories: demo.config.repositories }, null, 2));
  for (let i = 0; i < 3; i++) replicas.push(await startReplica(configFile));
  for (const replica of replicas) while ((await readyz(replica.port)) !== 200) await sleep(100);
  const port = await freePort();
  const haproxyConfig = join(folder, 'haproxy.cfg');
  writeFileSync(haproxyConfig, [
    'global', '  maxconn 1000',
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 30s', '  timeout server 30s',
    // A request whose connection failed, or that got no answer, is sent again to another replica (GraphQL queries
    // are safe to repeat); the whole body is buffered first so it can be.
    '  option http-buffer-request', '  retries 3', '  option redispatch 1', '  retry-on conn-failure empty-response response-timeout',
    'frontend graphql', `  bind 127.0.0.1:${port}`, '  option forwardfor', '  default_backend gateways',
    'backend gateways', '  balance roundrobin', '  option httpchk GET /readyz', '  http-check expect status 200',
    '  default-server inter 300ms fall 2 rise 2',
    ...replicas.map((r, i) => `  server gateway${i + 1} 127.0.0.1:${r.port} check`),
  ].join('\n') + '\n');
  haproxy = spawn(HAPROXY, ['-f', haproxyConfig, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = `http://127.0.0.1:${port}/graphql`;
  for (const started = Date.now(); Date.now() - started < 10_000; await sleep(100)) {
    if ((await readyz(port)) === 200) break;
  }
}, 180_000);

afterAll(async () => {
  haproxy?.kill('SIGKILL');
  for (const replica of replicas) if (replica.child.exitCode === null && replica.child.signalCode === null) replica.child.kill('SIGKILL');
  await redis?.stop();
  await demo?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const COHORT = 'query ($where: CaseFilter) { repositories { id cohort(where: $where) { subjects } } }';

test('an answer one replica cached in Redis is served by the others without asking the repositories again', async () => {
  const where = { sex: ['FEMALE'], ageAtDiagnosis: { min: 40, max: 70 } };
  const nativeRequests = () => ['de-med', 'es-med', 'fi-beacon'].reduce((sum, id) => sum + demo.simulators.get(id)!.requests.total, 0);
  const first = await postGraphQL(url, COHORT, { where });
  expect(first.body.errors).toBeUndefined();
  await sleep(200); // the cache write is not awaited by the answer
  const asked = nativeRequests();
  // Round robin: the next two land on the other replicas.
  for (let i = 0; i < 2; i++) expect((await postGraphQL(url, COHORT, { where })).body).toEqual(first.body);
  expect(nativeRequests()).toBe(asked);
});

test('no client request fails while one replica is killed under load', async () => {
  let stop = false;
  let answered = 0;
  const failures: string[] = [];
  let n = 0;
  const client = async () => {
    while (!stop) {
      const where = { ageAtDiagnosis: { min: n++ % 90, max: 110 } };
      try {
        const answer = await postGraphQL(url, COHORT, { where });
        if (answer.status !== 200 || answer.body.errors) failures.push(`HTTP ${answer.status}: ${JSON.stringify(answer.body).slice(0, 200)}`);
        else answered++;
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const clients = Array.from({ length: 4 }, client);
  await sleep(1_500);
  replicas[1].child.kill('SIGKILL');
  await sleep(3_000);
  stop = true;
  await Promise.all(clients);
  expect(failures).toEqual([]);
  expect(answered).toBeGreaterThan(20);
  expect(replicas[1].child.signalCode).toBe('SIGKILL');
}, 30_000);
