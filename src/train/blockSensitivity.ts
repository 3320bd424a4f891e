/**
 * Per-layer sensitivity: the top-1 agreement with the unpruned model (and the accuracy, with labels) lost by
 * pruning each block alone at a prune setting. Every model measured is the slim model of slimWeights (which
 * equals the hard-masked one) and evaluateAccuracy walks the same stratified images for all of them:
 * first the base (every dim kept, scores folded as the setting folds them), then block b cut as the setting's
 * mask cuts it and every other block as in the base. Loss_b = base figure − figure with block b cut, so every
 * loss is 0 when the setting removes nothing.
 */
import { disposeVitParams, vitParams } from '../model/vitParams';
import type { VitConfig } from '../model/vitConfig';
import type { HostTensors } from '../model/hostTensor';
import { datasetSize, hasLabels, type ImageDataset, type Normalisation } from '../data/imageDataset';
import { slimWeights, type BlockFold, type BlockKeep } from '../prune/slimWeights';
import { isolatedKeep, isolatedMacsSaved, blockCutFraction } from '../prune/blockIsolation';
import { fullKeep } from '../prune/pruneMask';
import { evaluateAccuracy, type EvaluateResult } from './evaluate';

/** Options of blockSensitivity. */
export interface SensitivityOptions {
  /** Images evaluated per model (a stratified sample; null = all). */
  limit: number | null;
  /** Images per forward pass. */
  batchSize: number;
  /** Top-1 class of the unpruned model per dataset index (topPredictions with the same limit). */
  reference: Int32Array;
  /** Stops after the current batch; the result then has the blocks finished so far, cancelled = true. */
  signal?: AbortSignal;
  /** Images evaluated so far over all models (the base and one per block) of `total`. */
  onProgress?: (p: { done: number; total: number }) => void;
}

/** Defaults: 500 images, batch 100 (the reference must be given). */
export const SENSITIVITY_DEFAULTS: Omit<SensitivityOptions, 'reference'> = { limit: 500, batchSize: 100 };

/** What pruning one block alone costs. */
export interface BlockSensitivity {
  block: number;
  /** Fraction 0..1 of the block's gated dims the setting removes, and of the whole model's MACs that saves. */
  cut: number;
  macsSaved: number;
  /** Top-1 agreement 0..1 with the unpruned model with only this block cut; base agreement minus it. */
  agreement: number;
  agreementLost: number;
  /** Accuracy 0..1 with only this block cut and base accuracy minus it; NaN without labels. */
  accuracy: number;
  accuracyLost: number;
}

/** The base figures, one entry per finished block, the images each rests on. */
export interface SensitivityResult {
  baseAgreement: number;
  /** NaN without labels. */
  baseAccuracy: number;
  blocks: BlockSensitivity[];
  n: number;
  labelled: boolean;
  cancelled: boolean;
}

/** Evaluates the slim model of `keep` (host weights -> tensors, disposed after). */
async function figuresOf(cfg: VitConfig, host: HostTensors, keep: BlockKeep[], fold: BlockFold[] | null, dataset: ImageDataset,
  norm: Normalisation, opts: SensitivityOptions, onBatch: (done: number) => void): Promise<EvaluateResult> {
  const slim = slimWeights(cfg, host, keep, fold);
  const params = vitParams(slim.config, slim.tensors);
  try {
    return await evaluateAccuracy(params, dataset, norm, {
      limit: opts.limit, batchSize: opts.batchSize, reference: opts.reference, signal: opts.signal, onProgress: (p) => onBatch(p.done),
    });
  } finally {
    disposeVitParams(params);
  }
}

/**
 * Agreement (and accuracy) lost by cutting each block of `cfg` alone as `keep` (a whole-model prune mask) cuts
 * it, kept scores folded when `fold` is given; `depth + 1` evaluations of `limit` images each.
 */
export async function blockSensitivity(cfg: VitConfig, host: HostTensors, keep: BlockKeep[], fold: BlockFold[] | null,
  dataset: ImageDataset, norm: Normalisation, options: Partial<SensitivityOptions> & Pick<SensitivityOptions, 'reference'>): Promise<SensitivityResult> {
  const opts = { ...SENSITIVITY_DEFAULTS, ...options };
  const perModel = Math.min(datasetSize(dataset), opts.limit ?? Infinity);
  const total = perModel * (keep.length + 1);
  const labelled = hasLabels(dataset);
  const progress = (models: number) => (done: number) => opts.onProgress?.({ done: models * perModel + done, total });
  const base = await figuresOf(cfg, host, fullKeep(keep), fold, dataset, norm, opts, progress(0));
  const result: SensitivityResult = { baseAgreement: base.agreement ?? 0, baseAccuracy: base.top1, blocks: [], n: base.n, labelled, cancelled: base.cancelled };
  for (let b = 0; b < keep.length && !result.cancelled; b++) {
    const r = await figuresOf(cfg, host, isolatedKeep(keep, b), fold, dataset, norm, opts, progress(b + 1));
    if (r.cancelled) { result.cancelled = true; break; }
    const agreement = r.agreement ?? 0;
    result.blocks.push({
      block: b, cut: blockCutFraction(keep, b), macsSaved: isolatedMacsSaved(cfg, keep, b),
      agreement, agreementLost: result.baseAgreement - agreement, accuracy: r.top1, accuracyLost: labelled ? base.top1 - r.top1 : NaN,
    });
  }
  return result;
}
