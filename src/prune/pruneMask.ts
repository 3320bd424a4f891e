import { GATE_NAMES, SUBLAYER_PARTS, type GateName, type SublayerPart } from '../model/gateLayout';
import type { BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';
import { sublayerUnitScore, type SublayerScoreForm } from './sublayerScore';

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
  /** Rank whole sublayers (attention, MLP) as units next to the dims; removing one counts all its gated dims. */
  sublayers?: SublayerUnits;
}

/** Default options: no overrides, no rounding. */
export const PRUNE_MASK_DEFAULTS: Required<Omit<PruneMaskOptions, 'rate' | 'valueWidths' | 'dimCosts' | 'sublayers'>> = { blockRates: {}, roundTo: 1 };

/** Kept dims per block and gate, with the threshold |a| of the last removed dim (null when none removed). */
export interface PruneMask { keep: BlockKeep[]; threshold: number | null; removed: number; total: number }

/** Checks a prune rate: a number in [0, 1). */
export function assertRate(rate: number, what = 'prune rate'): void {
  if (!Number.isFinite(rate) || rate < 0 || rate >= 1) throw new RangeError(`${what} must be in [0, 1), got ${rate}`);
}

/**
 * One ranked unit: a gated dim (span 0), a whole head (span = its value width, from `index` on the attn gate), or a
 * whole sublayer (`part`; gate = its output gate, span = that gate's length); its |a| (a head's or sublayer's: the
 * mean |a| of its value / output dims) and its ranking key (|a|, or |a| per unit of cost).
 */
export interface Slot { block: number; gate: GateName; index: number; span: number; score: number; key: number; part?: SublayerPart }

/** Whole heads ranked as units next to the dims: every head's value width and (cost-aware) the cost of removing it. */
export interface HeadUnits { valueWidths: number[][]; costs?: number[][] }

/** A block's two sublayers. */
export type { SublayerPart } from '../model/gateLayout';

/**
 * Whole sublayers ranked as units next to the dims; cost-aware: the cost of removing each, [block][0 attn, 1 mlp];
 * `form`: how a learned sublayer gate scores the unit (default SUBLAYER_SCORE_FORM).
 */
export interface SublayerUnits { costs?: number[][]; form?: SublayerScoreForm }

/** The gates of a sublayer: its input gate and its output gate (whose mean |a| scores it). */
export const SUBLAYER_GATES: Record<SublayerPart, [GateName, GateName]> = { attn: ['qkv', 'attn'], mlp: ['fc1', 'hidden'] };

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

/**
 * Sublayer units of block `block` (a sublayer already removed, with an empty output gate, has none): score = sublayerUnitScore
 * (its output gate's mean |a|, or from its learned gate), key = that score, or (cost-aware) score × its dims per unit of cost.
 */
function sublayerSlots(s: ScoreSet['blocks'][number], block: number, units: SublayerUnits): Slot[] {
  return SUBLAYER_PARTS.flatMap((part, p) => {
    const gate = SUBLAYER_GATES[part][1];
    const n = s[gate].length;
    if (n === 0) return [];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += Math.abs(s[gate][j]);
    const learned = s.sublayer?.[part];
    if (learned !== undefined && !Number.isFinite(learned)) throw new RangeError(`score blocks.${block}.gate.sublayer_${part} is ${learned}`);
    const score = sublayerUnitScore(sum / n, learned, units.form);
    const key = units.costs ? (score * n) / Math.max(MIN_COST, units.costs[block][p]) : score;
    return [{ block, gate, index: 0, span: n, score, key, part }];
  });
}

