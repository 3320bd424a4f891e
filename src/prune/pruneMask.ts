import { GATE_NAMES, type GateName } from '../model/gateLayout';
import type { BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';

/** Cost of removing one dim of each gate of a block (MACs, params or ms; see gateDimCosts in costMeasure.ts). */
export type GateCosts = Record<GateName, number>;

/** How many dims to remove: a global rate, optional per-block rates, optional rounding of kept widths. */
export interface PruneMaskOptions {
  /** Fraction of all gated dims removed, in [0, 1). */
  rate: number;
  /** Per-block override rates (block index -> rate in [0, 1)); those blocks are ranked among themselves. */
  blockRates?: Record<number, number>;
  /** Round every kept width up to a multiple of this (per head for value dims); 1 = no rounding. */
  roundTo?: number;
  /** Value width of every head of every block (needed to round per head); default: one head per attn gate. */
  valueWidths?: number[][];
  /** Per-block cost of one dim of each gate: dims are then ranked by |a| / cost (cost-aware); absent = by |a|. */
  dimCosts?: GateCosts[];
}

/** Default options: no overrides, no rounding. */
export const PRUNE_MASK_DEFAULTS: Required<Omit<PruneMaskOptions, 'rate' | 'valueWidths' | 'dimCosts'>> = { blockRates: {}, roundTo: 1 };

/** Kept dims per block and gate, with the threshold |a| of the last removed dim (null when none removed). */
export interface PruneMask { keep: BlockKeep[]; threshold: number | null; removed: number; total: number }

/** Checks a prune rate: a number in [0, 1). */
export function assertRate(rate: number, what = 'prune rate'): void {
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1) throw new RangeError(`${what} must be in [0, 1), got ${rate}`);
}

/**
 * One ranked unit: a gated dim (span 0), or a whole head (span = its value width, from `index` on the attn gate);
 * its |a| (a head's: the mean |a| of its value dims) and its ranking key (|a|, or |a| per unit of cost).
 */
interface Slot { block: number; gate: GateName; index: number; span: number; score: number; key: number }

/** Whole heads ranked as units next to the dims: every head's value width and (cost-aware) the cost of removing it. */
export interface HeadUnits { valueWidths: number[][]; costs?: number[][] }

/** Slots ranked together, ascending by key (ties by position), keyed by the group's rate (GLOBAL_GROUP for a budget's). */
export type RankedGroups = Map<number, Slot[]>;

/** Group key of the blocks without an override when a budget (not a rate) decides how many of them go. */
export const GLOBAL_GROUP = -1;

/** Smallest cost a dim is ranked with, so that a free (or badly measured) dim gets a finite key. */
const MIN_COST = 1e-12;

/**
 * Head units of block `block`: key = mean |a| of the head's value dims, or (cost-aware) their sum per unit of the head's cost,
 * comparable with a dim's |a| / cost: a head saves its q and k too, so it goes before dims of the same |a|.
 */
function headSlots(scores: Float32Array, block: number, heads: HeadUnits): Slot[] {
  let start = 0;
  return heads.valueWidths[block].map((w, h) => {
    let sum = 0;
    for (let j = start; j < start + w; j++) sum += Math.abs(scores[j]);
    const slot = { block, gate: 'attn' as const, index: start, span: w, score: sum / w, key: heads.costs ? sum / Math.max(MIN_COST, heads.costs[block][h]) : sum / w };
    start += w;
    return slot;
  });
}

/** Ranks every dim within its group: blocks with an override by their rate, the others under `globalKey` (with whole heads when given). */
export function rankGroups(scores: ScoreSet, blockRates: Record<number, number>, globalKey: number, dimCosts?: GateCosts[], heads?: HeadUnits): RankedGroups {
  const groups: RankedGroups = new Map();
  scores.blocks.forEach((s, block) => {
    const own = blockRates[block];
    if (own !== undefined) assertRate(own, `rate of block ${block}`);
    const key = own ?? globalKey;
    for (const gate of GATE_NAMES) {
      const cost = dimCosts ? Math.max(MIN_COST, dimCosts[block][gate]) : 1;
      s[gate].forEach((a, index) => {
        if (!Number.isFinite(a)) throw new RangeError(`score blocks.${block}.gate.${gate}[${index}] is ${a}`);
        const score = Math.abs(a);
        (groups.get(key) ?? groups.set(key, []).get(key)!).push({ block, gate, index, span: 0, score, key: score / cost });
      });
    }
    if (heads && own === undefined) groups.get(key)!.push(...headSlots(s.attn, block, heads));
  });
  for (const slots of groups.values()) slots.sort((a, b) => a.key - b.key);
  return groups;
}

