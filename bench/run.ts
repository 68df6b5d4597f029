/**
 * npm run bench [-- --scenario fanout|scale|abuse|all --duration 10 --concurrency 50 ...]
 *
 * Prints what it ran on, a table per scenario with ratios measured side by side in the same run, then one verdict
 * line per target; writes everything to bench/results/latest.json. `--help` lists the options.
 *
 * Both scenarios also run this gateway as it was right before the move to Node 24 (bench/baseline.ts) on the
 * machine's Node 20 and on Node 24, so the figures say which runtime they come from. The abuse scenario (bench/abuse.ts)
 * runs this gateway only, as it is now.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printAbuse, runAbuse, type AbuseResult, type AbuseSimulators } from './abuse';
import { abuseKinds, type AbuseNetworks } from './abuse-requests';
import { printDistinct, runDistinct, type DistinctResult } from './distinct';
import { BASELINE_COMMIT, ensureBaseline, findNode20, type BaselineSetup } from './baseline';
import { FANOUT_QUERY, printFanout, runFanout, type FanoutResult, type Verdict } from './fanout';
import { machineHeader, machineInfo } from './machine';
import { printScale, runScale, type ScaleResult } from './scale';
import { SCALE_DEFAULTS } from './scale-data';

const BASELINE_SHORT = BASELINE_COMMIT.slice(0, 7);

const HELP = `npm run bench -- [options]
  --scenario fanout|scale|abuse|distinct|all
                                what to run (default all: fanout, scale, then abuse, which adds about 2 x --duration
                                + 15 to 30 s)
  --duration <s>                fanout: seconds per gateway per round; scale: seconds of warm concurrent load; abuse:
                                seconds per phase, baseline then attack (default 10)
  --concurrency <n>             concurrent clients (default 50)
  --rounds <n>                  fanout: rounds, the gateways' order reversing each round; distinct: rounds of 10 and 50
                                clients in turn, their order reversing each round (default 2)
  --warmup <s>                  fanout: warm-up seconds before each measured window (default 3)
  --no-hive                     fanout: leave Hive Gateway out (no install of bench/peers)
  --upstream replay|live        fanout: gateways call a replay server in front of each subgraph that answers each distinct
                                request with the subgraph's recorded answer, so upstream capacity caps no gateway
                                (default replay), or the subgraphs themselves (live)
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
  --profile-cold <file>         scale: write a CPU profile (.cpuprofile, for Chrome DevTools) of this gateway during its
                                cold queries: where the overhead above the slowest repository goes
  --normal-concurrency <n>      abuse: concurrent normal clients (default 2)
  --normal-interval <ms>        abuse: each normal client sends at most one request per this many ms (default 200, under a
                                per-caller limit of 600 a minute; 0: closed loop)
  --flood-concurrency <n>       abuse: concurrent clients of the distinct-filter flood (default 20)
  --max-requests-per-kind <n>   abuse: at most this many requests of each abusive kind (default 5000; near-1 MB bodies
                                at most 300, manifests at most 100)
  --abuse-kinds <k1,k2,...>     abuse: send only these kinds (default all: manufacturer-300kb-repositories,
                                manufacturer-300kb-europe, collections-1000, aliases-2000, aliases-5000, aliases-100,
                                body-near-limit, body-over-limit, manifest-csv-50000, flood-distinct-filters)
  --abuse-simulators thread|main-thread|separate
                                abuse: the demo's simulators in a thread of the gateway's process as npm start runs
                                them (default), in the gateway's own thread, or in a process of their own, so the
                                gateway's figures are its own work only
  --abuse-networks per-kind|per-client
                                abuse: all clients of an abusive kind in one /24 network (default: one caller group at
                                the gateway), or every abusive client in a /24 of its own (a flood from many networks)
  --out <file>                  results JSON (default bench/results/latest.json)`;

function abuseNetworks(value: string): AbuseNetworks {
  if (value !== 'per-kind' && value !== 'per-client') throw new Error(`--abuse-networks must be per-kind or per-client\n${HELP}`);
  return value;
}

function abuseSimulators(value: string): AbuseSimulators {
  if (value !== 'thread' && value !== 'main-thread' && value !== 'separate') throw new Error(`--abuse-simulators must be thread, main-thread or separate\n${HELP}`);
  return value;
}

function abuseKindList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const kinds = value.split(',').map((k) => k.trim()).filter(Boolean);
  const known = abuseKinds({ floodConcurrency: 1, maxRequestsPerKind: 1 }).map((k) => k.key);
  const unknown = kinds.filter((k) => !known.includes(k));
  if (kinds.length === 0 || unknown.length > 0) throw new Error(`--abuse-kinds: unknown ${unknown.join(', ') || '(none given)'}; the kinds are ${known.join(', ')}`);
  return kinds;
}

function upstreamOption(raw: string | undefined): 'replay' | 'live' {
  if (raw === undefined || raw === 'replay' || raw === 'live') return raw ?? 'replay';
  throw new Error(`--upstream must be replay or live\n${HELP}`);
}

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
  const known = new Set(['scenario', 'duration', 'concurrency', 'rounds', 'warmup', 'query', 'repositories', 'countries', 'cases', 'images', 'latency', 'cold', 'warm', 'out', 'simulator-processes', 'timeout-ms', 'profile-cold',
    'normal-concurrency', 'normal-interval', 'flood-concurrency', 'max-requests-per-kind', 'abuse-kinds', 'abuse-simulators', 'abuse-networks', 'upstream']);
  for (const name of values.keys()) if (!known.has(name)) throw new Error(`unknown option --${name}\n${HELP}`);
  const number = (name: string, fallback: number, min: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}`);
    return value;
  };
  const scenario = values.get('scenario') ?? 'all';
  if (!['fanout', 'scale', 'abuse', 'distinct', 'all'].includes(scenario)) throw new Error(`--scenario must be fanout, scale, abuse, distinct or all\n${HELP}`);
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
    upstream: upstreamOption(values.get('upstream')),
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
    profileCold: values.get('profile-cold'),
    normalConcurrency: Math.round(number('normal-concurrency', 2, 1)),
    normalIntervalMs: Math.round(number('normal-interval', 200, 0)),
    floodConcurrency: Math.round(number('flood-concurrency', 20, 1)),
    maxRequestsPerKind: Math.round(number('max-requests-per-kind', 5000, 1)),
    abuseKinds: abuseKindList(values.get('abuse-kinds')),
    abuseSimulators: abuseSimulators(values.get('abuse-simulators') ?? 'thread'),
    abuseNetworks: abuseNetworks(values.get('abuse-networks') ?? 'per-kind'),
    out: values.get('out') ?? join(__dirname, 'results', 'latest.json'),
  };
}

/**
 * The tree before the move, installed when missing; with --no-node20 (or for the abuse scenario alone, which does not
 * use it) only Node 20 itself, for the header.
 */
