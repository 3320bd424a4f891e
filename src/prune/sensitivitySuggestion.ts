/**
 * Per-layer overrides suggested by the per-block sensitivity: the same total MACs saving as the current prune
 * setting, spread so that blocks whose pruning cost more agreement are cut less. Rule (README "Per-layer
 * sensitivity"): rate_b = min(maxRate, s · exp(−loss_b / T)), loss_b = max(0, agreement lost by block b alone),
 * T = max(mean loss, minTemperature); s is the smallest scale (bisection) whose overrides save at least the
 * current MACs fraction, each probe being the exact saving of the prune the overrides give (prunePreview).
 * Rates are rounded up to a multiple of `step`, so the rule stays monotone: a larger loss never gets a higher rate.
 */
import type { VitConfig } from '../model/vitConfig';
import { prunePreview } from './prunePreview';
import type { PruneSettings } from './pruneSettings';
import type { ScoreSet } from './scoreSet';

/** Options of the suggestion. */
export interface SuggestionOptions {
  /** Highest rate any block is given (the studio's override slider ends at 0.9). */
  maxRate: number;
  /** Smallest temperature (fraction of agreement) so that tiny, noisy losses do not decide alone. */
  minTemperature: number;
  /** Rates are multiples of this (0.001 = 0.1%). */
  step: number;
  /** Bisection rounds on the scale. */
  rounds: number;
}

/** Defaults of the suggestion. */
export const SUGGESTION_DEFAULTS: SuggestionOptions = { maxRate: 0.9, minTemperature: 0.005, step: 0.001, rounds: 40 };

/** Suggested overrides, the MACs fraction they save and the one they aim at (the current setting's). */
export interface SuggestedOverrides {
  /** Block index -> rate in [0, maxRate], for every block. */
  blockRates: Record<number, number>;
  /** Fraction 0..1 of MACs saved with these overrides (>= target unless `reached` is false). */
  macsSaved: number;
  /** Fraction 0..1 of MACs the current setting saves. */
  target: number;
  /** False when every block at maxRate still saves less than the target. */
  reached: boolean;
}

/** Relative weight of every block: exp(−max(0, loss) / T), T = max(mean of the clamped losses, minTemperature). */
export function sensitivityWeights(losses: number[], minTemperature = SUGGESTION_DEFAULTS.minTemperature): number[] {
  const clamped = losses.map((l) => (Number.isFinite(l) ? Math.max(0, l) : 0));
  const mean = clamped.reduce((s, l) => s + l, 0) / Math.max(1, clamped.length);
  const t = Math.max(mean, minTemperature);
  return clamped.map((l) => Math.exp(-l / t));
}

/** Overrides at scale `s`: min(maxRate, s·w) rounded up to a multiple of `step`. */
function ratesAt(weights: number[], s: number, opts: SuggestionOptions): Record<number, number> {
  const steps = Math.round(opts.maxRate / opts.step);
  return Object.fromEntries(weights.map((w, b) => [b, Number((Math.min(steps, Math.max(0, Math.ceil(s * w / opts.step - 1e-9))) * opts.step).toFixed(6))]));
}

/**
 * Overrides for every block from its agreement lost (`losses`, one per block, fractions) that save at least the
 * MACs `settings` save over `ranking` now, as little above as the rates' step allows.
 */
export function suggestedBlockRates(cfg: VitConfig, ranking: ScoreSet, settings: PruneSettings, losses: number[],
  options: Partial<SuggestionOptions> = {}): SuggestedOverrides {
  const opts = { ...SUGGESTION_DEFAULTS, ...options };
  if (losses.length !== cfg.depth) throw new RangeError(`${losses.length} block losses for a model of ${cfg.depth} blocks`);
  const target = prunePreview(cfg, ranking, settings).macsSaved;
  const weights = sensitivityWeights(losses, opts.minTemperature);
  const savedAt = (s: number) => prunePreview(cfg, ranking, { ...settings, blockRates: ratesAt(weights, s, opts) }).macsSaved;
  let hi = opts.maxRate / Math.min(...weights); // every block at maxRate
  const most = savedAt(hi);
  if (most < target) return { blockRates: ratesAt(weights, hi, opts), macsSaved: most, target, reached: false };
  if (savedAt(0) >= target) return { blockRates: ratesAt(weights, 0, opts), macsSaved: savedAt(0), target, reached: true };
  let lo = 0;
  for (let i = 0; i < opts.rounds; i++) { // invariant: scale hi reaches the target
    const mid = (lo + hi) / 2;
    if (savedAt(mid) >= target) hi = mid; else lo = mid;
  }
  return { blockRates: ratesAt(weights, hi, opts), macsSaved: savedAt(hi), target, reached: true };
}
