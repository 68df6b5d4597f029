/**
 * Scenario "fanout": the same fan-out cohort query from N concurrent clients to three gateways serving the same
 * supergraph over the same HTTP subgraphs (the demo federation, each repository's subgraph standalone over HTTP
 * on its simulator, and the catalog over HTTP):
 *   this   - gateway/server.ts startGateway, its data sources, middlewares and caching as in production
 *   stock  - @apollo/gateway with its default RemoteGraphQLDataSource in a plain Apollo Server
 *   hive   - Hive Gateway's runtime with its defaults (bench/peers)
 * and, to say which runtime the figures come from, this gateway as it was right before the move to Node 24
 * (bench/baseline.ts) on the machine's Node 20 and on Node 24.
 * Gateways take turns (the order reverses every round) so that drift in the machine's load hits all of them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import type { FederationConfig } from '../config/federation-config';
import { composeSupergraph } from '../gateway/supergraph';
import { catalogTypeDefs, CATALOG_SUBGRAPH_NAME } from '../subgraphs/catalog/catalog-subgraph';
import { repositorySubgraphTypeDefs } from '../subgraphs/sdk/subgraph';
import { gatewayRuntimes, type BaselineSetup, type GatewayRuntime } from './baseline';
import { startChild, type Child } from './ipc';
import { loadTarget, query, runLoad, type LoadRun, type LoadTarget } from './load';
import { ensurePeers } from './peers';
import { int, mb, ms, ratio, summarize, table } from './stats';
import type { FanoutUpstreamReady } from './upstream/fanout-upstream';

export const FANOUT_QUERY = '{ repositories { id cohort(where: {modalities: [MR]}) { subjects studies } } }';

export interface FanoutOptions {
  duration: number;
  concurrency: number;
  rounds: number;
  warmup: number;
  /** Leave Hive Gateway out (no install). */
  noHive: boolean;
  /** Gateways call precomputed subgraph answers (replay, the default) or the live subgraphs. */
  upstream?: 'replay' | 'live';
  /** Also measure this gateway with its answer cache off (in-flight de-duplication only), as a fourth contender. */
  cacheOffVariant: boolean;
  query: string;
  /** Run this gateway from before the move on Node 20 (and on Node 24 with beforeOnNode24). */
  node20: boolean;
  beforeOnNode24: boolean;
  baseline?: BaselineSetup;
}

interface GatewayReady { url: string; startMs: number; rss: number; cache?: { description: string } | null }

type ContenderKey = 'this' | 'this-no-cache' | 'stock' | 'stock-undici' | 'hive' | 'hive-dedup' | 'hive-cache' | 'this-before-node20' | 'this-before-node24';

interface Contender {
  key: ContenderKey;
  env?: Record<string, string>;
  label: string;
  module: string;
  /** `node --version` it runs on, and the tree its module comes from ("work tree" or the baseline's sha). */
  node: string;
  tree: string;
  execPath?: string;
  cwd?: string;
  child?: Child<GatewayReady>;
  target?: LoadTarget;
  runs: LoadRun[];
  upstreamRequests: number;
  /** CPU time of the gateway's process and of the subgraphs' process within the measured windows. */
  gatewayCpuMs: number;
  upstreamCpuMs: number;
  answers: number;
  problem?: string;
}

export interface FanoutGatewayResult {
  gateway: string;
  label: string;
  /** The Node version it ran on, and its code: "work tree" or the short sha of the commit before the move. */
  node: string;
  tree: string;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  answers: number;
  roundsRps: number[];
  upstreamRequestsPerAnswer: number;
  /** Gateway process CPU time per answer, ms: what the gateway itself costs, whatever the subgraphs' speed. */
  gatewayCpuMsPerAnswer: number;
  /** Share of one core the gateway and the subgraphs' process used while measured. */
  gatewayCores: number;
  upstreamCores: number;
  rssMB: number;
  note?: string;
}

