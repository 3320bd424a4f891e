import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { BlockGates } from '../model/vitGates';
import type { VitParams } from '../model/vitParams';
import { datasetSize, hasLabels, type ImageDataset, type Normalisation } from '../data/imageDataset';
import { stratifiedOrder } from '../data/stratifiedOrder';
import { disposeBatch, makeBatch, sequentialBatches } from './batches';
import { correctCount, crossEntropySum, topKCorrect } from './loss';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Progress of an evaluation: images done of total, and top-1 hits among the done ones. */
export interface EvaluateProgress { done: number; total: number; correct: number }

/** Options of evaluateAccuracy; everything but the batch size is optional. */
export interface EvaluateOptions {
  /** Images per forward pass. */
  batchSize: number;
  /** Images in the first forward pass (default batchSize): small for a quick first partial figure. */
  firstBatch?: number;
  /** Evaluate `limit` images (null = all): the first of a seeded stratified order, so every prefix is a stratified sample. */
  limit: number | null;
  /** VTP gates for the gated forward pass (soft or hard-masked scores); none = the plain model. */
  gates?: BlockGates[];
  /** Stops after the current batch; the result then covers the images done so far, cancelled = true. */
  signal?: AbortSignal;
  /** Called after each batch. */
  onProgress?: (p: EvaluateProgress) => void;
  /** Replaces the forward pass: normalised images [B, C, H, W] -> logits [B, classes] (gates are then ignored). */
  logitsFn?: (images: tf.Tensor4D) => tf.Tensor2D;
  /** Top-1 class of the reference (unpruned) model per dataset index (topPredictions, same limit); gives `agreement`. */
  reference?: Int32Array | null;
}

/** Defaults of evaluateAccuracy. */
export const EVALUATE_DEFAULTS: EvaluateOptions = { batchSize: 256, limit: null };

/** Accuracy figures over the evaluated images. */
export interface EvaluateResult {
  /** Fraction 0..1 of images whose top logit is the label (0 when n = 0; NaN when the dataset has no labels). */
  top1: number;
  /** Fraction 0..1 with the label among the 5 largest logits; null when the model has ≤ 5 classes. */
  top5: number | null;
  /** Images evaluated. */
  n: number;
  /** Mean cross-entropy in nats (no label smoothing); NaN when the dataset has no labels. */
  loss: number;
  /** Fraction 0..1 of images whose top-1 class equals the reference model's; null without `reference`. */
  agreement: number | null;
  /** True when the signal stopped it early. */
  cancelled: boolean;
}

/** [Σ CE, top-1 hits, top-5 hits, reference agreements] of one batch as a float32 [4] tensor (zeros where not asked). */
function batchSums(logits: tf.Tensor2D, labels: tf.Tensor1D | null, top5: boolean, reference: tf.Tensor1D | null): tf.Tensor1D {
  return tf.tidy(() => tf.stack([
    labels ? crossEntropySum(logits, labels) : tf.scalar(0), labels ? correctCount(logits, labels) : tf.scalar(0),
    labels && top5 ? topKCorrect(logits, labels, 5) : tf.scalar(0), reference ? correctCount(logits, reference) : tf.scalar(0),
  ]) as tf.Tensor1D);
}

/** The reference classes of the images at `indices`; throws where the reference did not predict (a shorter limit). */
function referenceAt(reference: Int32Array, indices: ArrayLike<number>): Int32Array {
  const out = Int32Array.from(indices, (i) => reference[i]);
  if (out.some((c) => c < 0)) throw new Error('the reference predictions do not cover every evaluated image (use the same limit)');
  return out;
}

/** Throws when a label is not a class of the model's logits. */
function checkLabels(labels: Int32Array, classes: number): void {
  for (const label of labels) {
    if (label < 0 || label >= classes) throw new Error(`label ${label} is outside the model's ${classes} classes`);
  }
}

/**
 * Top-1 / top-5 accuracy and mean cross-entropy of a model on a dataset (uint8 [N, C, H, W] pixels,
 * normalised with `norm` per batch), over the images in stratifiedOrder (class-interleaved, seeded): a
 * limit or a partial figure rests on a stratified sample, never on the first classes of a sorted upload.
 * Reads back three numbers per batch with `await data()`.
 */
export async function evaluateAccuracy(params: VitParams, dataset: ImageDataset, norm: Normalisation,
  options: Partial<EvaluateOptions> = {}): Promise<EvaluateResult> {
  const opts = { ...EVALUATE_DEFAULTS, ...options };
  const forward = opts.logitsFn ?? ((x: tf.Tensor4D) => vitLogits(params, x, opts.gates));
  const total = Math.min(datasetSize(dataset), opts.limit ?? Infinity);
  const labelled = hasLabels(dataset);
  const reference = opts.reference ?? null;
  if (reference && reference.length < datasetSize(dataset)) throw new Error(`the reference predictions cover ${reference.length} images, the dataset has ${datasetSize(dataset)}`);
  const sums = [0, 0, 0, 0];
  let n = 0;
  let withTop5: boolean | null = null;
  let cancelled = false;
  const order = stratifiedOrder(dataset.labels);
  for (const positions of sequentialBatches(total, opts.batchSize, opts.firstBatch)) {
    if (opts.signal?.aborted) { cancelled = true; break; }
    const indices = Int32Array.from(positions, (p) => order[p]);
    const batch = makeBatch(dataset, indices, norm);
    let stats: tf.Tensor1D;
    try {
      stats = tf.tidy(() => {
        const logits = forward(batch.x);
        if (labelled) checkLabels(batch.labels, logits.shape[1]);
        withTop5 = logits.shape[1] > 5;
        const ref = reference ? tf.tensor1d(referenceAt(reference, indices), 'int32') : null;
        return batchSums(logits, labelled ? batch.y : null, withTop5, ref);
      });
    } finally {
      disposeBatch(batch);
    }
    const values = await stats.data();
    stats.dispose();
    for (let k = 0; k < 4; k++) sums[k] += values[k];
    n += indices.length;
    opts.onProgress?.({ done: n, total, correct: sums[1] });
    await yieldToEventLoop();
  }
  if (withTop5 === null) withTop5 = (params.config.numClasses > 5);
  const frac = (v: number) => (n > 0 ? v / n : 0);
  const agreement = reference ? frac(sums[3]) : null;
  if (!labelled) return { top1: NaN, top5: null, n, loss: NaN, agreement, cancelled };
  return { top1: frac(sums[1]), top5: withTop5 ? frac(sums[2]) : null, n, loss: frac(sums[0]), agreement, cancelled };
}
