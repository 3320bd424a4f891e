/** Options of a RateLimiter: the smallest gap between two accepted events and the clock. */
export interface RateLimiterOptions {
  /** Minimum milliseconds between two accepted events. */
  intervalMs: number;
  /** Monotonic clock in ms (injectable for tests). */
  now: () => number;
}

/** Defaults: 100 ms (10 events/s) on performance.now(). */
export const RATE_LIMITER_DEFAULTS: RateLimiterOptions = { intervalMs: 100, now: () => performance.now() };

/** Accepts at most one event per interval; `force` accepts regardless (e.g. the last step). */
export class RateLimiter {
  private readonly opts: RateLimiterOptions;
  private last = -Infinity;

  /** A limiter with the given interval (default 100 ms). */
  constructor(options: Partial<RateLimiterOptions> = {}) {
    this.opts = { ...RATE_LIMITER_DEFAULTS, ...options };
  }

  /** True when an event may go out now (and records it as sent). */
  accept(force = false): boolean {
    const t = this.opts.now();
    if (!force && t - this.last < this.opts.intervalMs) return false;
    this.last = t;
    return true;
  }
}
