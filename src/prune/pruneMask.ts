import { GATE_NAMES, type GateName } from '../model/gateLayout';
import type { BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';

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
}

/** Default options: no overrides, no rounding. */
export const PRUNE_MASK_DEFAULTS: Required<Omit<PruneMaskOptions, 'rate' | 'valueWidths'>> = { blockRates: {}, roundTo: 1 };

/** Kept dims per block and gate, with the threshold |a| of the last removed dim (null when none removed). */
export interface PruneMask { keep: BlockKeep[]; threshold: number | null; removed: number; total: number }

/** Checks a prune rate: a number in [0, 1). */
export function assertRate(rate: number, what = 'prune rate'): void {
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1) throw new RangeError(`${what} must be in [0, 1), got ${rate}`);
}

interface Slot { block: number; gate: GateName; index: number; score: number }

/** Marks the floor(rate·n) lowest-|a| slots removed (ties broken by position); returns the largest removed |a|. */
function removeLowest(slots: Slot[], rate: number, keep: BlockKeep[]): number | null {
  const order = slots.slice().sort((a, b) => a.score - b.score);
  const count = Math.floor(rate * slots.length + 1e-9);
  for (let i = 0; i < count; i++) keep[order[i].block][order[i].gate][order[i].index] = false;
  return count > 0 ? order[count - 1].score : null;
}

/** Re-keeps the highest-|a| dims of a range until `target` dims of it are kept. */
function keepAtLeast(keep: boolean[], scores: Float32Array, start: number, end: number, target: number): void {
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

/** VTP's pruning decision: rank |a| over all gates of all (non-overridden) blocks, remove the lowest fraction. */
export function pruneMask(scores: ScoreSet, options: PruneMaskOptions): PruneMask {
  const opts = { ...PRUNE_MASK_DEFAULTS, ...options };
  assertRate(opts.rate);
  if (!Number.isInteger(opts.roundTo) || opts.roundTo < 1) throw new RangeError(`round-to must be a positive integer, got ${opts.roundTo}`);
  const keep: BlockKeep[] = scores.blocks.map((s) => Object.fromEntries(GATE_NAMES.map((g) => [g, Array.from(s[g], () => true)])) as unknown as BlockKeep);
  const groups = new Map<number, Slot[]>(); // rate -> slots ranked together
  scores.blocks.forEach((s, block) => {
    const rate = opts.blockRates[block] ?? opts.rate;
    assertRate(rate, `rate of block ${block}`);
    for (const gate of GATE_NAMES) s[gate].forEach((a, index) => {
      if (!Number.isFinite(a)) throw new RangeError(`score blocks.${block}.gate.${gate}[${index}] is ${a}`);
      (groups.get(rate) ?? groups.set(rate, []).get(rate)!).push({ block, gate, index, score: Math.abs(a) });
    });
  });
  let threshold: number | null = null;
  for (const [rate, slots] of groups) {
    const t = removeLowest(slots, rate, keep);
    if (t !== null && (threshold === null || rate === opts.rate)) threshold = t;
  }
  enforceWidths(scores, keep, opts.roundTo, opts.valueWidths);
  const total = scores.blocks.reduce((n, s) => n + GATE_NAMES.reduce((m, g) => m + s[g].length, 0), 0);
  const kept = keep.reduce((n, k) => n + GATE_NAMES.reduce((m, g) => m + countKept(k[g], 0, k[g].length), 0), 0);
  return { keep, threshold, removed: total - kept, total };
}
