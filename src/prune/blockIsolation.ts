/**
 * Masks that prune one block alone: that block's dims as a whole-model mask cuts them, every other block
 * full. The per-layer sensitivity evaluates the model under each of them (pure, tfjs-free).
 */
import { GATE_NAMES } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import type { BlockKeep } from './slimWeights';
import { modelCost } from './costs';
import { keptBlockDims } from './keptDims';
import { fullKeep } from './pruneMask';

/** The mask that cuts block `block` as `keep` does and keeps every dim of every other block. */
export function isolatedKeep(keep: BlockKeep[], block: number): BlockKeep[] {
  if (!Number.isInteger(block) || block < 0 || block >= keep.length) throw new RangeError(`block ${block} is not one of the model's ${keep.length} blocks`);
  const out = fullKeep(keep);
  out[block] = keep[block];
  return out;
}

/** Fraction 0..1 of block `block`'s gated dims that `keep` removes. */
export function blockCutFraction(keep: BlockKeep[], block: number): number {
  let total = 0;
  let removed = 0;
  for (const g of GATE_NAMES) {
    total += keep[block][g].length;
    for (const on of keep[block][g]) if (!on) removed++;
  }
  return total > 0 ? removed / total : 0;
}

/** Fraction 0..1 of the whole model's MACs per image saved by cutting block `block` alone as `keep` does. */
export function isolatedMacsSaved(cfg: VitConfig, keep: BlockKeep[], block: number): number {
  const before = modelCost(cfg).total.macs;
  const blocks = keptBlockDims(cfg, isolatedKeep(keep, block));
  return before > 0 ? 1 - modelCost({ ...cfg, blocks }).total.macs / before : 0;
}