function baselineFor(node20: boolean, scenario: string, log: (line: string) => void): BaselineSetup {
  if (scenario === 'abuse' || scenario === 'distinct') return { node20: findNode20().node, problem: `not used by the ${scenario} scenario` };
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
  const baseline = baselineFor(options.node20, options.scenario, log);
  const machine = machineInfo(baseline);
  console.log(machineHeader(machine));
  const results: { fanout?: FanoutResult; scale?: ScaleResult; abuse?: AbuseResult; distinct?: DistinctResult } = {};
  const verdicts: Verdict[] = [];
  const failures: string[] = [];
  if (options.scenario === 'fanout' || options.scenario === 'all') {
    try {
      results.fanout = await runFanout({ ...options, baseline }, log);
      console.log(`\n${printFanout(results.fanout)}`);
      verdicts.push(...results.fanout.verdicts);
    } catch (error) {
      failures.push(`fanout failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'fan-out: at least 1.2x Hive Gateway\'s RPS at equal or lower p99', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  if (options.scenario === 'scale' || options.scenario === 'all') {
    try {
      results.scale = await runScale({ ...options, baseline }, log);
      console.log(`\n${printScale(results.scale)}`);
      verdicts.push(...results.scale.verdicts);
    } catch (error) {
      failures.push(`scale failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'scale targets (overhead <= 3 ms p50, warm <= 50 ms p50, RSS <= 300 MB)', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  if (options.scenario === 'abuse' || options.scenario === 'all') {
    try {
      results.abuse = await runAbuse(options, log);
      console.log(`\n${printAbuse(results.abuse)}`);
      verdicts.push(...results.abuse.verdicts);
    } catch (error) {
      failures.push(`abuse failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'abuse: normal client p99 < 1 s and no failure under attack, event loop never blocked > 200 ms', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
    }
  }
  if (options.scenario === 'distinct' || options.scenario === 'all') {
    try {
      results.distinct = await runDistinct({ duration: options.duration, levels: [1, 10, 50], rounds: options.rounds }, log);
      console.log(`\n${printDistinct(results.distinct)}`);
      verdicts.push(...results.distinct.verdicts);
    } catch (error) {
      failures.push(`distinct failed: ${(error as Error).stack ?? error}`);
      verdicts.push({ target: 'distinct filters: no collapse past saturation', met: null, figure: `scenario failed: ${(error as Error).message.split('\n')[0]}` });
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