/** Re-keeps the highest-|a| dims of a range until `target` dims of it are kept. */
function keepAtLeast(keep: boolean[], scores: Float32Array, start: number, end: number, target: number): void {
  if (countKept(keep, start, end) >= target) return;
  const removed = [];
  let kept = 0;
  for (let j = start; j < end; j++) (keep[j] ? kept++ : removed.push(j));
  removed.sort((a, b) => Math.abs(scores[b]) - Math.abs(scores[a]));
  for (let i = 0; kept < target && i < removed.length; i++, kept++) keep[removed[i]] = true;
}

/** Number kept in keep[start, end). */
function countKept(keep: boolean[], start: number, end: number): number {
  let n = 0;
  for (let j = start; j < end; j++) if (keep[j]) n++;
  return n;
}

/** Every gate keeps >= 1 dim; kept widths rounded up to a multiple of `roundTo` (value dims per kept head). */
function enforceWidths(scores: ScoreSet, keep: BlockKeep[], roundTo: number, valueWidths?: number[][]): void {
  keep.forEach((k, b) => {
    for (const gate of GATE_NAMES) {
      const s = scores.blocks[b][gate];
      const ranges = gate === 'attn' && valueWidths ? headRanges(valueWidths[b]) : [[0, s.length]];
      for (const [start, end] of ranges) {
        const kept = countKept(k[gate], start, end);
        const rounded = kept === 0 ? 0 : Math.min(end - start, Math.ceil(kept / roundTo) * roundTo);
        keepAtLeast(k[gate], s, start, end, rounded);
      }
      if (countKept(k[gate], 0, s.length) === 0) keepAtLeast(k[gate], s, 0, s.length, Math.min(roundTo, s.length));
    }
  });
}

/** [start, end) of every head's value dims. */
function headRanges(widths: number[]): [number, number][] {
  let at = 0;
  return widths.map((w) => { at += w; return [at - w, at]; });
}

/** Checks the rounding option: a positive integer. */
export function assertRoundTo(roundTo: number): void {
  if (!Number.isInteger(roundTo) || roundTo < 1) throw new RangeError(`round-to must be a positive integer, got ${roundTo}`);
}

/** Dims removed of a group of n ranked under `rate`: floor(rate·n). */
export function rateCount(rate: number, n: number): number {
  return Math.floor(rate * n + 1e-9);
}

/**
 * The mask that removes the first count(key, n) ranked dims of every group, then enforces widths (>= 1 dim per gate,
 * rounding). threshold: the largest removed |a| of the group under `mainKey`, else of any group.
 */
export function maskFromGroups(scores: ScoreSet, groups: RankedGroups, count: (key: number, n: number) => number,
  mainKey: number, roundTo: number, valueWidths?: number[][]): PruneMask {
  const keep: BlockKeep[] = scores.blocks.map((s) => Object.fromEntries(GATE_NAMES.map((g) => [g, new Array<boolean>(s[g].length).fill(true)])) as unknown as BlockKeep);
  let threshold: number | null = null;
  for (const [key, slots] of groups) {
    const n = Math.min(slots.length, count(key, slots.length));
    let largest: number | null = null;
    for (let i = 0; i < n; i++) {
      const s = slots[i];
      if (s.span === 0) keep[s.block][s.gate][s.index] = false;
      else keep[s.block].attn.fill(false, s.index, s.index + s.span); // a whole head
      largest = largest === null ? s.score : Math.max(largest, s.score);
    }
    if (largest !== null && (threshold === null || key === mainKey)) threshold = largest;
  }
  enforceWidths(scores, keep, roundTo, valueWidths);
  const total = scores.blocks.reduce((n, s) => n + GATE_NAMES.reduce((m, g) => m + s[g].length, 0), 0);
  const kept = keep.reduce((n, k) => n + GATE_NAMES.reduce((m, g) => m + countKept(k[g], 0, k[g].length), 0), 0);
  return { keep, threshold, removed: total - kept, total };
}

/** VTP's pruning decision: rank |a| (or |a| per cost) over all gates of all (non-overridden) blocks, remove the lowest fraction. */
export function pruneMask(scores: ScoreSet, options: PruneMaskOptions): PruneMask {
  const opts = { ...PRUNE_MASK_DEFAULTS, ...options };
  assertRate(opts.rate);
  assertRoundTo(opts.roundTo);
  const groups = rankGroups(scores, opts.blockRates, opts.rate, opts.dimCosts);
  return maskFromGroups(scores, groups, rateCount, opts.rate, opts.roundTo, opts.valueWidths);
}
