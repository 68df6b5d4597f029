/**
 * The benchmark runs every gateway, the simulators and the subgraphs in processes of their own, so that a
 * gateway's memory and CPU are its own and the load generator does not share its event loop. This is the small
 * request/answer protocol over the fork IPC channel between the runner and those child processes.
 */
import { fork, type ChildProcess } from 'node:child_process';

type Handler = (args: any) => unknown;

interface Call { id: number; cmd: string; args?: unknown }
interface Answer { id: number; result?: unknown; error?: string }

/** In a child: answer the runner's commands, then say ready with what the runner needs (URLs, timings). */
export function serveCommands(handlers: Record<string, Handler>, ready: () => Promise<unknown>): void {
  if (!process.send) throw new Error('bench children are started by bench/run.ts (npm run bench)');
  // Every child answers these two: the runner reads memory and CPU time around its measurements.
  const builtIn: Record<string, Handler> = { memory: () => process.memoryUsage(), cpu: () => process.cpuUsage() };
  process.on('message', (message: Call) => {
    const handler = handlers[message.cmd] ?? builtIn[message.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command "${message.cmd}"`);
        return handler(message.args);
      })
      .then((result) => process.send!({ id: message.id, result } satisfies Answer))
      .catch((error: unknown) => process.send!({ id: message.id, error: (error as Error).stack ?? String(error) } satisfies Answer));
  });
  // The runner going away (Ctrl-C, crash) takes its children along.
  process.on('disconnect', () => process.exit(0));
  ready()
    .then((info) => process.send!({ id: 0, result: info } satisfies Answer))
    .catch((error: unknown) => {
      process.send!({ id: 0, error: (error as Error).stack ?? String(error) } satisfies Answer);
      setTimeout(() => process.exit(1), 100);
    });
}

export interface Child<Ready> {
  name: string;
  pid: number;
  ready: Ready;
  call<T = unknown>(cmd: string, args?: unknown): Promise<T>;
  /** Stops the child (SIGTERM, then SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Lines children print that say nothing about the benchmark. */
const NOISE = [/Enabling inline tracing for this subgraph/];

/** A child's output on the runner's stderr, each line prefixed with the child's name. */
function forwardLines(stream: NodeJS.ReadableStream | null, name: string): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line.trim() && !NOISE.some((n) => n.test(line))) process.stderr.write(`  [${name}] ${line}\n`);
  });
}

/**
 * Forks a TypeScript module (through tsx) and waits for its ready message. `execPath` runs it on another Node
 * (default: the runner's own); `cwd` matters for a module of another checkout: Node resolves `--import tsx` from
 * the working directory, so the child loads that checkout's tsx (and tsx its tsconfig), and the module its own
 * node_modules.
 */
export async function startChild<Ready>(name: string, modulePath: string, options: {
  env?: NodeJS.ProcessEnv; execArgv?: string[]; timeoutMs?: number; execPath?: string; cwd?: string;
} = {}): Promise<Child<Ready>> {
  const child: ChildProcess = fork(modulePath, [], {
    execPath: options.execPath ?? process.execPath,
    cwd: options.cwd,
    execArgv: ['--import', 'tsx', ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  for (const stream of [child.stdout, child.stderr]) forwardLines(stream, name);
  let next = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    for (const p of pending.values()) p.reject(new Error(`${name} exited`));
    pending.clear();
    resolve();
  }));
  // A runtime that cannot be started (a wrong execPath) says so here, not with an exit: fail the waiting calls.
  child.once('error', (error: Error) => {
    for (const p of pending.values()) p.reject(new Error(`${name}: ${error.message}`));
    pending.clear();
  });
  child.on('message', (message: Answer) => {
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiting.reject(new Error(`${name}: ${message.error}`));
    else waiting.resolve(message.result);
  });
  const readyPromise = new Promise<unknown>((resolve, reject) => pending.set(0, { resolve, reject }));
  const timeoutMs = options.timeoutMs ?? 300_000;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    readyPromise,
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${name} not ready within ${timeoutMs / 1000} s`)), timeoutMs); }),
  ]).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  }).finally(() => clearTimeout(timer));
  return {
    name,
    pid: child.pid!,
    ready: ready as Ready,
    call<T>(cmd: string, args?: unknown): Promise<T> {
      if (exited) return Promise.reject(new Error(`${name} has exited`));
      const id = next++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        child.send({ id, cmd, args } satisfies Call);
      });
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exit;
      clearTimeout(kill);
    },
  };
}

/** Every child handles SIGTERM by closing what it started, then exiting. */
export function exitOnTerm(close: () => Promise<void>): void {
  const stop = () => {
    const force = setTimeout(() => process.exit(0), 3_000);
    force.unref();
    close().catch(() => undefined).finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
