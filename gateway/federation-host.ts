/**
 * Holds the federation the gateway serves and swaps it on a config change without a restart and without dropping
 * in-flight requests: the new config is validated and composed first (a bad one is refused with its problems and
 * the old federation stays), then the gateway gets the new supergraph through its SupergraphSdlHook. Local
 * subgraph URLs carry a generation, so the gateway builds fresh data sources for the new federation while requests
 * that started before keep the data sources they planned with (the gateway snapshots its service map per request).
 * The old federation is closed once those requests have had time to finish. What lives outside the federation and
 * follows the config (the gateway's authentication, gateway/plugins/auth/auth-switch.ts) is told through a ReloadFollower,
 * which may also refuse a config.
 */
import type { GraphQLDataSource, ServiceEndpointDefinition, SupergraphSdlHook } from '@apollo/gateway';
import { watch, type FSWatcher } from 'node:fs';
import { ConfigError, loadFederationConfig, type FederationConfig } from '../config/federation-config';
import type { AdapterKind } from '../subgraphs/sdk/adapter';
import { buildFederation, type Federation } from './federation';

export interface ReloadOutcome {
  ok: boolean;
  generation: number;
  problems?: string[];
}

/** Something that follows the config: may refuse one (its problems refuse the whole reload), follows each swapped in. */
export interface ReloadFollower {
  refuse?(config: FederationConfig): string[];
  follow(config: FederationConfig): void;
}

export class FederationHost {
  private federation: Federation;
  private generationNumber = 1;
  private update?: (supergraphSdl: string) => void;
  private watcher?: FSWatcher;
  private readonly retiring = new Set<NodeJS.Timeout>();
  private readonly retired: Federation[] = [];
  private readonly followers: ReloadFollower[] = [];
  private closed = false;
  /** A reloaded federation being warmed before its swap: the host's close closes it too (it would serve nobody). */
  private warming: Federation | undefined;
  /**
   * Warms a reloaded federation's adapters before it is swapped in (the gateway sets it when it warms up at start):
   * the old federation serves, warm, meanwhile, so a config edit never makes the next queries wait for harvests.
   */
  warmBeforeSwap?: (next: Federation) => Promise<void>;

  constructor(
    config: FederationConfig,
    private readonly kinds: readonly AdapterKind[],
    private readonly env: NodeJS.ProcessEnv,
    /** Turns a config into the one to serve (the demo starts simulators for its simulated entries). */
    private readonly prepare: (config: FederationConfig) => Promise<FederationConfig> = async (c) => c,
  ) {
    this.federation = buildFederation(config, kinds, env, this.generationNumber);
  }

  get current(): Federation {
    return this.federation;
  }

  get generation(): number {
    return this.generationNumber;
  }

  /** For ApolloGateway's `supergraphSdl`: hands out the current supergraph and keeps the update function. */
  readonly supergraphHook: SupergraphSdlHook = async ({ update }) => {
    this.update = update;
    return { supergraphSdl: this.federation.supergraphSdl };
  };

  /** For ApolloGateway's `buildService`: the data source of the federation whose supergraph named this URL. */
  dataSourceFor({ name }: ServiceEndpointDefinition): GraphQLDataSource {
    const dataSource = this.federation.dataSources.get(name);
    if (!dataSource) throw new Error(`no data source for subgraph "${name}"`);
    return dataSource;
  }

  followReloads(follower: ReloadFollower): void {
    this.followers.push(follower);
  }

  /** Validates, composes and swaps in a new config. Returns the problems of a refused one. */
  /** Reloads one after another: two overlapping ones would both be checked against the old state. */
  reload(config: FederationConfig): Promise<ReloadOutcome> {
    const outcome = this.reloading.then(() => this.reloadNow(config));
    this.reloading = outcome.then(() => undefined, () => undefined);
    return outcome;
  }

  private reloading: Promise<void> = Promise.resolve();

  private async reloadNow(config: FederationConfig): Promise<ReloadOutcome> {
    // Before prepare, which starts the demo's simulators for the new config.
    const refusals = this.followers.flatMap((follower) => follower.refuse?.(config) ?? []);
    if (refusals.length > 0) return { ok: false, generation: this.generationNumber, problems: refusals };
    let next: Federation;
    try {
      next = buildFederation(await this.prepare(config), this.kinds, this.env, this.generationNumber + 1, this.federation);
    } catch (error) {
      const problems = error instanceof ConfigError ? error.problems : [(error as Error).message];
      return { ok: false, generation: this.generationNumber, problems };
    }
    const neverServed: ReloadOutcome = { ok: false, generation: this.generationNumber, problems: ['the gateway closed before the reloaded config could serve'] };
    if (this.closed) {
      // Closed while the config was prepared: the new generation is closed here, before it harvests.
      await next.close().catch(() => undefined);
      return neverServed;
    }
    this.warming = next;
    try {
      if (this.warmBeforeSwap) await this.warmBeforeSwap(next);
    } finally {
      if (this.warming === next) this.warming = undefined;
    }
    // Closed while it warmed: close() took it from `warming` and closed it, harvests and all. It never serves.
    if (this.closed) return neverServed;
    const previous = this.federation;
    this.federation = next;
    this.generationNumber++;
    for (const follower of this.followers) follower.follow(next.config);
    this.update?.(next.supergraphSdl);
    this.retire(previous);
    return { ok: true, generation: this.generationNumber };
  }

  /** Reloads when the config file changes; a file that does not validate is logged and the federation stays. */
  watchConfig(path: string, log: (line: string) => void = console.log): void {
    let timer: NodeJS.Timeout | undefined;
    this.watcher = watch(path, () => {
      // Editors write in several steps: settle before reading.
      clearTimeout(timer);
      timer = setTimeout(() => void this.reloadFromFile(path, log), 200);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    for (const timer of this.retiring) clearTimeout(timer);
    const warming = this.warming;
    this.warming = undefined;
    await Promise.all([this.federation, ...this.retired, ...(warming ? [warming] : [])].map((f) => f.close()));
  }

  private async reloadFromFile(path: string, log: (line: string) => void): Promise<void> {
    let config: FederationConfig;
    try {
      config = loadFederationConfig(path, this.kinds);
    } catch (error) {
      log(`config change refused, still serving generation ${this.generationNumber}: ${(error as Error).message}`);
      return;
    }
    const outcome = await this.reload(config);
    log(outcome.ok
      ? `config reloaded: generation ${outcome.generation}, ${config.repositories.length} repositories`
      : `config change refused, still serving generation ${outcome.generation}:\n${outcome.problems?.map((p) => `  - ${p}`).join('\n')}`);
  }

  /** Closes a replaced federation after the longest a request already running on it can take. */
  private retire(federation: Federation): void {
    this.retired.push(federation);
    const longest = Math.max(1_000, ...federation.config.repositories.map((r) => r.timeoutMs * ((r.retries ?? 0) + 1)));
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      this.retired.splice(this.retired.indexOf(federation), 1);
      // A connection that fails to close harms nobody now; an unhandled rejection would end the process.
      federation.close().catch(() => undefined);
    }, Math.min(longest * 2, 120_000));
    timer.unref();
    this.retiring.add(timer);
  }
}
