import { fullBlockDims, type BlockDims, type VitConfig } from '../model/vitConfig';
import { GATE_NAMES, gateLengths, presentSublayers, type SublayerPart } from '../model/gateLayout';
import type { HostTensors } from '../model/hostTensor';
import { modelCost, type ModelCost } from './costs';
import { magnitudeScores } from './magnitudeScores';
import type { PruneMask } from './pruneMask';
import { previewMask } from './prunePreview';
import type { PruneSettings } from './pruneSettings';
import { slimWeights, type BlockFold, type BlockKeep } from './slimWeights';
import type { ScoreSet } from './scoreSet';

/** Which scores rank the dims: VTP's trained gates, or the weight-magnitude baseline. */
export type PruneCriterion = PruneSettings['criterion'];

/** Settings of one pruning run: the slider's settings (rate in its unit, criterion, fold, rounding, overrides, ranking, heads). */
export type PruneOptions = PruneSettings;

/** Defaults: VTP scores, folded, no rounding, no overrides, a plain rate. */
export const PRUNE_DEFAULTS: Omit<PruneOptions, 'rate'> = { criterion: 'vtp', fold: true, roundTo: 1, blockRates: {}, unit: 'rate' };

/** A slim model and what was decided to make it. */
export interface PrunedModel {
  config: VitConfig;
  tensors: HostTensors;
  mask: PruneMask;
  before: ModelCost;
  after: ModelCost;
}

/** Checks that a score set has one vector per gate of every block, sized to `cfg`. */
export function assertScoresFit(cfg: VitConfig, scores: ScoreSet): void {
  if (scores.blocks.length !== cfg.depth) throw new RangeError(`scores have ${scores.blocks.length} blocks, the model has ${cfg.depth}`);
  scores.blocks.forEach((s, i) => {
    const len = gateLengths(cfg, i);
    for (const g of GATE_NAMES) {
      if (!s[g] || s[g].length !== len[g]) throw new RangeError(`scores of block ${i} gate ${g} have ${s[g]?.length ?? 0} values, the model has ${len[g]} dims`);
    }
    const present = presentSublayers(cfg, i);
    for (const part of Object.keys(s.sublayer ?? {})) {
      if (!present.includes(part as SublayerPart)) throw new RangeError(`scores of block ${i} have a ${part} sublayer gate, but that sublayer is removed`);
    }
  });
}

/** The gate values of the hard-masked model: kept dims get their score (fold) or 1, removed dims 0; learned sublayer gates their value (fold). */
export function maskedGateValues(mask: BlockKeep[], scores: ScoreSet | null): ScoreSet {
  return {
    blocks: mask.map((k, i) => {
      const b = Object.fromEntries(GATE_NAMES.map((g) => [g,
        Float32Array.from(k[g], (on, j) => (on ? (scores ? scores.blocks[i][g][j] : 1) : 0))])) as unknown as ScoreSet['blocks'][number];
      const sublayer = scores?.blocks[i].sublayer;
      if (sublayer) b.sublayer = { ...sublayer };
      return b;
    }),
  };
}

function sameDims(a: BlockDims, b: BlockDims): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** VTP pruning: rank, threshold (a rate or a budget), fold (optionally) and physically remove dims; blocks left full stay full. */
export function pruneModel(cfg: VitConfig, host: HostTensors, vtpScores: ScoreSet, options: Partial<PruneOptions> & { rate: number }): PrunedModel {
  const opts = { ...PRUNE_DEFAULTS, ...options };
  assertScoresFit(cfg, vtpScores);
  const ranking = opts.criterion === 'magnitude' ? magnitudeScores(cfg, host) : vtpScores;
  const mask = previewMask(cfg, ranking, opts); // the same decision the studio's preview shows
  const fold: BlockFold[] | null = opts.fold && opts.criterion === 'vtp' ? vtpScores.blocks : null;
  const slim = slimWeights(cfg, host, mask.keep, fold);
  const full = fullBlockDims(cfg);
  const config = slim.config.blocks!.every((b) => sameDims(b, full)) ? { ...slim.config, blocks: null } : slim.config;
  return { config, tensors: slim.tensors, mask, before: modelCost(cfg), after: modelCost(config) };
}