/** Ranks every dim within its group: blocks with an override by their rate, the others under `globalKey` (with whole heads and sublayers when given). */
export function rankGroups(scores: ScoreSet, blockRates: Record<number, number>, globalKey: number, dimCosts?: GateCosts[], heads?: HeadUnits, sublayers?: SublayerUnits): RankedGroups {
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
    if (sublayers && own === undefined) groups.get(key)!.push(...sublayerSlots(s, block, sublayers));
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

/** Every gate keeps >= 1 dim; kept widths rounded up to a multiple of `roundTo` (value dims per kept head); gates of removed sublayers stay empty. */
function enforceWidths(scores: ScoreSet, keep: BlockKeep[], roundTo: number, valueWidths: number[][] | undefined, removed: Set<string>): void {
  keep.forEach((k, b) => {
    for (const gate of GATE_NAMES) {
      if (removed.has(`${b}:${gate === 'qkv' || gate === 'attn' ? 'attn' : 'mlp'}`)) continue;
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

/** Removes one ranked unit from `keep`; returns the number of dims it newly removed. */
function removeSlot(k: BlockKeep, s: Slot): number {
  const gates: [GateName, number, number][] = s.part ? SUBLAYER_GATES[s.part].map((g): [GateName, number, number] => [g, 0, k[g].length])
    : [[s.gate, s.index, s.index + Math.max(1, s.span)]];
  let n = 0;
  for (const [g, start, end] of gates) { n += countKept(k[g], start, end); k[g].fill(false, start, end); }
  return n;
}

/** A keep-everything mask shaped like `blocks` (scores or another mask): one `true` per gated dim of every block. */
export function fullKeep(blocks: readonly Record<GateName, { length: number }>[]): BlockKeep[] {
  return blocks.map((k) => Object.fromEntries(GATE_NAMES.map((g) => [g, new Array<boolean>(k[g].length).fill(true)])) as unknown as BlockKeep);
}

/**
 * The mask that removes ranked units of every group, then enforces widths (>= 1 dim per gate, rounding; removed
 * sublayers stay empty): under GLOBAL_GROUP the first count(key, units) units, under a rate the shortest prefix
 * removing count(key, dims) dims (a head or sublayer counts all its dims). threshold: the largest removed |a| of
 * the group under `mainKey`, else of any group.
 */
export function maskFromGroups(scores: ScoreSet, groups: RankedGroups, count: (key: number, n: number) => number,
  mainKey: number, roundTo: number, valueWidths?: number[][]): PruneMask {
  const keep = fullKeep(scores.blocks);
  const removedSublayers = new Set<string>();
  let threshold: number | null = null;
  for (const [key, slots] of groups) {
    const byUnits = key === GLOBAL_GROUP;
    const limit = count(key, byUnits ? slots.length : slots.filter((s) => s.span === 0).length);
    let largest: number | null = null;
    let removed = 0;
    for (let i = 0; i < slots.length && (byUnits ? i : removed) < limit; i++) {
      const s = slots[i];
      removed += removeSlot(keep[s.block], s);
      if (s.part) removedSublayers.add(`${s.block}:${s.part}`);
      largest = largest === null ? s.score : Math.max(largest, s.score);
    }
    if (largest !== null && (threshold === null || key === mainKey)) threshold = largest;
  }
  enforceWidths(scores, keep, roundTo, valueWidths, removedSublayers);
  const total = scores.blocks.reduce((n, s) => n + GATE_NAMES.reduce((m, g) => m + s[g].length, 0), 0);
  const kept = keep.reduce((n, k) => n + GATE_NAMES.reduce((m, g) => m + countKept(k[g], 0, k[g].length), 0), 0);
  return { keep, threshold, removed: total - kept, total };
}

/** VTP's pruning decision: rank |a| (or |a| per cost) over all gates of all (non-overridden) blocks, remove the lowest fraction. */
export function pruneMask(scores: ScoreSet, options: PruneMaskOptions): PruneMask {
  const opts = { ...PRUNE_MASK_DEFAULTS, ...options };
  assertRate(opts.rate);
  assertRoundTo(opts.roundTo);
  const groups = rankGroups(scores, opts.blockRates, opts.rate, opts.dimCosts, undefined, opts.sublayers);
  return maskFromGroups(scores, groups, rateCount, opts.rate, opts.roundTo, opts.valueWidths);
}
