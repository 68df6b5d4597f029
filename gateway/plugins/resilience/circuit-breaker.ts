/**
 * A circuit breaker for one repository. CLOSED: calls go through; `failureThreshold` consecutive failed calls open
 * it. OPEN: calls are refused at once for `resetAfterMs`. Then HALF_OPEN: one probe call goes through (the others
 * are still refused); its success closes the breaker, its failure opens it again for another `resetAfterMs`.
 * No timers: time is read when a call asks.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitBreakerSettings {
  failureThreshold: number;
  resetAfterMs: number;
}

export type Admission =
  | { allowed: true; /** The half-open probe: its outcome decides the breaker's state. */ probe: boolean }
  | { allowed: false; /** Milliseconds until the breaker lets a probe through (0: a probe is running). */ retryAfterMs: number };

export class CircuitBreaker {
  private circuit: CircuitState = 'CLOSED';
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private probeStartedAt = 0;

  constructor(private settings: CircuitBreakerSettings, private readonly now: () => number = Date.now) {}

  /** Takes new settings (a reloaded config) and keeps the state. */
  configure(settings: CircuitBreakerSettings): void {
    this.settings = settings;
  }

  /** The state now: an OPEN breaker whose reset time has passed reads HALF_OPEN. */
  get state(): CircuitState {
    if (this.circuit === 'OPEN' && this.now() - this.openedAt >= this.settings.resetAfterMs) return 'HALF_OPEN';
    return this.circuit;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Milliseconds until a probe may go through; 0 unless open. */
  get retryAfterMs(): number {
    if (this.circuit !== 'OPEN') return 0;
    return Math.max(0, this.openedAt + this.settings.resetAfterMs - this.now());
  }

  /** Asks to make a call. An allowed call must report `success()` or `failure()` when it ends. */
  admit(): Admission {
    const state = this.state;
    if (state === 'CLOSED') return { allowed: true, probe: false };
    if (state === 'OPEN') return { allowed: false, retryAfterMs: this.retryAfterMs };
    // A probe that never reported back (it cannot happen through the middlewares) frees its slot after resetAfterMs.
    if (this.probing && this.now() - this.probeStartedAt < this.settings.resetAfterMs) return { allowed: false, retryAfterMs: 0 };
    this.circuit = 'HALF_OPEN';
    this.probing = true;
    this.probeStartedAt = this.now();
    return { allowed: true, probe: true };
  }

  /**
   * The call answered (even with an error about the request itself). Returns true when this closed the breaker:
   * the probe succeeded, or a call admitted before the breaker opened succeeded while no probe runs.
   */
  success(probe: boolean): boolean {
    const closing = this.circuit !== 'CLOSED' && (probe || !this.probing);
    if (probe) this.probing = false;
    this.failures = 0;
    if (closing) this.circuit = 'CLOSED';
    return closing;
  }

  /**
   * The call was cancelled before the repository answered (its caller went away): it says nothing of the repository.
   * A probe gives its turn to the next call.
   */
  cancelled(probe: boolean): void {
    if (probe) this.probing = false;
  }

  /**
   * The call failed as a repository failure. Returns true when this opened the breaker: the threshold was reached,
   * or the probe failed (open again for another resetAfterMs). Late failures of calls admitted before the breaker
   * opened count but do not move its reset time.
   */
  failure(probe: boolean): boolean {
    if (probe) this.probing = false;
    this.failures++;
    if (probe || (this.circuit === 'CLOSED' && this.failures >= this.settings.failureThreshold)) {
      this.circuit = 'OPEN';
      this.openedAt = this.now();
      return true;
    }
    return false;
  }
}
