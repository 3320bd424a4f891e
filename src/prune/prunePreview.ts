/**
 * The prune decision without touching weights: kept dims per block, threshold and costs for a score
 * ranking and the slider settings. Pure and tfjs-free: the main thread runs it on every slider move
 * (the store imports it), the worker for sweeps. Dims match what pruneModel/slimWeights produce.
 */
import { blockDimsAt, fullBlockDims, type BlockDims, type VitConfig } from '../model/vitConfig';
import { modelCost } from './costs';
import { pruneMask, type PruneMask } from './pruneMask';
import type { BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';
import type { PrunePreview, PruneSettings } from './pruneSettings';
import { fastGlobalMask } from './fastMask';

/** Indices where `keep` is true, mapped through a previous index map (null = identity). */
function keptIndexMap(previous: number[] | null, keep: boolean[], full: number): number[] | null {
  const kept: number[] = [];
  keep.forEach((on, j) => { if (on) kept.push(previous ? previous[j] : j); });
  return kept.length === full && keep.length === full ? null : kept;
}

/** New dims of one block after removing the dims `keep` marks false (heads left empty are dropped). */
function keptDims(cfg: VitConfig, dims: BlockDims, keep: BlockKeep): BlockDims {
  const heads: number[] = [];
  const valueWidths: number[] = [];
  let offset = 0;
  dims.valueWidths.forEach((w, slot) => {
    let kept = 0;
    for (let j = offset; j < offset + w; j++) if (keep.attn[j]) kept++;
    if (kept > 0) { heads.push(dims.heads[slot]); valueWidths.push(kept); }
    offset += w;
  });
  return {
    qkvIn: keptIndexMap(dims.qkvIn, keep.qkv, cfg.embedDim),
    heads,
    valueWidths,
    fc1In: keptIndexMap(dims.fc1In, keep.fc1, cfg.embedDim),
    hidden: keep.hidden.filter(Boolean).length,
  };
}

/** True when dims are the full block's (every head at full width, all inputs, full hidden). */
function isFull(cfg: VitConfig, b: BlockDims): boolean {
  const full = fullBlockDims(cfg);
  return b.qkvIn === null && b.fc1In === null && b.hidden === full.hidden && b.heads.length === full.heads.length &&
    b.heads.every((h, i) => h === full.heads[i] && b.valueWidths[i] === full.valueWidths[i]);
}

/** Block dims of the model that `keep` leaves; null when every block stays at full width (as pruneModel). */
export function keptBlockDims(cfg: VitConfig, keep: BlockKeep[]): BlockDims[] | null {
  const blocks = keep.map((k, i) => keptDims(cfg, blockDimsAt(cfg, i), k));
  return blocks.every((b) => isFull(cfg, b)) ? null : blocks;
}

/** The mask for `settings` over `ranking` (|a| of the chosen criterion), rounding value dims per head. */
export function previewMask(cfg: VitConfig, ranking: ScoreSet, settings: PruneSettings): PruneMask {
  const overrides = Object.keys(settings.blockRates ?? {}).length > 0;
  if (!overrides && settings.roundTo === 1) return fastGlobalMask(ranking, settings.rate);
  const valueWidths = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i).valueWidths);
  return pruneMask(ranking, { rate: settings.rate, blockRates: settings.blockRates, roundTo: settings.roundTo, valueWidths });
}

/** Kept dims, threshold and costs (params, MACs and the fractions saved) of pruning `cfg` with `settings`. */
export function prunePreview(cfg: VitConfig, ranking: ScoreSet, settings: PruneSettings): PrunePreview {
  const mask = previewMask(cfg, ranking, settings);
  const blocks = keptBlockDims(cfg, mask.keep);
  const before = modelCost(cfg).total;
  const after = modelCost({ ...cfg, blocks }).total;
  return {
    threshold: mask.threshold,
    blocks: blocks ?? Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i)),
    params: after.params,
    macs: after.macs,
    paramsSaved: before.params > 0 ? 1 - after.params / before.params : 0,
    macsSaved: before.macs > 0 ? 1 - after.macs / before.macs : 0,
    removed: mask.removed,
    total: mask.total,
  };
}
