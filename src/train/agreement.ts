import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { VitParams } from '../model/vitParams';
import { datasetSize, type ImageDataset, type Normalisation } from '../data/imageDataset';
import { disposeBatch, makeBatch, sequentialBatches } from './batches';
import { stratifiedOrder } from '../data/stratifiedOrder';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Options of topPredictions. */
export interface PredictionOptions {
  /** Images per forward pass. */
  batchSize: number;
  /** Only the first `limit` images (null = all). */
  limit: number | null;
  /** Replaces the forward pass: normalised images [B, C, H, W] -> logits [B, classes]. */
  logitsFn: ((images: tf.Tensor4D) => tf.Tensor2D) | null;
}

/** Defaults: batch 256, every image, the plain (ungated) model. */
export const PREDICTION_DEFAULTS: PredictionOptions = { batchSize: 256, limit: null, logitsFn: null };

/**
 * Top-1 class of a model per image of a dataset, int32 [N] indexed like the dataset (the reference for
 * agreement; labels unused). With a limit, only the first `limit` images of evaluateAccuracy's stratified
 * order are predicted (the same images it evaluates); the others hold -1. One readback of B ints per batch.
 */
export async function topPredictions(params: VitParams, dataset: ImageDataset, norm: Normalisation,
  options: Partial<PredictionOptions> = {}): Promise<Int32Array> {
  const opts = { ...PREDICTION_DEFAULTS, ...options };
  const forward = opts.logitsFn ?? ((x: tf.Tensor4D) => vitLogits(params, x));
  const size = datasetSize(dataset);
  const total = Math.min(size, opts.limit ?? Infinity);
  const order = total < size ? stratifiedOrder(dataset.labels) : null;
  const out = new Int32Array(size).fill(-1);
  for (const positions of sequentialBatches(total, opts.batchSize)) {
    const indices = order ? Int32Array.from(positions, (p) => order[p]) : positions;
    const batch = makeBatch(dataset, indices, norm);
    let top: tf.Tensor1D;
    try {
      top = tf.tidy(() => tf.cast(tf.argMax(forward(batch.x), 1), 'int32') as tf.Tensor1D); // [B]
    } finally {
      disposeBatch(batch);
    }
    const classes = await top.data() as Int32Array;
    top.dispose();
    indices.forEach((index, k) => { out[index] = classes[k]; });
    await yieldToEventLoop();
  }
  return out;
}

/** Fraction 0..1 of positions where two top-1 prediction lists agree (over the shorter length; 0 when empty). */
export function agreementRate(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let same = 0;
  for (let i = 0; i < n; i++) if (a[i] === b[i]) same++;
  return n > 0 ? same / n : 0;
}
