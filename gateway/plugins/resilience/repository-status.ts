/**
 * What the gateway knows about each repository right now, from the calls it made: fed by the circuit-breaker
 * middleware (which sees every call's final outcome, after retries), shown on /readyz, and readable by any part
 * of the gateway through getRepositoryStatus(id).
 *
 * A repository's state (its breaker, retry budget and status) is kept per repository id and survives a config
 * reload while the repository's endpoint, subgraph and apiKind stay the same; a changed one starts afresh.
 */
import type { RepositoryEntry } from '../../../subgraphs/sdk/entry';
import { CircuitBreaker, type Admission, type CircuitState } from './circuit-breaker';
import { ErrorCode } from '../../../subgraphs/sdk/errors';
import { DEFAULT_CIRCUIT_BREAKER } from '../../../config/federation-config';
import { DEFAULT_RETRY_BUDGET, RetryBudget, type RetryBudgetSettings } from './retry-budget';

/**
 * UNKNOWN: not called yet. OK: the last call answered (errors about the request itself count as answers).
 * FAILED: the last call failed (unreachable, HTTP error, bad response). TIMED_OUT: the last call timed out.
 * CIRCUIT_OPEN: the breaker is open (or half-open with its probe not yet back): calls are refused without asking.
 */
export type RepositoryState = 'UNKNOWN' | 'OK' | 'FAILED' | 'TIMED_OUT' | 'CIRCUIT_OPEN';

export interface RepositoryStatus {
  repositoryId: string;
  state: RepositoryState;
  /** When the repository entered this state (ISO 8601). */
  since: string;
  /** extensions.code of the last failed call (kept after recovery), null when none failed. */
  lastErrorCode: string | null;
  /** When the last call failed (ISO 8601). */
  lastErrorAt: string | null;
  /** Duration of the last call that reached the repository, retries included. */
  lastLatencyMs: number | null;
  /** When the last call that reached the repository ended (ISO 8601). */
  lastCallAt: string | null;
  consecutiveFailures: number;
  circuit: CircuitState;
  /** While the breaker is open: milliseconds until it lets a probe through. */
  retryAfterMs: number | null;
}

type CallState = 'UNKNOWN' | 'OK' | 'FAILED' | 'TIMED_OUT';

/** One repository's breaker, retry budget and status. */
export class RepositoryHealth {
  readonly breaker: CircuitBreaker;
  private budget?: RetryBudget;
  private lastCall: CallState = 'UNKNOWN';
  private shown: RepositoryState = 'UNKNOWN';
  private sinceMs: number;
  private lastErrorCode: string | null = null;
  private lastErrorAtMs: number | null = null;
  private lastLatencyMs: number | null = null;
  private lastCallAtMs: number | null = null;

  constructor(readonly repositoryId: string, readonly identity: string, breaker: { failureThreshold: number; resetAfterMs: number }, private readonly now: () => number) {
    this.breaker = new CircuitBreaker(breaker, now);
    this.sinceMs = now();
  }

  /** The retry budget (created on first use with these settings). */
  retryBudget(settings: RetryBudgetSettings = DEFAULT_RETRY_BUDGET): RetryBudget {
    this.budget ??= new RetryBudget(settings, this.now);
    return this.budget;
  }

  /** Asks the breaker for a call. */
  admit(): Admission {
    const admission = this.breaker.admit();
    this.refresh();
    return admission;
  }

  /** A call admitted by admit() ended: `failureCode` when it failed as a repository failure. */
  completed(probe: boolean, latencyMs: number, failureCode: string | undefined): void {
    const at = this.now();
    this.lastLatencyMs = Math.round(latencyMs);
    this.lastCallAtMs = at;
    if (failureCode) {
      this.breaker.failure(probe);
      this.lastCall = failureCode === ErrorCode.TIMEOUT ? 'TIMED_OUT' : 'FAILED';
      this.lastErrorCode = failureCode;
      this.lastErrorAtMs = at;
    } else {
      this.breaker.success(probe);
      this.lastCall = 'OK';
    }
    this.refresh();
  }

  /** A call admitted by admit() was cancelled (its caller went away): neither a success nor a failure. */
  cancelled(probe: boolean): void {
    this.breaker.cancelled(probe);
  }

  status(): RepositoryStatus {
    this.refresh();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const circuit = this.breaker.state;
    return {
      repositoryId: this.repositoryId,
      state: this.shown,
      since: new Date(this.sinceMs).toISOString(),
      lastErrorCode: this.lastErrorCode,
      lastErrorAt: iso(this.lastErrorAtMs),
      lastLatencyMs: this.lastLatencyMs,
      lastCallAt: iso(this.lastCallAtMs),
      consecutiveFailures: this.breaker.consecutiveFailures,
      circuit,
      retryAfterMs: circuit === 'CLOSED' ? null : this.breaker.retryAfterMs,
    };
  }

  private refresh(): void {
    const state: RepositoryState = this.breaker.state === 'CLOSED' ? this.lastCall : 'CIRCUIT_OPEN';
    if (state !== this.shown) {
      this.shown = state;
      this.sinceMs = this.now();
    }
  }
}

export class RepositoryStatusRegistry {
  private readonly repositories = new Map<string, RepositoryHealth>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The state of an entry's repository: the existing one when the repository is the same (same endpoint, subgraph
   * and apiKind; its breaker takes the entry's current settings), a fresh one otherwise.
   */
  attach(entry: RepositoryEntry): RepositoryHealth {
    const identity = JSON.stringify([entry.apiKind, entry.endpoint, entry.subgraph]);
    const settings = entry.circuitBreaker ?? DEFAULT_CIRCUIT_BREAKER;
    const existing = this.repositories.get(entry.id);
    if (existing && existing.identity === identity) {
      existing.breaker.configure(settings);
      return existing;
    }
    const health = new RepositoryHealth(entry.id, identity, settings, this.now);
    this.repositories.set(entry.id, health);
    return health;
  }

  get(repositoryId: string): RepositoryHealth | undefined {
    return this.repositories.get(repositoryId);
  }

  status(repositoryId: string): RepositoryStatus | undefined {
    return this.repositories.get(repositoryId)?.status();
  }
}

/** The gateway process's registry. */
export const repositoryStatuses = new RepositoryStatusRegistry();

/**
 * The current status of a repository (by its config id), or undefined for an id the gateway has not served.
 * Cheap (no I/O, no allocation beyond the returned object): call it per request.
 */
export function getRepositoryStatus(repositoryId: string): RepositoryStatus | undefined {
  return repositoryStatuses.status(repositoryId);
}
