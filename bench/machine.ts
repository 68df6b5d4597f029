/** What the numbers were measured on: the header of every run and of bench/results/latest.json. */
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
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
}

export function machineInfo(): MachineInfo {
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
      '@graphql-hive/gateway': hiveVersion() ?? 'not installed',
      '@graphql-hive/gateway-runtime': hiveRuntimeVersion() ?? 'not installed',
    },
  };
}

export function machineHeader(info: MachineInfo): string {
  const v = info.versions;
  return [
    `machine: ${info.cpu}, ${info.cores} cores, ${info.memoryGB} GB, ${info.os}; load average ${info.loadAverage1m} at start`,
    `versions: Node ${info.node}, @apollo/gateway ${v['@apollo/gateway']}, @apollo/server ${v['@apollo/server']}, graphql ${v.graphql}, undici ${v.undici}, `
      + `@graphql-hive/gateway ${v['@graphql-hive/gateway']} (runtime ${v['@graphql-hive/gateway-runtime']})`,
    'every process (load generator, gateways, subgraphs, simulators) shares these cores: read the ratios, not the absolute figures',
  ].join('\n');
}
