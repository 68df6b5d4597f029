/**
 * A retry budget for one repository (a token bucket, after Finagle's RetryBudget): every call deposits `ratio` of a
 * token, every retry withdraws a whole one, and a floor of `floorPerSecond` tokens a second keeps a quiet
 * repository retryable. The bucket holds at most `capacity` tokens and starts full. So over any window of T
 * seconds, retries <= capacity + ratio * calls + floorPerSecond * T: when a repository fails every call, retries
 * add at most ~ratio to its load instead of multiplying it by (1 + retries).
 */
export interface RetryBudgetSettings {
  /** Tokens deposited per call: the share of calls that may be retried (0.2 = 20%). */
  ratio: number;
  /** Tokens a second, whatever the traffic: the floor that lets a rarely asked repository retry. */
  floorPerSecond: number;
  /** Most tokens held, and the start: bounds a burst of retries after a quiet time. */
  capacity: number;
}

export const DEFAULT_RETRY_BUDGET: RetryBudgetSettings = { ratio: 0.2, floorPerSecond: 1, capacity: 10 };

export class RetryBudget {
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly settings: RetryBudgetSettings = DEFAULT_RETRY_BUDGET, private readonly now: () => number = Date.now) {
    this.tokens = settings.capacity;
    this.refilledAt = now();
  }

  /** A call starts (first attempt). */
  deposit(): void {
    this.refill();
    this.tokens = Math.min(this.settings.capacity, this.tokens + this.settings.ratio);
  }

  /** A retry wants to start: true (and one token spent) when the budget allows it. */
  withdraw(): boolean {
    this.refill();
    // The epsilon absorbs float sums: ten deposits of 0.1 make a whole token.
    if (this.tokens < 1 - 1e-9) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole retries available now. */
  get available(): number {
    this.refill();
    return Math.floor(this.tokens + 1e-9);
  }

  private refill(): void {
    const now = this.now();
    const seconds = Math.max(0, now - this.refilledAt) / 1000;
    this.refilledAt = now;
    this.tokens = Math.min(this.settings.capacity, this.tokens + seconds * this.settings.floorPerSecond);
  }
}

/**
 * "Full jitter" exponential backoff (AWS architecture blog, 2015): the delay before retry n (1-based) is uniform in
 * [0, min(maxDelayMs, baseDelayMs * 2^(n-1))). Spreads the retries of many callers instead of synchronising them.
 */
export function fullJitterDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
