/**
 * The project right before the move to Node 24 (BASELINE_COMMIT: undici 7, keyv 5, @apollo/* 2.14.4), so the
 * benchmark can run this gateway as it was, on the machine's Node 20, beside the current tree on Node 24. The
 * current tree cannot run on Node 20 at all (undici 8 needs zlib's zstd), so "this code on Node 20" is not a
 * measurable row: the Node 20 row is the previous commit on its own dependency versions.
 *
 * The commit is extracted with `git archive` into bench/.baseline/<short sha>/ and installed once from its own
 * lockfile with Node 20's npm; a marker file says the install completed, later runs reuse it (as bench/peers.ts
 * does for Hive Gateway). The directory starts with a dot because TypeScript's `include` globs skip dot
 * directories: tsconfig.json includes "bench", and a second copy of the project under it would double
 * `npm run typecheck` and tie it to the old tree.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, relative, resolve, sep } from 'node:path';

/** The last commit before the move to Node 24 and its dependency majors. */
export const BASELINE_COMMIT = '1e4350ac331ef50d5bc0497f3d4ba1d024ba3f01';
export const BASELINE_ROOT = join(__dirname, '.baseline');
const PROJECT_ROOT = resolve(__dirname, '..');
const MARKER = '.bench-installed.json';

/** A Node binary other than the one running the benchmark. */
export interface NodeBinary {
  execPath: string;
  version: string;
  /** How it was found: "BENCH_NODE20", "first node on PATH outside this project" or "fallback". */
  foundBy: string;
}

/** The installed tree of the baseline commit. */
export interface BaselineTree {
  commit: string;
  short: string;
  dir: string;
  /** Versions installed from the baseline's lockfile (the header names them). */
  versions: Record<string, string>;
}

/** What the runtime comparison can use; `problem` says why the Node 20 rows are missing. */
export interface BaselineSetup {
  node20?: NodeBinary;
  tree?: BaselineTree;
  problem?: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** npm scripts put this project's node_modules/.bin (where the `node` package puts Node 24) first on PATH. */
function insideProject(path: string): boolean {
  const real = realOrSelf(path);
  return real === PROJECT_ROOT || real.startsWith(PROJECT_ROOT + sep);
}

function versionOf(execPath: string): string | undefined {
  const result = spawnSync(execPath, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  const version = result.status === 0 ? result.stdout.trim() : '';
  return /^v\d+\./.test(version) ? version : undefined;
}

export function majorOf(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? NaN);
}

/** Where to look, in order: BENCH_NODE20 alone when set; else the first node on PATH outside the project, /usr/bin/node. */
function node20Candidates(env: NodeJS.ProcessEnv): Array<{ path: string; foundBy: string }> {
  if (env.BENCH_NODE20) return [{ path: env.BENCH_NODE20, foundBy: 'BENCH_NODE20' }];
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'node'))
    .find((path) => isExecutable(path) && !insideProject(path));
  return [...(onPath ? [{ path: onPath, foundBy: 'first node on PATH outside this project' }] : []), { path: '/usr/bin/node', foundBy: 'fallback' }];
}

/** The machine's Node 20: its path and `--version`, or why there is none. */
export function findNode20(env: NodeJS.ProcessEnv = process.env): { node?: NodeBinary; problem?: string } {
  const tried: string[] = [];
  for (const candidate of node20Candidates(env)) {
    const version = versionOf(candidate.path);
    tried.push(`${candidate.path} (${candidate.foundBy}): ${version ?? 'does not run'}`);
    if (!version) continue;
    // The same runtime twice would label a Node 24 row "Node 20".
    if (version === process.version || realOrSelf(candidate.path) === realOrSelf(process.execPath)) {
      return { problem: `no other Node found: ${candidate.path} is ${version}, the runtime of the rest; set BENCH_NODE20=/path/to/node20` };
    }
    return { node: { execPath: candidate.path, version, foundBy: candidate.foundBy } };
  }
  return { problem: `no Node 20 runs: ${tried.join('; ')}` };
}

const BASELINE_PACKAGES = ['@apollo/gateway', '@apollo/server', '@apollo/subgraph', 'graphql', 'undici', 'keyv', 'tsx'];

function installedVersions(dir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of BASELINE_PACKAGES) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    versions[name] = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : 'not installed';
  }
  return versions;
}

/** Output of a failed command, for the `problem` line. */
function failure(result: ReturnType<typeof spawnSync>): string {
  const stderr = String(result.stderr ?? '').trim().split('\n').slice(-2).join(' ');
  return `${result.error?.message ?? `exit ${result.status}`}${stderr ? `: ${stderr}` : ''}`;
}

function git(args: string[]): ReturnType<typeof spawnSync> {
  return spawnSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 120_000 });
}

/** Undefined when the commit is in this clone's history, else why not. */
function missingCommit(commit: string): string | undefined {
  const present = git(['cat-file', '-e', `${commit}^{commit}`]);
  return present.status === 0 ? undefined
    : `commit ${commit.slice(0, 7)} is not in this clone's history (a shallow clone? git fetch --unshallow), ${failure(present)}`;
}

/** The commit's files (no .git) into `dir`, replacing a partial earlier attempt; undefined when done, else why not. */
function extract(commit: string, dir: string): string | undefined {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = `${dir}.tar`;
  try {
    const archived = git(['archive', '--format=tar', `--output=${tar}`, commit]);
    if (archived.status !== 0) return `git archive ${commit.slice(0, 7)} failed (${failure(archived)})`;
    const extracted = spawnSync('tar', ['-xf', tar, '-C', dir], { encoding: 'utf8', timeout: 120_000 });
    if (extracted.status !== 0) return `tar -x of ${commit.slice(0, 7)} failed (${failure(extracted)})`;
    return undefined;
  } finally {
    if (existsSync(tar)) unlinkSync(tar);
  }
}

