/** Shape of the warm-up + cosine learning-rate schedule. */
export interface ScheduleOptions {
  /** Fraction of the steps spent in linear warm-up (0..1); warm-up length = ceil(fraction · T) steps. */
  warmupFraction: number;
  /** Final learning rate as a fraction of the base rate (0 = decay to zero). */
  minFraction: number;
}

/** 5% linear warm-up, then cosine decay to 0 (DESIGN.md section 3 recipe). */
export const SCHEDULE_DEFAULTS: ScheduleOptions = { warmupFraction: 0.05, minFraction: 0 };

/**
 * Learning rate (same unit as `base`) for 0-based step `t` of `total` steps: base·(t+1)/W during the
 * first W = ceil(warmupFraction·total) steps, then floor + (base − floor)·(1 + cos(π·(t − W)/(total − W)))/2,
 * which equals base at t = W and reaches floor = base·minFraction just after the last step.
 */
export function warmupCosine(base: number, t: number, total: number, options: Partial<ScheduleOptions> = {}): number {
  const { warmupFraction, minFraction } = { ...SCHEDULE_DEFAULTS, ...options };
  const warmup = Math.min(total, Math.ceil(Math.max(0, warmupFraction) * total));
  if (t < warmup) return (base * (t + 1)) / warmup;
  const progress = Math.min(1, (t - warmup) / Math.max(1, total - warmup));
  const floor = base * minFraction;
  return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
