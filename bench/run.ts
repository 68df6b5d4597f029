/**
 * npm run bench [-- --scenario fanout|scale|all --duration 10 --concurrency 50 ...]
 *
 * Prints what it ran on, a table per scenario with ratios measured side by side in the same run, then one verdict
 * line per target; writes everything to bench/results/latest.json. `--help` lists the options.
 *
 * Both scenarios also run this gateway as it was right before the move to Node 24 (bench/baseline.ts) on the
 * machine's Node 20 and on Node 24, so the figures say which runtime they come from.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_COMMIT, ensureBaseline, findNode20, type BaselineSetup } from './baseline';
import { FANOUT_QUERY, printFanout, runFanout, type FanoutResult, type Verdict } from './fanout';
import { machineHeader, machineInfo } from './machine';
import { printScale, runScale, type ScaleResult } from './scale';
import { SCALE_DEFAULTS } from './scale-data';

const BASELINE_SHORT = BASELINE_COMMIT.slice(0, 7);

const HELP = `npm run bench -- [options]
  --scenario fanout|scale|all   what to run (default all)
  --duration <s>                fanout: seconds per gateway per round; scale: seconds of warm concurrent load (default 10)
  --concurrency <n>             concurrent clients (default 50)
  --rounds <n>                  fanout: rounds, the gateways' order reversing each round (default 2)
  --warmup <s>                  fanout: warm-up seconds before each measured window (default 3)
  --no-hive                     fanout: leave Hive Gateway out (no install of bench/peers)
  --no-cache-off                fanout: leave out the extra run of this gateway with its answer cache off
  --no-node20                   leave out this gateway before the move to Node 24 (commit ${BASELINE_SHORT}, installed once into
                                bench/.baseline/) on Node 20 and on Node 24, in both scenarios; Node 20 is BENCH_NODE20, else
                                the first node on PATH outside this project, else /usr/bin/node
  --no-runtime-only             leave out only the before-the-move code on Node 24 (the row that tells the runtime apart
                                from the dependency upgrade; in the scale scenario one gateway run fewer)
  --query <graphql>             fanout: the query (default ${FANOUT_QUERY})
  --repositories <n>            scale: repositories (default ${SCALE_DEFAULTS.repositories})
  --countries <n>               scale: countries (default ${SCALE_DEFAULTS.countries})
  --cases <n>                   scale: cases in all (default ${SCALE_DEFAULTS.cases})
  --images <n>                  scale: images in all (default ${SCALE_DEFAULTS.images})
  --latency <low>-<high>        scale: native latency range in ms (default ${SCALE_DEFAULTS.latencyMs.join('-')})
  --timeout-ms <ms>             scale: every repository's timeoutMs (default ${SCALE_DEFAULTS.timeoutMs}, the product's default)
  --cold <n> --warm <n>         scale: cold and warm samples (default 20 and 30)
  --latency-during-harvest      scale: keep native latency on while adapters harvest their indexes
  --simulator-processes <n>     scale: processes the simulators are spread over (default 2)
  --out <file>                  results JSON (default bench/results/latest.json)`;

function parse(argv: string[]) {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument "${arg}"\n${HELP}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (['no-hive', 'no-cache-off', 'no-node20', 'no-runtime-only', 'latency-during-harvest', 'help'].includes(name)) flags.add(name);
    else if (inline !== undefined) values.set(name, inline);
    else if (i + 1 < argv.length) values.set(name, argv[++i]);
    else throw new Error(`--${name} needs a value\n${HELP}`);
  }
  const known = new Set(['scenario', 'duration', 'concurrency', 'rounds', 'warmup', 'query', 'repositories', 'countries', 'cases', 'images', 'latency', 'cold', 'warm', 'out', 'simulator-processes', 'timeout-ms']);
  for (const name of values.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${HELP}`);
  const number = (name: string, fallback: number, min: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return value;
  };
  const scenario = values.get('scenario') ?? 'all';
  if (!['fanout', 'scale', 'all'].includes(scenario)) throw new Error(`--scenario must be fanout, scale or all\n${HELP}`);
  const latency = (values.get('latency') ?? SCALE_DEFAULTS.latencyMs.join('-')).split('-').map(Number);
  if (latency.length !== 2 || latency.some((v) => !Number.isInteger(v) || v < 0) || latency[0] > latency[1]) throw new Error('--latency must be <low>-<high> in ms, e.g. 50-300');
  return {
    help: flags.has('help'),
    scenario,
    duration: number('duration', 10, 0),
    concurrency: Math.round(number('concurrency', 50, 1)),
    rounds: Math.round(number('rounds', 2, 1)),
    warmup: number('warmup', 3, 0),
    noHive: flags.has('no-hive'),
    cacheOffVariant: !flags.has('no-cache-off'),
    node20: !flags.has('no-node20'),
    beforeOnNode24: !flags.has('no-runtime-only'),
    query: values.get('query') ?? FANOUT_QUERY,
    repositories: Math.round(number('repositories', SCALE_DEFAULTS.repositories, 1)),
    countries: Math.round(number('countries', SCALE_DEFAULTS.countries, 1)),
    cases: Math.round(number('cases', SCALE_DEFAULTS.cases, 1)),
    images: Math.round(number('images', SCALE_DEFAULTS.images, 0)),
    latencyMs: latency as [number, number],
    timeoutMs: Math.round(number('timeout-ms', SCALE_DEFAULTS.timeoutMs, 1)),
    cold: Math.round(number('cold', 20, 1)),
    warm: Math.round(number('warm', 30, 1)),
    latencyDuringHarvest: flags.has('latency-during-harvest'),
    simulatorProcesses: Math.round(number('simulator-processes', 2, 1)),
    out: values.get('out') ?? join(__dirname, 'results', 'latest.json'),
  };
}

/** The tree before the move, installed when missing; with --no-node20 only Node 20 itself, for the header. */
function baselineFor(node20: boolean, log: (line: string) => void): BaselineSetup {
  if (node20) return ensureBaseline(log);
  const found = findNode20();
  return { node20: found.node, problem: 'left out (--no-node20)' };
}