export interface FanoutResult {
  scenario: 'fanout';
  query: string;
  repositories: number;
  cases: number;
  concurrency: number;
  secondsPerRound: number;
  rounds: number;
  warmupSeconds: number;
  /** What the gateways called: precomputed subgraph answers (replay) or the live subgraphs. */
  upstream: 'replay' | 'live';
  gateways: FanoutGatewayResult[];
  ratios: Record<string, number>;
  /** This gateway across runtimes and trees (NaN when a row is missing). */
  runtimeRatios: RuntimeRatios;
  sameAnswers: boolean;
  notes: string[];
  verdicts: Verdict[];
}

/**
 * The supergraph the peer gateways serve: the product's own composition (the same subgraph SDLs, generated from
 * the config) of the catalog and the repository subgraphs, all at their HTTP URLs. Subgraphs that exist only
 * inside this gateway (the Europe-wide one asks the gateway itself) are left out; the fan-out query does not
 * reach them, and every gateway's answer is checked to be the same.
 */
export function peerSupergraph(repositories: FederationConfig['repositories'], catalogUrl: string): string {
  const result = composeServices([
    { name: CATALOG_SUBGRAPH_NAME, typeDefs: catalogTypeDefs(repositories), url: catalogUrl },
    ...repositories.map((entry) => ({ name: entry.id, typeDefs: repositorySubgraphTypeDefs(entry), url: entry.subgraph })),
  ]);
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/** The in-process-only subgraphs of this gateway's supergraph (left out of the peers' supergraph). */
export function inProcessOnlySubgraphs(repositories: FederationConfig['repositories']): string[] {
  const sdl = composeSupergraph({ source: 'bench', repositories });
  return [...sdl.matchAll(/url: "in-process:\/\/([^/"]+)/g)].map((m) => m[1]).filter((name) => name !== CATALOG_SUBGRAPH_NAME);
}

export interface Verdict { target: string; met: boolean | null; figure: string }

/** One gateway's figures over another's. */
export interface RatioSet { rps: number; p99: number; rss: number; cpuPerAnswer: number }

export interface RuntimeRatios {
  /** This gateway now (Node 24) over before the move (Node 20): what the move changed in all. */
  nowOverBeforeNode20: RatioSet;
  /** Before-the-move code on Node 24 over the same on Node 20: the runtime alone. */
  runtimeOnly: RatioSet;
  /** Now over before-the-move code, both on Node 24: the code and dependency upgrade alone. */
  codeOnly: RatioSet;
}

/** A contender before its runs, on the runner's Node and the work tree unless told otherwise. */
function contender(key: ContenderKey, label: string, module: string, extra: Partial<Contender> = {}): Contender {
  return { key, label, module, node: process.version, tree: 'work tree', runs: [], upstreamRequests: 0, gatewayCpuMs: 0, upstreamCpuMs: 0, answers: 0, ...extra };
}

/**
 * The baseline tree's bench/gateways/this-gateway.ts: at that commit it is the same file as today's, so it
 * speaks the same IPC (ready {url, startMs, rss, cache}, cpu, memory) and gets the same answer check.
 */
function runtimeContender(key: ContenderKey, runtime: GatewayRuntime): Contender {
  return contender(key, runtime.label, runtime.module, { node: runtime.node, tree: runtime.tree, execPath: runtime.execPath, cwd: runtime.cwd, problem: runtime.problem });
}

function ratioSet(a: FanoutGatewayResult, b: FanoutGatewayResult): RatioSet {
  return { rps: a.rps / b.rps, p99: a.p99 / b.p99, rss: a.rssMB / b.rssMB, cpuPerAnswer: a.gatewayCpuMsPerAnswer / b.gatewayCpuMsPerAnswer };
}

