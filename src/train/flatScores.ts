import * as tf from '@tensorflow/tfjs-core';
import { GATE_NAMES, gateLengths, type BlockGates, type GateName } from '../model/vitGates';
import type { VitConfig } from '../model/vitConfig';
import type { BlockScores, ScoreSet } from '../prune/scoreSet';

/** Where one gate lives in the flat score vector. */
export interface GateSlot { block: number; gate: GateName; offset: number; length: number }

/** All gates of a model laid end to end, block by block, gates in GATE_NAMES order; total = Σ lengths. */
export interface ScoreLayout { slots: GateSlot[]; total: number }

/** The flat layout of every gate of `cfg` (full or slim blocks). */
export function scoreLayout(cfg: VitConfig): ScoreLayout {
  const slots: GateSlot[] = [];
  let offset = 0;
  for (let block = 0; block < cfg.depth; block++) {
    const len = gateLengths(cfg, block);
    for (const gate of GATE_NAMES) {
      slots.push({ block, gate, offset, length: len[gate] });
      offset += len[gate];
    }
  }
  return { slots, total: offset };
}

/** A ScoreSet as one Float32Array [total] in `layout` order; throws when a gate's length differs. */
export function flattenScores(scores: ScoreSet, layout: ScoreLayout): Float32Array {
  const out = new Float32Array(layout.total);
  for (const s of layout.slots) {
    const src = scores.blocks[s.block]?.[s.gate];
    if (!src || src.length !== s.length) {
      throw new Error(`score blocks.${s.block}.gate.${s.gate} has ${src?.length ?? 0} values, the model needs ${s.length}`);
    }
    out.set(src, s.offset);
  }
  return out;
}

/** A ScoreSet copied out of a flat vector [total] in `layout` order. */
export function unflattenScores(flat: Float32Array, layout: ScoreLayout): ScoreSet {
  const blocks: BlockScores[] = [];
  for (const s of layout.slots) {
    blocks[s.block] ??= {} as BlockScores;
    blocks[s.block][s.gate] = flat.slice(s.offset, s.offset + s.length);
  }
  return { blocks };
}

/** The per-block gates [len] as views of a flat tensor [total] (one split op, whose gradient is one concat). */
export function splitGates(flat: tf.Tensor1D, layout: ScoreLayout): BlockGates[] {
  const parts = tf.split(flat, layout.slots.map((s) => s.length)) as tf.Tensor1D[];
  const gates: BlockGates[] = [];
  layout.slots.forEach((s, i) => {
    gates[s.block] ??= {};
    gates[s.block][s.gate] = parts[i];
  });
  return gates;
}

/** Summary of one gate kind over all blocks. */
export interface GateStats {
  /** Mean |a| over every dim of this gate kind. */
  mean: number;
  /** Fraction of dims with |a| < NEAR_ZERO (likely pruned at moderate rates). */
  nearZero: number;
  /** Largest |a|. */
  max: number;
}

/** Threshold on |a| below which a score counts as near zero in GateStats (scores start at 1). */
export const NEAR_ZERO = 0.05;

/** Per gate kind (qkv, attn, fc1, hidden) mean |a|, near-zero fraction and max |a| of a flat score vector. */
export function gateStats(flat: Float32Array, layout: ScoreLayout): Record<GateName, GateStats> {
  const acc = Object.fromEntries(GATE_NAMES.map((g) => [g, { sum: 0, near: 0, max: 0, n: 0 }]));
  for (const s of layout.slots) {
    const a = acc[s.gate];
    for (let i = s.offset; i < s.offset + s.length; i++) {
      const v = Math.abs(flat[i]);
      a.sum += v;
      if (v < NEAR_ZERO) a.near += 1;
      if (v > a.max) a.max = v;
    }
    a.n += s.length;
  }
  return Object.fromEntries(GATE_NAMES.map((g) => {
    const a = acc[g];
    return [g, { mean: a.n ? a.sum / a.n : 0, nearZero: a.n ? a.near / a.n : 0, max: a.max }];
  })) as Record<GateName, GateStats>;
}

/** Largest |a| of a flat vector, or NaN when any value is not finite. */
export function maxAbsOrNaN(flat: ArrayLike<number>, from = 0, to = flat.length): number {
  let m = 0;
  for (let i = from; i < to; i++) {
    const v = flat[i];
    if (!Number.isFinite(v)) return NaN;
    const a = Math.abs(v);
    if (a > m) m = a;
  }
  return m;
}
