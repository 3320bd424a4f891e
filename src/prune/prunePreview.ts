/**
 * The prune decision without touching weights: kept dims per block, threshold and costs for a score
 * ranking and the slider settings. Pure and tfjs-free: the main thread runs it on every slider move
 * (the store imports it), the worker for sweeps. Dims match what pruneModel/slimWeights produce.
 */
import { blockDimsAt, type VitConfig } from '../model/vitConfig';
import { modelCost } from './costs';
import { pruneMask, type PruneMask } from './pruneMask';
import type { ScoreSet } from './scoreSet';
import { settingsRank, settingsUnit, type PrunePreview, type PruneSettings } from './pruneSettings';
import { fastGlobalMask } from './fastMask';
import { budgetMask } from './budgetMask';
import { gateDimCosts, macsMeasure, sublayerCosts, unitMeasure } from './costMeasure';
import { keptBlockDims } from './keptDims';
import { predictLatency, type LatencyTable } from './latencyTable';

export { keptBlockDims } from './keptDims';

/** The mask for `settings` over `ranking` (|a| of the chosen criterion): a rate or a budget, rounding value dims per head. */
export function previewMask(cfg: VitConfig, ranking: ScoreSet, settings: PruneSettings): PruneMask {
  const unit = settingsUnit(settings);
  const rank = settingsRank(settings);
  const blockRates = settings.blockRates ?? {};
  if (unit !== 'rate') {
    const measure = unitMeasure(unit, settings.latency);
    return budgetMask(cfg, ranking, { target: settings.rate, measure, rank, blockRates, roundTo: settings.roundTo, heads: settings.heads === true, sublayers: settings.sublayers === true });
  }
  const overrides = Object.keys(blockRates).length > 0;
  const sublayers = settings.sublayers === true;
  if (rank === 'abs' && !overrides && settings.roundTo === 1 && !sublayers) return fastGlobalMask(ranking, settings.rate);
  const valueWidths = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(cfg, i).valueWidths);
  const dimCosts = rank === 'cost' ? gateDimCosts(cfg, macsMeasure) : undefined;
  const units = sublayers ? { costs: rank === 'cost' ? sublayerCosts(cfg, macsMeasure) : undefined } : undefined;
  return pruneMask(ranking, { rate: settings.rate, blockRates, roundTo: settings.roundTo, valueWidths, dimCosts, sublayers: units });
}

/** Kept dims, threshold and costs (params, MACs and the fractions saved) of pruning `cfg` with `settings`. */
export function prunePreview(cfg: VitConfig, ranking: ScoreSet, settings: PruneSettings): PrunePreview {
  const mask = previewMask(cfg, ranking, settings);
  const blocks = keptBlockDims(cfg, mask.keep);
  const before = modelCost(cfg).total;
  const after = modelCost({ ...cfg, blocks }).total;
  const latency = settings.latency ? latencyFigures(settings.latency, cfg, blocks) : {};
  return {
    ...latency,
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

/** Predicted ms per batch of the table's size of `cfg` pruned to `blocks`, and the fraction of the full model's saved. */
export function latencyFigures(table: LatencyTable, cfg: VitConfig, blocks: VitConfig['blocks']): { latencySaved: number; latencyMs: number } {
  const full = predictLatency(table, cfg);
  const ms = predictLatency(table, { ...cfg, blocks });
  return { latencyMs: ms, latencySaved: full > 0 ? 1 - ms / full : 0 };
}