export async function runFanout(options: FanoutOptions, log: (line: string) => void): Promise<FanoutResult> {
  const notes: string[] = [];
  const thisModule = join(__dirname, 'gateways', 'this-gateway.ts');
  const [, beforeNode20, beforeNode24] = gatewayRuntimes(options.baseline, options, { now: 'this gateway' });
  const contenders: Contender[] = [
    contender('this', 'this gateway', thisModule),
    contender('this-no-cache', 'this gateway, cache off', thisModule, { env: { BENCH_CACHE: 'off' } }),
    contender('stock', 'stock @apollo/gateway', join(__dirname, 'gateways', 'stock-gateway.ts')),
    // Its defaults fetch with make-fetch-happen; users who tune it give RemoteGraphQLDataSource an undici keep-alive fetcher.
    contender('stock-undici', 'stock @apollo/gateway, undici fetcher', join(__dirname, 'gateways', 'stock-gateway.ts'), { env: { BENCH_STOCK_FETCHER: 'undici' } }),
    contender('hive', 'Hive Gateway', join(__dirname, 'gateways', 'hive-gateway.ts')),
    runtimeContender('this-before-node20', beforeNode20),
    // The peers as their users would configure them for this load: Hive's inbound de-duplication (the peer of this
    // gateway with its cache off) and its response cache (the peer of this gateway as npm start runs it).
    contender('hive-dedup', 'Hive Gateway, inbound dedup', join(__dirname, 'gateways', 'hive-gateway.ts'), { env: { BENCH_HIVE_MODE: 'dedup' } }),
    contender('hive-cache', 'Hive Gateway, responseCaching', join(__dirname, 'gateways', 'hive-gateway.ts'), { env: { BENCH_HIVE_MODE: 'response-cache' } }),
    runtimeContender('this-before-node24', beforeNode24),
  ];
  if (!options.cacheOffVariant) contenders[1].problem = 'left out (--no-cache-off)';
  const tree = options.baseline?.tree;
  if (tree && !beforeNode20.problem) {
    notes.push(`"before the move" is commit ${tree.short} on its own lockfile (undici ${tree.versions.undici}, keyv ${tree.versions.keyv}, `
      + `@apollo/gateway ${tree.versions['@apollo/gateway']}), its answer cache on as npm start had it; the peers run on Node ${process.version}`);
  }
  const hives = contenders.filter((c) => c.key.startsWith('hive'));
  if (options.noHive) for (const h of hives) h.problem = 'left out (--no-hive)';
  else {
    const peers = ensurePeers(log);
    if (peers.problem) for (const h of hives) h.problem = peers.problem;
  }

  const dir = mkdtempSync(join(tmpdir(), 'eucaim-bench-'));
  const children: Child<unknown>[] = [];
  try {
    log('fanout: starting the demo federation\'s simulators and HTTP subgraphs ...');
    const upstream = await startChild<FanoutUpstreamReady>('fan-out subgraphs', join(__dirname, 'upstream', 'fanout-upstream.ts'), {
      env: { BENCH_UPSTREAM: options.upstream ?? 'replay' },
    });
    children.push(upstream);
    const { repositories, catalogUrl } = upstream.ready;
    const subgraphPorts = Object.values(upstream.ready.subgraphPorts);
    const supergraph = peerSupergraph(repositories, catalogUrl);
    const onlyHere = inProcessOnlySubgraphs(repositories);
    if (onlyHere.length > 0) notes.push(`the peers' supergraph leaves out ${onlyHere.join(', ')} (runs only inside this gateway; the query does not use it)`);
    const supergraphFile = join(dir, 'supergraph.graphql');
    writeFileSync(supergraphFile, supergraph);
    const configFile = join(dir, 'federation.json');
    // The repository subgraphs run in the upstream process with their full entries; the gateways only call them, so
    // their copy leaves out what only an adapter reads (`options`) and settings newer than the before-the-move code
    // (`maxConcurrentCalls`, at its default here), which that code's config check would refuse.
    const gatewayEntries = repositories.map(({ options: _options, maxConcurrentCalls: _calls, ...entry }) => entry);
    writeFileSync(configFile, JSON.stringify({ repositories: gatewayEntries }, null, 2));

    for (const contender of contenders) {
      if (contender.problem) continue;
      try {
        contender.child = await startChild<GatewayReady>(contender.label, contender.module, {
          // One load generator stands for many callers: the per-caller rate limit would measure itself.
          env: { ...upstream.ready.env, ...contender.env, BENCH_CONFIG_FILE: configFile, BENCH_SUPERGRAPH_FILE: supergraphFile, RATE_LIMIT_PER_MINUTE: '0' },
          timeoutMs: 120_000, execPath: contender.execPath, cwd: contender.cwd,
        });
        children.push(contender.child);
        contender.target = loadTarget(contender.child.ready.url, options.concurrency);
      } catch (error) {
        contender.problem = `did not start: ${(error as Error).message.split('\n')[0]}`;
      }
    }
    const running = contenders.filter((c) => c.target);
    const ours = contenders[0];
    if (!ours.target) throw new Error(`this gateway ${ours.problem}`);
    notes.push('this gateway answers the catalog in process, as in production; the peers fetch it from the same catalog subgraph over HTTP');
    if (ours.child?.ready.cache) notes.push(`this gateway caches repository answers ${ours.child.ready.cache.description} (per repository cacheTtlSeconds), as npm start does`);

    // Same question, same answer: every gateway must agree before its speed means anything.
    const body = JSON.stringify({ query: options.query });
    const reference = await query(ours.target, options.query);
    if (reference.status !== 200 || reference.body.errors) throw new Error(`this gateway answered the fan-out query with errors: ${JSON.stringify(reference.body).slice(0, 500)}`);
    const sameAnswers = true;
    for (const contender of running.slice(1)) {
      const answer = await query(contender.target!, options.query);
      if (answer.status !== 200 || answer.body.errors || JSON.stringify(answer.body.data) !== JSON.stringify(reference.body.data)) {
        // Its speed would mean nothing: left out, the others still compared.
        contender.problem = `answered differently, so not measured: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
        notes.push(`${contender.label} ${contender.problem}`);
        await contender.target!.pool.close();
        contender.target = undefined;
      }
    }
    running.splice(0, running.length, ...running.filter((c) => c.target));

    const cpuMs = async (child: Child<unknown>) => {
      const usage = await child.call<NodeJS.CpuUsage>('cpu');
      return (usage.user + usage.system) / 1000;
    };
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? running : [...running].reverse();
      for (const contender of order) {
        const at = { gatewayCpu: 0, upstreamCpu: 0 };
        let counts: Record<string, number> = {};
        const run = await runLoad(contender.target!, body, options.concurrency, options.duration, options.warmup, {
          open: async () => {
            await upstream.call('resetRequestCounts');
            [at.gatewayCpu, at.upstreamCpu] = await Promise.all([cpuMs(contender.child!), cpuMs(upstream)]);
          },
          close: async () => {
            const [gatewayCpu, upstreamCpu] = await Promise.all([cpuMs(contender.child!), cpuMs(upstream)]);
            counts = await upstream.call<Record<string, number>>('requestCounts');
            contender.gatewayCpuMs += gatewayCpu - at.gatewayCpu;
            contender.upstreamCpuMs += upstreamCpu - at.upstreamCpu;
          },
        });
        // Requests to the subgraph servers only (the simulators behind them count their own).
        contender.upstreamRequests += subgraphPorts.reduce((a, port) => a + (counts[port] ?? 0), 0);
        contender.answers += run.ok + run.errors;
        contender.runs.push(run);
        log(`fanout: round ${round + 1}/${options.rounds} ${contender.label}: ${run.rps.toFixed(0)} answers/s, p99 ${ms(summarize(run.latencies).p99)}${run.errors ? `, ${run.errors} errors (${run.firstError})` : ''}`);
      }
    }

    const results: FanoutGatewayResult[] = [];
    for (const contender of contenders) {
      if (!contender.target) {
        results.push({ gateway: contender.key, label: contender.label, node: contender.node, tree: contender.tree, rps: NaN, p50: NaN, p90: NaN, p99: NaN, errors: 0, answers: 0, roundsRps: [], upstreamRequestsPerAnswer: NaN, gatewayCpuMsPerAnswer: NaN, gatewayCores: NaN, upstreamCores: NaN, rssMB: NaN, note: contender.problem });
        continue;
      }
      const latencies = contender.runs.flatMap((r) => r.latencies);
      const seconds = contender.runs.reduce((a, r) => a + r.seconds, 0);
      const s = summarize(latencies);
      const memory = await contender.child!.call<NodeJS.MemoryUsage>('memory');
      const errors = contender.runs.reduce((a, r) => a + r.errors, 0);
      results.push({
        gateway: contender.key, label: contender.label, node: contender.node, tree: contender.tree, rps: latencies.length / seconds, p50: s.p50, p90: s.p90, p99: s.p99,
        errors, answers: latencies.length, roundsRps: contender.runs.map((r) => Number(r.rps.toFixed(1))),
        upstreamRequestsPerAnswer: contender.upstreamRequests / Math.max(1, contender.answers),
        gatewayCpuMsPerAnswer: contender.gatewayCpuMs / Math.max(1, contender.answers),
        gatewayCores: contender.gatewayCpuMs / 1000 / seconds, upstreamCores: contender.upstreamCpuMs / 1000 / seconds,
        rssMB: memory.rss / 1024 / 1024,
        note: errors ? `first error: ${contender.runs.find((r) => r.firstError)?.firstError}` : undefined,
      });
      await contender.target.pool.close();
    }
    const row = (key: ContenderKey) => results.find((r) => r.gateway === key)!;
    const [t, off, st, hv] = (['this', 'this-no-cache', 'stock', 'hive'] as const).map(row);
    const runtimeRatios: RuntimeRatios = {
      nowOverBeforeNode20: ratioSet(t, row('this-before-node20')),
      runtimeOnly: ratioSet(row('this-before-node24'), row('this-before-node20')),
      codeOnly: ratioSet(t, row('this-before-node24')),
    };
    const ratios = {
      rpsThisOverStock: t.rps / st.rps, rpsThisOverHive: t.rps / hv.rps,
      p99ThisOverStock: t.p99 / st.p99, p99ThisOverHive: t.p99 / hv.p99,
      rpsCacheOffOverStock: off.rps / st.rps, rpsCacheOffOverHive: off.rps / hv.rps,
      rpsCacheOffOverStockUndici: off.rps / row('stock-undici').rps, p99CacheOffOverStockUndici: off.p99 / row('stock-undici').p99,
      p99CacheOffOverHive: off.p99 / hv.p99,
    };
    const fairVerdict = (ours: FanoutGatewayResult, peer: FanoutGatewayResult, what: string): Verdict => ({
      target: `fan-out, ${what}: at least 1.2x ${peer.label}'s answers/s at equal or lower p99`,
      met: Number.isFinite(peer.rps) && sameAnswers ? ours.rps >= 1.2 * peer.rps && ours.p99 <= peer.p99 && ours.errors === 0 : null,
      figure: !Number.isFinite(peer.rps) ? `${peer.label} not measured: ${peer.note}`
        : `${ratio(ours.rps / peer.rps)} (${ours.rps.toFixed(0)} vs ${peer.rps.toFixed(0)} answers/s), p99 ${ms(ours.p99)} vs ${ms(peer.p99)}, gateway CPU per answer ${ratio(ours.gatewayCpuMsPerAnswer / peer.gatewayCpuMsPerAnswer)}`,
    });
    const verdicts: Verdict[] = [
      fairVerdict(t, row('hive-cache'), 'cache on (the fair peer: Hive with responseCaching)'),
      fairVerdict(off, row('hive-dedup'), 'cache off (the fair peer: Hive with inbound de-duplication)'),
      {
      target: 'fan-out: at least 1.2x Hive Gateway\'s RPS (its defaults) at equal or lower p99',
      met: Number.isFinite(hv.rps) && sameAnswers ? t.rps >= 1.2 * hv.rps && t.p99 <= hv.p99 && t.errors === 0 : null,
      figure: !Number.isFinite(hv.rps) ? `Hive Gateway not measured: ${hv.note}`
        : `${ratio(ratios.rpsThisOverHive)} Hive's RPS (${t.rps.toFixed(0)} vs ${hv.rps.toFixed(0)}), p99 ${ms(t.p99)} vs ${ms(hv.p99)}`
          + `${t.errors ? `, ${t.errors} errors` : ''}${sameAnswers ? '' : '; the gateways\' answers differ (see the notes), so the comparison does not hold'}`,
    }];
    return {
      scenario: 'fanout', query: options.query, repositories: repositories.length, cases: upstream.ready.cases,
      concurrency: options.concurrency, secondsPerRound: options.duration, rounds: options.rounds, warmupSeconds: options.warmup,
      upstream: upstream.ready.upstream, gateways: results, ratios, runtimeRatios, sameAnswers, notes, verdicts,
    };
  } finally {
    for (const child of children.reverse()) await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "answers/s 1.02x, p99 0.97x, RSS 1.10x, gateway CPU/answer 0.95x" */
function printRatioSet(r: RatioSet): string {
  return `answers/s ${ratio(r.rps)}, p99 ${ratio(r.p99)}, RSS ${ratio(r.rss)}, gateway CPU/answer ${ratio(r.cpuPerAnswer)}`;
}

/** The runtime lines: this gateway now over before the move, and what the runtime alone changes. */
function printRuntimeRatios(result: FanoutResult): string[] {
  const row = (key: ContenderKey) => result.gateways.find((g) => g.gateway === key);
  const now = row('this');
  const before20 = row('this-before-node20');
  const before24 = row('this-before-node24');
  if (!now || !before20 || !Number.isFinite(before20.rps)) return [`runtime: no Node 20 row: ${before20?.note ?? 'not run'}`];
  const r = result.runtimeRatios;
  const lines = [`runtime: this gateway now on Node ${now.node} / before the move on Node ${before20.node}: ${printRatioSet(r.nowOverBeforeNode20)}`];
  if (before24 && Number.isFinite(before24.rps)) {
    lines.push(`         runtime only (before-the-move code, Node ${before24.node} / Node ${before20.node}): ${printRatioSet(r.runtimeOnly)}`);
    lines.push(`         code and dependencies only (now / before the move, both on Node ${now.node}): ${printRatioSet(r.codeOnly)}`);
  }
  return lines;
}

export function printFanout(result: FanoutResult): string {
  const rows = [['gateway', 'node', 'answers/s', 'p50', 'p90', 'p99', 'errors', 'subgraph req/answer', 'gateway CPU/answer', 'cores: gateway/subgraphs', 'RSS', 'per round (answers/s)']];
  for (const g of result.gateways) {
    rows.push(Number.isFinite(g.rps)
      ? [g.label, g.node, g.rps.toFixed(1), ms(g.p50), ms(g.p90), ms(g.p99), int(g.errors), g.upstreamRequestsPerAnswer.toFixed(2), ms(g.gatewayCpuMsPerAnswer, 2),
        `${g.gatewayCores.toFixed(2)} / ${g.upstreamCores.toFixed(2)}`, mb(g.rssMB * 1024 * 1024), g.roundsRps.map((r) => r.toFixed(0)).join(' / ')]
      : [g.label, g.node, 'n/a', '', '', '', '', '', '', '', '', g.note ?? '']);
  }
  const r = result.ratios;
  return [
    `fan-out: ${result.repositories} repositories (${int(result.cases)} cases) behind HTTP subgraphs, ${result.concurrency} clients, `
      + `${result.rounds} round(s) of ${result.warmupSeconds} s warm-up + ${result.secondsPerRound} s measured per gateway, order reversed each round`,
    result.upstream === 'replay'
      ? 'upstream: precomputed subgraph answers (a replay server in front of each subgraph answers each distinct request as the subgraph did; --upstream live for the subgraphs themselves); "cores: subgraphs" is the upstream process'
      : 'upstream: the live subgraphs and simulators, in one process ("cores: subgraphs"); it can cap gateways that do not de-duplicate',
    `query: ${result.query}`,
    table(rows),
    `ratios: this/stock RPS ${ratio(r.rpsThisOverStock)}, p99 ${ratio(r.p99ThisOverStock)};  this/Hive RPS ${ratio(r.rpsThisOverHive)}, p99 ${ratio(r.p99ThisOverHive)}`,
    `        this with cache off: /stock RPS ${ratio(r.rpsCacheOffOverStock)};  /stock with undici RPS ${ratio(r.rpsCacheOffOverStockUndici)}, p99 ${ratio(r.p99CacheOffOverStockUndici)};  /Hive RPS ${ratio(r.rpsCacheOffOverHive)}, p99 ${ratio(r.p99CacheOffOverHive)}`,
    ...printRuntimeRatios(result),
    `same answer from every gateway: ${result.sameAnswers ? 'yes' : 'NO'}`,
    ...result.notes.map((n) => `note: ${n}`),
  ].join('\n');
}
