/**
 * The global-threshold prune mask (no per-block overrides, no rounding) in O(n) per slider move: the
 * |score| order of all gated dims is sorted once per score set and cached, so only the cut moves.
 * Gives exactly what pruneMask gives for those settings (ties broken by position; a gate left empty
 * keeps its highest-|a| dim); previewMask falls back to pruneMask otherwise.
 */
import { GATE_NAMES } from '../model/gateLayout';
import { assertRate, type PruneMask } from './pruneMask';
import type { BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';

/** All dims of a score set laid end to end (block by block, gates in GATE_NAMES order) and sorted by |a|. */
interface SortedSlots { abs: Float64Array; order: Int32Array; starts: number[]; lengths: number[] }

const cache = new WeakMap<ScoreSet, SortedSlots>();

/** The flat |a| values and their stable ascending order (cached per score set object). */
function sortedSlots(scores: ScoreSet): SortedSlots {
  const hit = cache.get(scores);
  if (hit) return hit;
  const lengths = scores.blocks.flatMap((b) => GATE_NAMES.map((g) => b[g].length));
  const starts: number[] = [];
  let total = 0;
  for (const len of lengths) { starts.push(total); total += len; }
  const abs = new Float64Array(total);
  let at = 0;
  scores.blocks.forEach((b, block) => {
    for (const g of GATE_NAMES) b[g].forEach((a, index) => {
      if (!Number.isFinite(a)) throw new RangeError(`score blocks.${block}.gate.${g}[${index}] is ${a}`);
      abs[at++] = Math.abs(Math.fround(a));
    });
  });
  const order = Int32Array.from({ length: total }, (_, i) => i).sort((x, y) => abs[x] - abs[y] || x - y);
  const sorted = { abs, order, starts, lengths };
  cache.set(scores, sorted);
  return sorted;
}

/** Re-keeps the highest-|a| dim (lowest position among ties) of a gate that lost all its dims. */
function keepOne(keep: Uint8Array, abs: Float64Array, start: number, length: number): void {
  let kept = false;
  for (let j = start; j < start + length && !kept; j++) kept = keep[j] === 1;
  if (kept || length === 0) return;
  let best = start;
  for (let j = start + 1; j < start + length; j++) if (abs[j] > abs[best]) best = j;
  keep[best] = 1;
}

/** pruneMask(scores, { rate }) without overrides or rounding, using the cached order. */
export function fastGlobalMask(scores: ScoreSet, rate: number): PruneMask {
  assertRate(rate);
  const { abs, order, starts, lengths } = sortedSlots(scores);
  const total = abs.length;
  const keep = new Uint8Array(total).fill(1);
  const count = Math.floor(rate * total + 1e-9);
  for (let k = 0; k < count; k++) keep[order[k]] = 0;
  starts.forEach((start, slot) => keepOne(keep, abs, start, lengths[slot]));
  let kept = 0;
  for (let i = 0; i < total; i++) kept += keep[i];
  const blocks: BlockKeep[] = scores.blocks.map((_, b) => Object.fromEntries(GATE_NAMES.map((g, k) => {
    const slot = b * GATE_NAMES.length + k;
    return [g, Array.from(keep.subarray(starts[slot], starts[slot] + lengths[slot]), (v) => v === 1)];
  })) as unknown as BlockKeep);
  return { keep: blocks, threshold: count > 0 ? abs[order[count - 1]] : null, removed: total - kept, total };
}