/**
 * The environment for Node 20's npm: its own directory first on PATH (npm's `#!/usr/bin/env node` then runs on
 * it), without this project's node_modules/.bin (Node 24), and without what `npm run` sets about this project
 * (npm_config_local_prefix would point the install at the project root).
 */
function node20Env(node: NodeBinary): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|config_local_prefix$|config_user_agent$|node_execpath$|execpath$|command$)/i.test(key)) continue;
    if (['NODE', 'INIT_CWD'].includes(key)) continue;
    env[key] = value;
  }
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !insideProject(dir));
  env.PATH = [dirname(node.execPath), ...path].join(delimiter);
  return env;
}

/**
 * `npm ci` from the baseline's own lockfile, run by Node 20's npm. --ignore-scripts: nothing in it needs an
 * install script to run (tsx's esbuild finds its platform binary package without its postinstall); --omit=dev:
 * only the gateway runs from this tree, so jest, codegen and playwright are not needed.
 */
function install(dir: string, node: NodeBinary): string | undefined {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--prefix', dir, '--no-audit', '--no-fund', '--ignore-scripts', '--omit=dev', '--loglevel=error'], {
    cwd: dir, env: node20Env(node), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000,
  });
  if (result.status !== 0) return `npm ci in ${relative(PROJECT_ROOT, dir)} with Node ${node.version} failed (${failure(result)})`;
  const missing = ['tsx', 'undici'].filter((name) => !existsSync(join(dir, 'node_modules', name, 'package.json')));
  return missing.length ? `npm ci in ${relative(PROJECT_ROOT, dir)} left out ${missing.join(', ')}` : undefined;
}

function markerMatches(dir: string, commit: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(dir, MARKER), 'utf8')) as { commit?: string }).commit === commit;
  } catch {
    return false;
  }
}

/**
 * Finds Node 20 and makes sure the baseline commit is extracted and installed (first run only, about 20 s);
 * never throws: a `problem` leaves the Node 20 rows out and the rest of the benchmark runs.
 */
export function ensureBaseline(log: (line: string) => void, commit = BASELINE_COMMIT): BaselineSetup {
  const found = findNode20();
  if (!found.node) return { problem: found.problem };
  const node = found.node;
  const short = commit.slice(0, 7);
  const dir = join(BASELINE_ROOT, short);
  if (!markerMatches(dir, commit)) {
    const missing = missingCommit(commit);
    if (missing) return { node20: node, problem: missing };
    log(`baseline: installing commit ${short} (before the move to Node 24) into ${relative(PROJECT_ROOT, dir)} with the npm of Node ${node.version} (first run only, about 20 s) ...`);
    const problem = extract(commit, dir) ?? install(dir, node);
    if (problem) return { node20: node, problem };
    writeFileSync(join(dir, MARKER), `${JSON.stringify({ commit, installedWith: node.version, at: new Date().toISOString() })}\n`);
  }
  return { node20: node, tree: { commit, short, dir, versions: installedVersions(dir) } };
}

/** One way of running this gateway: which tree (its bench/gateways/this-gateway.ts) on which Node. */
export interface GatewayRuntime {
  key: 'now' | 'before-node20' | 'before-node24';
  label: string;
  /** `node --version` of the runtime. */
  node: string;
  /** "work tree" or the baseline's short sha. */
  tree: string;
  module: string;
  /** Unset: the runner's own Node (process.execPath). */
  execPath?: string;
  /** The tree's root: `--import tsx` resolves from there, so the tree loads its own tsx and dependencies. */
  cwd?: string;
  problem?: string;
}

/**
 * This gateway now (work tree, the runner's Node 24), before the move on Node 20, and, unless left out, before
 * the move on Node 24: that last row changes only the runtime against the Node 20 row, and only the code and
 * dependencies against the first.
 */
export function gatewayRuntimes(
  setup: BaselineSetup | undefined, options: { node20: boolean; beforeOnNode24: boolean }, labels: { now: string },
): GatewayRuntime[] {
  const now: GatewayRuntime = {
    key: 'now', label: labels.now, node: process.version, tree: 'work tree', module: join(__dirname, 'gateways', 'this-gateway.ts'),
  };
  const node20Major = setup?.node20 ? majorOf(setup.node20.version) : 20;
  const before = (key: GatewayRuntime['key'], label: string, execPath: string | undefined, node: string): GatewayRuntime => ({
    key, label, node, tree: setup?.tree?.short ?? BASELINE_COMMIT.slice(0, 7), execPath, cwd: setup?.tree?.dir,
    module: setup?.tree ? join(setup.tree.dir, 'bench', 'gateways', 'this-gateway.ts') : '',
    problem: !options.node20 ? 'left out (--no-node20)' : setup?.problem ?? (setup?.tree ? undefined : 'baseline not installed'),
  });
  const node20 = before('before-node20', `this gateway on Node ${node20Major} (before the move)`, setup?.node20?.execPath, setup?.node20?.version ?? 'n/a');
  const node24 = before('before-node24', `this gateway, before-the-move code on Node ${majorOf(process.version)}`, undefined, process.version);
  if (!node24.problem && !options.beforeOnNode24) node24.problem = 'left out (--no-runtime-only)';
  return [now, node20, node24];
}
