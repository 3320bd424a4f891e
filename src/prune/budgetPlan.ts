/**
 * The ranked order of a budget prune, reduced to what its cost depends on: which width range (a gate, or one
 * head's value dims) every ranked dim belongs to. A probe then gives the kept widths after removing a prefix
 * of the order in O(dims) with no sorting, exactly as maskFromGroups + enforceWidths would leave them.
 */
import { GATE_NAMES } from '../model/gateLayout';
import { blockDimsAt, type BlockDims, type VitConfig } from '../model/vitConfig';
import type { ScoreSet } from './scoreSet';
import { GLOBAL_GROUP, rateCount, type RankedGroups } from './pruneMask';

/** Width ranges of all blocks (gates qkv, fc1, hidden: one each; attn: one per head) and the global group's order over them. */
export interface BudgetPlan {
  /** Length of every range. */
  lengths: Int32Array;
  /**
   * Range of every unit of the global group, in ranked order: r for a dim of range r, −(r + 1) for the whole head r,
   * −(R + 2·b + p + 1) for sublayer p (0 attention, 1 MLP) of block b (R = the number of ranges).
   */
  order: Int32Array;
  /** Dims removed from every range by the per-block overrides. */
  fixed: Int32Array;
  /** First range of every block's gates, in GATE_NAMES order: [block][gate] -> [first, end). */
  gateRanges: [number, number][][];
  /** Kept width of every range of a gate whose dims all went (its top-|a| dims come back), per [block][gate]. */
  fallback: Int32Array[][];
  roundTo: number;
}

/** First value dim of every head. */
function headStarts(widths: number[]): number[] {
  let at = 0;
  return widths.map((w) => { at += w; return at - w; });
}

const ATTN = GATE_NAMES.indexOf('attn');

/** Range index of dim `index` of `gate` in block `b`. */
function rangeOf(plan: Pick<BudgetPlan, 'gateRanges'>, starts: number[][], b: number, g: number, index: number): number {
  const [first] = plan.gateRanges[b][g];
  if (g !== ATTN) return first;
  let h = 0;
  while (h + 1 < starts[b].length && starts[b][h + 1] <= index) h++;
  return first + h;
}

/** Widths the top-min(roundTo, len) |a| dims of a gate give its ranges (what enforceWidths keeps of an emptied gate). */
function fallbackWidths(scores: Float32Array, roundTo: number, headStart: number[] | null): Int32Array {
  const top = Array.from(scores, (a, j) => j).sort((x, y) => Math.abs(scores[y]) - Math.abs(scores[x])).slice(0, Math.min(roundTo, scores.length));
  const out = new Int32Array(headStart ? headStart.length : 1);
  for (const j of top) {
    let h = 0;
    if (headStart) while (h + 1 < headStart.length && headStart[h + 1] <= j) h++;
    out[h]++;
  }
  return out;
}

/** The plan of `groups` (ranked by rankGroups with GLOBAL_GROUP) over `scores` of `cfg`. */
export function budgetPlan(cfg: VitConfig, scores: ScoreSet, groups: RankedGroups, roundTo: number): BudgetPlan {
  const valueWidths = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i).valueWidths);
  const starts = valueWidths.map(headStarts);
  const lengths: number[] = [];
  const gateRanges = scores.blocks.map((s, b) => GATE_NAMES.map((g): [number, number] => {
    const first = lengths.length;
    if (g === 'attn') lengths.push(...valueWidths[b]); else lengths.push(s[g].length);
    return [first, lengths.length];
  }));
  const plan = { gateRanges };
  const fixed = new Int32Array(lengths.length);
  let order = new Int32Array(0);
  for (const [key, slots] of groups) {
    const ranges = slots.map((s) => {
      if (s.part) return -(lengths.length + 2 * s.block + (s.part === 'mlp' ? 1 : 0) + 1);
      const r = rangeOf(plan, starts, s.block, GATE_NAMES.indexOf(s.gate), s.index);
      return s.span === 0 ? r : -(r + 1);
    });
    if (key === GLOBAL_GROUP) order = Int32Array.from(ranges);
    else for (let i = 0; i < rateCount(key, slots.length); i++) fixed[ranges[i]]++;
  }
  const fallback = scores.blocks.map((s, b) => GATE_NAMES.map((g) => fallbackWidths(s[g], roundTo, g === 'attn' ? starts[b] : null)));
  return { lengths: Int32Array.from(lengths), order, fixed, gateRanges, fallback, roundTo };
}

/** Kept width of every range after removing the first `n` units of the order (rounding and one dim per gate applied; removed sublayers stay empty). */
export function planWidths(plan: BudgetPlan, n: number): Int32Array {
  const removed = plan.fixed.slice();
  const R = plan.lengths.length;
  const gone = new Set<number>(); // sublayers removed: 2·b + p
  for (let i = 0; i < n; i++) {
    const r = plan.order[i];
    if (r >= 0) removed[r]++;
    else if (-r - 1 < R) removed[-r - 1] = plan.lengths[-r - 1]; // a whole head: all its dims
    else gone.add(-r - 1 - R);
  }
  const r = plan.roundTo;
  const kept = plan.lengths.map((len, i) => {
    const k = Math.max(0, len - removed[i]);
    return k === 0 ? 0 : Math.min(len, Math.ceil(k / r) * r);
  });
  plan.gateRanges.forEach((gates, b) => gates.forEach(([first, end], g) => {
    if (gone.has(2 * b + (g < 2 ? 0 : 1))) { kept.fill(0, first, end); return; } // gates 0, 1: attention; 2, 3: MLP
    let sum = 0;
    for (let i = first; i < end; i++) sum += kept[i];
    if (sum === 0) kept.set(plan.fallback[b][g], first);
  }));
  return kept;
}

/** Block dims with the planned widths (index maps are placeholders of the right length: costs depend only on widths). */
export function planDims(cfg: VitConfig, plan: BudgetPlan, kept: Int32Array): BlockDims[] {
  const indices = (k: number) => Array.from({ length: k }, (_, i) => i);
  return plan.gateRanges.map((gates, b) => {
    const full = blockDimsAt(cfg, b);
    const [q, f, u] = [gates[0][0], gates[2][0], gates[3][0]].map((first) => kept[first]);
    const heads: number[] = [];
    const widths: number[] = [];
    for (let i = gates[1][0]; i < gates[1][1]; i++) if (kept[i] > 0) { heads.push(full.heads[i - gates[1][0]]); widths.push(kept[i]); }
    return { qkvIn: indices(q), heads, valueWidths: widths, fc1In: indices(f), hidden: u };
  });
}
