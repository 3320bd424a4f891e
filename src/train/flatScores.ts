import * as tf from '@tensorflow/tfjs-core';
import { GATE_NAMES, gateLengths, SUBLAYER_GATE_FIELDS, type BlockGates, type GateName } from '../model/vitGates';
import { presentSublayers, type SublayerPart } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import type { BlockScores, ScoreSet } from '../prune/scoreSet';

/** Where one gate lives in the flat score vector. */
export interface GateSlot { block: number; gate: GateName; offset: number; length: number }

/** Where one learned scalar sublayer gate lives in the flat score vector (one value). */
export interface SublayerSlot { block: number; part: SublayerPart; offset: number }

/**
 * All gates of a model laid end to end, block by block, gates in GATE_NAMES order; then, when learned, one scalar
 * gate per present sublayer (block by block, attention first); total = Σ lengths + sublayer gates.
 */
export interface ScoreLayout { slots: GateSlot[]; sublayers: SublayerSlot[]; total: number }

/** The flat layout of every gate of `cfg` (full or slim blocks), with a scalar gate per present sublayer when `sublayerGates`. */
export function scoreLayout(cfg: VitConfig, sublayerGates = false): ScoreLayout {
  const slots: GateSlot[] = [];
  let offset = 0;
  for (let block = 0; block < cfg.depth; block++) {
    const len = gateLengths(cfg, block);
    for (const gate of GATE_NAMES) {
      slots.push({ block, gate, offset, length: len[gate] });
      offset += len[gate];
    }
  }
  const sublayers: SublayerSlot[] = [];
  for (let block = 0; sublayerGates && block < cfg.depth; block++) {
    for (const part of presentSublayers(cfg, block)) sublayers.push({ block, part, offset: offset++ });
  }
  return { slots, sublayers, total: offset };
}

/**
 * A ScoreSet as one Float32Array [total] in `layout` order; throws when a gate's length differs. A sublayer gate the
 * scores lack starts at 1 (VTP's initialisation); sublayer gates the layout has no place for are left out.
 */
export function flattenScores(scores: ScoreSet, layout: ScoreLayout): Float32Array {
  const out = new Float32Array(layout.total);
  for (const s of layout.slots) {
    const src = scores.blocks[s.block]?.[s.gate];
    if (!src || src.length !== s.length) {
      throw new Error(`score blocks.${s.block}.gate.${s.gate} has ${src?.length ?? 0} values, the model needs ${s.length}`);
    }
    out.set(src, s.offset);
  }
  for (const s of layout.sublayers) out[s.offset] = scores.blocks[s.block]?.sublayer?.[s.part] ?? 1;
  return out;
}

/** A ScoreSet copied out of a flat vector [total] in `layout` order (with `sublayer` gates when the layout has them). */
export function unflattenScores(flat: Float32Array, layout: ScoreLayout): ScoreSet {
  const blocks: BlockScores[] = [];
  for (const s of layout.slots) {
    blocks[s.block] ??= {} as BlockScores;
    blocks[s.block][s.gate] = flat.slice(s.offset, s.offset + s.length);
  }
  for (const s of layout.sublayers) (blocks[s.block].sublayer ??= {})[s.part] = flat[s.offset];
  return { blocks };
}

/** The per-block gates [len] (and scalar sublayer gates [1]) as views of a flat tensor [total] (one split op, whose gradient is one concat). */
export function splitGates(flat: tf.Tensor1D, layout: ScoreLayout): BlockGates[] {
  const sizes = [...layout.slots.map((s) => s.length), ...layout.sublayers.map(() => 1)];
  const parts = tf.split(flat, sizes) as tf.Tensor1D[];
  const gates: BlockGates[] = [];
  layout.slots.forEach((s, i) => {
    gates[s.block] ??= {};
    gates[s.block][s.gate] = parts[i];
  });
  layout.sublayers.forEach((s, i) => { gates[s.block][SUBLAYER_GATE_FIELDS[s.part]] = parts[layout.slots.length + i]; });
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
