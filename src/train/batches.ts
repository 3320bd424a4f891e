import * as tf from '@tensorflow/tfjs-core';
import { seededRandom } from '../model/vitInit';
import { normalisedBatch, type ImageDataset, type Normalisation } from '../data/imageDataset';
import { augmentBatch, type AugmentOptions } from './augment';

/** A seeded Fisher–Yates permutation of 0..n-1. */
export function shuffledIndices(n: number, rand: () => number): Int32Array {
  const out = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = out[i];
    out[i] = out[j];
    out[j] = t;
  }
  return out;
}

/**
 * Endless seeded mini-batch index stream over n items: each epoch is a fresh permutation and batches
 * are consecutive slices of the epochs laid end to end, so every batch holds exactly min(batchSize, n)
 * distinct indices (a batch may straddle two epochs; a constant shape keeps GPU kernels cached).
 */
export function* shuffledBatches(n: number, batchSize: number, seed: number): Generator<Int32Array, never> {
  if (n <= 0) throw new Error('cannot draw batches from an empty dataset');
  const size = Math.max(1, Math.min(batchSize, n));
  const rand = seededRandom(seed);
  let epoch = shuffledIndices(n, rand);
  let at = 0;
  for (;;) {
    const batch = new Int32Array(size);
    for (let k = 0; k < size; k++) {
      if (at === n) {
        epoch = shuffledIndices(n, rand);
        at = 0;
      }
      batch[k] = epoch[at++];
    }
    yield batch;
  }
}

/**
 * Batches of the first `n` items in order, [0, f), [f, f + b), …, with a first batch of `first` items
 * (default b; a small one gives a first figure sooner); the last may be shorter (evaluation).
 */
export function* sequentialBatches(n: number, batchSize: number, first = batchSize): Generator<Int32Array> {
  const size = Math.max(1, batchSize);
  for (let start = 0; start < n;) {
    const length = Math.min(start === 0 ? Math.max(1, first) : size, n - start);
    yield Int32Array.from({ length }, (_, k) => start + k);
    start += length;
  }
}

/** Augmentation settings plus the seeded stream that drives them. */
export interface BatchAugment { options: Partial<AugmentOptions>; rand: () => number }

/** One model-ready batch; the caller disposes x and y. */
export interface Batch {
  /** Normalised images, float32 [n, C, H, W]. */
  x: tf.Tensor4D;
  /** Class indices, int32 [n]. */
  y: tf.Tensor1D;
  /** The same class indices on the host, [n]. */
  labels: Int32Array;
  /** Dataset index of every row, [n]. */
  indices: Int32Array;
}

/** Raw bytes of the images at `indices`, uint8 [n, C, H, W]. */
export function gatherPixels(ds: ImageDataset, indices: ArrayLike<number>): Uint8Array {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const out = new Uint8Array(indices.length * per);
  for (let i = 0; i < indices.length; i++) out.set(ds.pixels.subarray(indices[i] * per, (indices[i] + 1) * per), i * per);
  return out;
}

/** Host-side float32 [n, C, H, W] of the images at `indices`, augmented (on the bytes) when asked, then normalised. */
export function batchPixels(ds: ImageDataset, indices: ArrayLike<number>, norm: Normalisation, augment?: BatchAugment | null): Float32Array {
  if (!augment) return normalisedBatch(ds, indices, norm);
  const pixels = augmentBatch(gatherPixels(ds, indices), ds.shape, augment.options, augment.rand);
  const batch: ImageDataset = { ...ds, pixels, labels: new Int32Array(indices.length), skipped: [] };
  return normalisedBatch(batch, Int32Array.from({ length: indices.length }, (_, i) => i), norm);
}

/** The images at `indices` as tensors: x float32 [n, C, H, W] (normalised, optionally augmented), y int32 [n]. */
export function makeBatch(ds: ImageDataset, indices: ArrayLike<number>, norm: Normalisation, augment?: BatchAugment | null): Batch {
  const [C, H, W] = ds.shape;
  const labels = Int32Array.from({ length: indices.length }, (_, i) => ds.labels[indices[i]]);
  const x = tf.tensor4d(batchPixels(ds, indices, norm, augment), [indices.length, C, H, W]);
  return { x, y: tf.tensor1d(labels, 'int32'), labels, indices: Int32Array.from(indices) };
}

/** Disposes both tensors of a batch. */
export function disposeBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
}