async function main(): Promise<void> {
  const options = parse(process.argv.slice(2));
  if (options.help) {
    console.log(HELP);
    return;
  }
  const log = (line: string) => console.error(`  ${line}`);
  const baseline = baselineFor(options.node20, log);
  const machine = machineInfo(baseline);
  console.log(machineHeader(machine));
  const results: { fanout?: FanoutResult; scale?: ScaleResult } = {};
  const verdicts: Verdict[] = [];
  const failures: string[] = [];
  if (options.scenario !== 'scale') {
    try {
      results.fanout = await runFanout({ ...options, baseline }, log);
      console.log(`\n${printFanout(results.fanout)}`);
      verdicts.push(...results.fanout.verdicts);
    } catch (error) {
      failures.push(`fanout failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'fan-out: at least 1.2x Hive Gateway\'s RPS at equal or lower p99', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  if (options.scenario !== 'fanout') {
    try {
      results.scale = await runScale({ ...options, baseline }, log);
      console.log(`\n${printScale(results.scale)}`);
      verdicts.push(...results.scale.verdicts);
    } catch (error) {
      failures.push(`scale failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'scale targets (overhead <= 3 ms p50, warm <= 50 ms p50, RSS <= 300 MB)', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  for (const failure of failures) console.error(`\n${failure}`);
  console.log('\nverdicts:');
  for (const v of verdicts) console.log(`  ${v.met === null ? 'NOT MEASURED' : v.met ? 'met' : 'NOT MET'}  ${v.target}: ${v.figure}`);
  mkdirSync(join(options.out, '..'), { recursive: true });
  const { help: _help, ...recorded } = options;
  writeFileSync(options.out, `${JSON.stringify({ machine, options: recorded, ...results, verdicts }, null, 2)}\n`);
  console.log(`\nresults written to ${options.out}`);
  if (failures.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error((error as Error).message ?? error);
  process.exit(2);
});
