/**
 * Pruning to a budget instead of a rate: the fewest ranked dims whose removal saves at least a target fraction
 * of a cost (params, MACs or predicted latency), found by bisection over the ranked order. Rounding, the one-dim
 * floor per gate and per-block overrides are applied at every probe, so the saving is that of the final mask.
 */
import { blockDimsAt, type VitConfig } from '../model/vitConfig';
import type { ScoreSet } from './scoreSet';
import { keptBlockDims } from './keptDims';
import { assertRoundTo, GLOBAL_GROUP, maskFromGroups, rankGroups, rateCount, type GateCosts, type HeadUnits, type PruneMask, type RankedGroups, type SublayerUnits } from './pruneMask';
import { gateDimCosts, headCosts, sublayerCosts, type CostMeasure } from './costMeasure';
import { budgetPlan, planDims, planWidths, type BudgetPlan } from './budgetPlan';
import type { SublayerScoreForm } from './sublayerScore';

/** A budget prune: save `target` of `measure`'s cost, ranking by |a| or |a| per cost. */
export interface BudgetOptions {
  /** Fraction 0..1 of the cost saved (relative to `cfg` as it is). */
  target: number;
  measure: CostMeasure;
  rank: 'abs' | 'cost';
  /** Per-block override rates (fractions of that block's dims); their savings count toward the target. */
  blockRates?: Record<number, number>;
  /** Round kept widths up to a multiple of this (1 = off). */
  roundTo?: number;
  /** Rank whole heads as units next to the dims (a head's score: its value dims' |a|). */
  heads?: boolean;
  /** Rank whole sublayers as units next to the dims (a sublayer's score: its output gate's mean |a|, or from its learned gate). */
  sublayers?: boolean;
  /** How a learned sublayer gate scores its unit; default SUBLAYER_SCORE_FORM (measured; README "Whole sublayers"). */
  sublayerScore?: SublayerScoreForm;
}

/** A budget's mask and the fraction of the cost it saves (>= target unless out of reach; then the most it can). */
export interface BudgetMask extends PruneMask { saved: number }

/** Checks a budget target: a number in [0, 1). */
export function assertTarget(target: number): void {
  if (!Number.isFinite(target) || target < 0 || target >= 1) throw new RangeError(`budget must be a fraction in [0, 1), got ${target}`);
}

/** Ranked groups and their plan, cached per score set and ranking (a slider move then only bisects). */
interface Ranked { groups: RankedGroups; plan: BudgetPlan }
const cache = new WeakMap<ScoreSet, Map<string, Ranked>>();

/** The ranking of `scores` for these options, from the cache when the same scores were ranked the same way. */
function ranked(cfg: VitConfig, scores: ScoreSet, blockRates: Record<number, number>, roundTo: number, costs?: GateCosts[], heads?: HeadUnits, sublayers?: SublayerUnits): Ranked {
  const key = JSON.stringify([blockRates, roundTo, costs ?? null, cfg.blocks, heads ?? null, sublayers ?? null]);
  const entries = cache.get(scores) ?? new Map<string, Ranked>();
  const hit = entries.get(key);
  if (hit) return hit;
  const groups = rankGroups(scores, blockRates, GLOBAL_GROUP, costs, heads, sublayers);
  const entry = { groups, plan: budgetPlan(cfg, scores, groups, roundTo) };
  if (entries.size >= 8) entries.clear();
  entries.set(key, entry);
  cache.set(scores, entries);
  return entry;
}

/** The smallest n >= lo whose first n units of `plan` save at least `target` (the order's length when none does). */
function bisect(plan: BudgetPlan, lo: number, target: number, savedAt: (p: BudgetPlan, n: number) => number): number {
  let hi = plan.order.length;
  if (savedAt(plan, hi) < target) return hi;
  while (lo < hi) { // invariant: the first hi units reach the target
    const mid = Math.floor((lo + hi) / 2);
    if (savedAt(plan, mid) >= target) hi = mid; else lo = mid + 1;
  }
  return hi;
}

/** Overshoot above which a whole head (or sublayer) that ends the prefix is skipped for the units after it (fraction of the cost). */
const HEAD_SKIP_SLACK = 0.002;
/** Most heads skipped that way (heads of equal score sit next to each other in the order). */
const MAX_HEAD_SKIPS = 32;

/**
 * The shortest prefix reaching `target`; when it ends with a whole head that overshoots (a head is up to twice a
 * dim block's step: its q, k and all its value dims), that head is left out and the units after it fill the budget
 * instead, repeatedly; the prefix that lands closest wins.
 */
function headSkipped(start: Ranked, target: number, savedAt: (p: BudgetPlan, n: number) => number): Ranked & { n: number } {
  let current = { ...start, n: bisect(start.plan, 0, target, savedAt) };
  let best = current;
  let bestOver = savedAt(current.plan, current.n) - target;
  for (let skip = 0; skip < MAX_HEAD_SKIPS && bestOver > HEAD_SKIP_SLACK; skip++) {
    const last = current.n - 1;
    if (last < 0 || current.plan.order[last] >= 0) break; // the last unit is a dim: the step is one dim (heads and sublayers are < 0)
    const slots = current.groups.get(GLOBAL_GROUP)!.filter((_, i) => i !== last);
    const plan = { ...current.plan, order: Int32Array.from(current.plan.order.filter((_, i) => i !== last)) };
    const n = bisect(plan, last, target, savedAt);
    const over = savedAt(plan, n) - target;
    if (over < 0) break; // the rest cannot reach the target without that head
    current = { groups: new Map(current.groups).set(GLOBAL_GROUP, slots), plan, n };
    if (over < bestOver) { best = current; bestOver = over; }
  }
  return best;
}

/** The mask of the smallest prefix of the ranking that saves at least `target` of the cost (bisection; the saving grows with the prefix). */
export function budgetMask(cfg: VitConfig, scores: ScoreSet, options: BudgetOptions): BudgetMask {
  assertTarget(options.target);
  const roundTo = options.roundTo ?? 1;
  assertRoundTo(roundTo);
  const blockRates = options.blockRates ?? {};
  const cost = options.rank === 'cost';
  const valueWidths = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i).valueWidths);
  const heads = options.heads ? { valueWidths, costs: cost ? headCosts(cfg, options.measure) : undefined } : undefined;
  const sublayers = options.sublayers ? { costs: cost ? sublayerCosts(cfg, options.measure) : undefined, form: options.sublayerScore } : undefined;
  const { groups, plan } = ranked(cfg, scores, blockRates, roundTo, cost ? gateDimCosts(cfg, options.measure) : undefined, heads, sublayers);
  const before = options.measure(cfg);
  const savedAt = (p: BudgetPlan, n: number): number => (before > 0 ? 1 - options.measure({ ...cfg, blocks: planDims(cfg, p, planWidths(p, n)) }) / before : 0);
  const found = headSkipped({ groups, plan }, options.target, savedAt);
  const mask = maskFromGroups(scores, found.groups, (key, size) => (key === GLOBAL_GROUP ? found.n : rateCount(key, size)), GLOBAL_GROUP, roundTo, valueWidths);
  const blocks = keptBlockDims(cfg, mask.keep);
  return { ...mask, saved: before > 0 ? 1 - options.measure({ ...cfg, blocks }) / before : 0 };
}
