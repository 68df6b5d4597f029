/**
 * A real Orthanc (Debian packages orthanc + orthanc-dicomweb) for tests: a throw-away config and storage in a
 * fresh temp dir, free ports, basic auth on. See native-apis/README.md part 6 for the measured behaviour.
 *
 * Orthanc has no parent-death option and no bind-address option (it listens on 0.0.0.0), so:
 * - RemoteAccessAllowed is false and basic auth is on;
 * - it runs under a tiny sh watchdog that reads a pipe from this process and kills Orthanc when the pipe closes.
 *   The pipe closes whenever this process dies, even by SIGKILL (jest kills workers that way on timeout), so no
 *   Orthanc outlives its test file. A process 'exit' hook kills the process group too, as a second line.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancAuth {
  username: string;
  password: string;
}

export interface RunningOrthanc {
  /** http://127.0.0.1:PORT/dicom-web (no trailing slash). */
  dicomWebRoot: string;
  /** http://127.0.0.1:PORT, Orthanc's own REST API. */
  restOrigin: string;
  auth: OrthancAuth;
  stop(): Promise<void>;
}

export interface StartOrthancOptions {
  username?: string;
  password?: string;
  /** How long to wait for /system to answer; Orthanc is usually ready in 0.1-0.3 s. */
  readyTimeoutMs?: number;
}

// The watchdog: start Orthanc in the background, kill it when stdin (our pipe) reaches EOF, reap it, exit.
// The pipe is kept as fd 3 because sh gives background jobs /dev/null as stdin (POSIX 2.9.3). `read` is a shell
// builtin, so killing the watcher subshell leaves no stray process behind.
const WATCHDOG = [
  'exec 3<&0',
  '"$0" "$1" & orthanc=$!',
  '( while read -r _ <&3; do :; done; kill -KILL "$orthanc" 2>/dev/null ) & watcher=$!',
  'wait "$orthanc"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

const STDERR_LINES_KEPT = 40;
const START_ATTEMPTS = 3;

export async function startOrthanc(options: StartOrthancOptions = {}): Promise<RunningOrthanc> {
  if (!existsSync(ORTHANC_BINARY) || !existsSync(DICOMWEB_PLUGIN)) {
    throw new Error(
      `Orthanc is not installed (${ORTHANC_BINARY} or ${DICOMWEB_PLUGIN} missing): install orthanc orthanc-dicomweb; .ci/run does`,
    );
  }
  const auth: OrthancAuth = { username: options.username ?? 'orthanc-test', password: options.password ?? 'orthanc-test-secret' };
  // Free ports are found by binding port 0 and releasing it; another process can take one in between, so a
  // start that dies before answering is retried on new ports.
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(auth, options.readyTimeoutMs ?? 15_000);
    } catch (error) {
      lastError = error as Error;
      if (!(error instanceof OrthancExitedEarly)) break;
    }
  }
  throw lastError ?? new Error('Orthanc did not start');
}

class OrthancExitedEarly extends Error {}

async function startOnce(auth: OrthancAuth, readyTimeoutMs: number): Promise<RunningOrthanc> {
  const dir = mkdtempSync(join(tmpdir(), 'orthanc-test-'));
  const [httpPort, dicomPort] = await freePorts(2);
  const config = {
    Name: 'ORTHANC_TEST',
    StorageDirectory: join(dir, 'storage'),
    IndexDirectory: join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC_TEST',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: true,
    RegisteredUsers: { [auth.username]: auth.password },
    DefaultEncoding: 'Utf8',
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    // Nothing to keep after the test: skip work that only matters for a long-lived server.
    SaveJobs: false,
    StorageCompression: false,
  };
  const configPath = join(dir, 'orthanc.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));

  // detached: Orthanc and its watchdog get their own process group, so stop() and the exit hook can kill
  // exactly the processes started here (and nothing else) with one signal.
  const child = spawn('/bin/sh', ['-c', WATCHDOG, ORTHANC_BINARY, configPath], {
    cwd: dir,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) stderrTail.push(line);
    stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_LINES_KEPT));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // When Orthanc ends on its own, close the pipe so the watcher ends too.
  void exited.then(() => child.stdin?.destroy());

  // Orthanc is always SIGKILLed, never stopped gracefully: everything it holds goes with the temp dir, and its
  // graceful shutdown takes about 2.5 s (its HTTP and DICOM servers each poll for 1 s) against a few ms.
  const killGroup = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) tryKill(-child.pid);
  };
  const killAndClean = () => {
    killGroup();
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAndClean);

  const restOrigin = `http://127.0.0.1:${httpPort}`;
  const describe = () => `Orthanc (port ${httpPort}) output:\n${stderrTail.join('\n')}`;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.removeListener('exit', killAndClean);
      // Closing the pipe makes the watchdog kill and reap Orthanc (no zombie left to init); the whole group is
      // killed only if that does not end it quickly.
      child.stdin?.end();
      const fallback = setTimeout(killGroup, 2_000);
      await exited;
      clearTimeout(fallback);
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitUntilReady(restOrigin, auth, exited, readyTimeoutMs, describe);
  } catch (error) {
    await stop();
    throw error;
  }
  return { dicomWebRoot: `${restOrigin}/dicom-web`, restOrigin, auth, stop };
}

async function waitUntilReady(
  origin: string, auth: OrthancAuth, exited: Promise<number | null>, timeoutMs: number, describe: () => string,
): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  const headers = { Authorization: basicAuthorization(auth) };
  for (;;) {
    if (exitCode !== undefined) throw new OrthancExitedEarly(`Orthanc exited with code ${exitCode} before answering. ${describe()}`);
    try {
      const response = await fetch(`${origin}/system`, { headers, signal: AbortSignal.timeout(1_000) });
      if (response.ok) {
        await response.arrayBuffer();
        return;
      }
      await response.arrayBuffer();
      if (response.status === 401) throw new Error(`Orthanc refused the test credentials on /system. ${describe()}`);
    } catch (error) {
      // Connection refused while Orthanc starts ("fetch failed", a TypeError; compared by name because jest
      // runs tests in another realm than fetch's) or a slow answer: try again.
      const name = (error as Error).name;
      if (name !== 'TypeError' && name !== 'TimeoutError') throw error;
    }
    if (Date.now() > deadline) throw new Error(`Orthanc did not answer /system within ${timeoutMs} ms. ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function basicAuthorization(auth: OrthancAuth): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
}

function tryKill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Ports free on all interfaces (Orthanc binds 0.0.0.0), all held open together so they are distinct. */
async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '0.0.0.0', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP port bound');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
