/** What the numbers were measured on: the header of every run and of bench/results/latest.json. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join, relative } from 'node:path';
import type { BaselineSetup, NodeBinary } from './baseline';
import { hiveRuntimeVersion, hiveVersion } from './peers';

function versionOf(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  loadAverage1m: number;
  versions: Record<string, string>;
  /** The two runtimes: the runner's (everything of the work tree) and Node 20 (this gateway before the move). */
  runtimes: {
    node: { execPath: string; version: string };
    node20?: NodeBinary;
    /** The commit before the move and the versions its lockfile installed. */
    baseline?: { commit: string; dir: string; versions: Record<string, string> };
    /** Why the Node 20 rows are missing, or that they were left out. */
    node20Problem?: string;
  };
}

export function machineInfo(baseline?: BaselineSetup): MachineInfo {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    os: `${type()} ${release()}`,
    node: process.version,
    loadAverage1m: Number(loadavg()[0].toFixed(2)),
    versions: {
      '@apollo/gateway': versionOf('@apollo/gateway'),
      '@apollo/server': versionOf('@apollo/server'),
      graphql: versionOf('graphql'),
      undici: versionOf('undici'),
      keyv: versionOf('keyv'),
      '@apollo/subgraph': versionOf('@apollo/subgraph'),
      '@graphql-hive/gateway': hiveVersion() ?? 'not installed',
      '@graphql-hive/gateway-runtime': hiveRuntimeVersion() ?? 'not installed',
    },
    runtimes: {
      node: { execPath: process.execPath, version: process.version },
      node20: baseline?.node20,
      baseline: baseline?.tree ? { commit: baseline.tree.commit, dir: baseline.tree.dir, versions: baseline.tree.versions } : undefined,
      node20Problem: baseline?.problem,
    },
  };
}

/** "Node v20.20.2 (/usr/bin/node: first node on PATH outside this project): this gateway before the move, commit 1e4350a (undici 7.30.2, ...)" */
function node20Line(r: MachineInfo['runtimes']): string {
  const node = r.node20 ? `Node ${r.node20.version} (${r.node20.execPath}: ${r.node20.foundBy})` : 'no Node 20';
  const b = r.baseline;
  const tree = b
    ? `this gateway before the move, commit ${b.commit.slice(0, 7)} in ${relative(process.cwd(), b.dir) || b.dir} (${Object.entries(b.versions).map(([k, v]) => `${k} ${v}`).join(', ')})`
    : 'this gateway before the move';
  return `${node}: ${tree}${r.node20Problem ? `; not measured: ${r.node20Problem}` : ''}`;
}

export function machineHeader(info: MachineInfo): string {
  const v = info.versions;
  return [
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GB, ${info.os}; load average ${info.loadAverage1m} at start`,
    `versions: Node ${info.node}, @apollo/gateway ${v['@apollo/gateway']}, @apollo/server ${v['@apollo/server']}, graphql ${v.graphql}, undici ${v.undici}, `
      + `keyv ${v.keyv}, @apollo/subgraph ${v['@apollo/subgraph']}, @graphql-hive/gateway ${v['@graphql-hive/gateway']} (runtime ${v['@graphql-hive/gateway-runtime']})`,
    `runtimes: Node ${info.runtimes.node.version} (${info.runtimes.node.execPath}): the work tree, the peers, the load generator; ${node20Line(info.runtimes)}`,
    'every process (load generator, gateways, subgraphs, simulators) shares these cores: read the ratios, not the absolute figures',
  ].join('\n');
}
