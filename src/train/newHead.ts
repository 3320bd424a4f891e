/**
 * A pretrained model on a new task: a new linear head for a dataset's classes, fitted on the frozen
 * final-norm class-token features (exactly what the head consumes) of a seeded stratified training part.
 */
import * as tf from '@tensorflow/tfjs-core';
import { prefixFeatures } from '../model/vitForward';
import { disposeVitParams, vitParams } from '../model/vitParams';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { datasetSize, hasLabels, subsetDataset, type ImageDataset, type Normalisation } from '../data/imageDataset';
import { stratifiedSplitIndices } from '../data/datasetSplit';
import { disposeBatch, makeBatch, sequentialBatches } from './batches';
import { fitLinearHead, headAccuracy, type HeadFitOptions } from './headFit';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Options of newHeadModel. */
export interface NewHeadOptions {
  /** Fraction of every class held out to measure the head (0 < f < 1). */
  valFraction: number;
  /** Seed of the stratified split. */
  seed: number;
  /** Images per forward pass while computing features. */
  batchSize: number;
  /** Logistic-regression settings. */
  fit: Partial<HeadFitOptions>;
}

/** Defaults: 20% held out, seed 0, batch 128, HEAD_FIT_DEFAULTS. */
export const NEW_HEAD_DEFAULTS: NewHeadOptions = { valFraction: 0.2, seed: 0, batchSize: 128, fit: {} };

/** Progress of a new-head fit: computing features (images) then fitting (steps). */
export interface NewHeadProgress { phase: 'features' | 'fit'; done: number; total: number }

/** A model with a new head, and how well the head does. */
export interface NewHeadResult {
  config: VitConfig;
  tensors: HostTensors;
  /** Top-1 of the head on the held-out part (null when no class had 2 images) and on the fitting part. */
  valAccuracy: number | null;
  trainAccuracy: number;
}

/**
 * Final-norm features of every image that a head reads, row-major [N, D]: the class token, or for a
 * distilled model the mean of the class and distillation tokens (its two heads become one, written twice).
 * Batched; one readback per batch; the features are kept on the host.
 */
export async function headFeatures(cfg: VitConfig, host: HostTensors, ds: ImageDataset, norm: Normalisation,
  batchSize: number, onProgress?: (done: number, total: number) => void): Promise<Float32Array> {
  const params = vitParams(cfg, host);
  const D = cfg.embedDim;
  const n = datasetSize(ds);
  const out = new Float32Array(n * D);
  try {
    for (const indices of sequentialBatches(n, batchSize)) {
      const batch = makeBatch(ds, indices, norm);
      let feats: tf.Tensor2D;
      try {
        feats = tf.tidy(() => {
          return tf.mean(prefixFeatures(params, batch.x), 1) as tf.Tensor2D; // [B, p, D] -> [B, D]
        });
      } finally {
        disposeBatch(batch);
      }
      out.set(await feats.data() as Float32Array, indices[0] * D);
      feats.dispose();
      onProgress?.(indices[0] + indices.length, n);
      await yieldToEventLoop();
    }
  } finally {
    disposeVitParams(params);
  }
  return out;
}

/** The host tensors and config of `cfg` with its head replaced by `weight` [K, D] / `bias` [K] (both heads when distilled). */
export function withNewHead(cfg: VitConfig, host: HostTensors, head: { weight: Float32Array; bias: Float32Array }, classNames: string[],
  origin: NonNullable<VitConfig['headOrigin']>): { config: VitConfig; tensors: HostTensors } {
  const K = classNames.length;
  const tensors: HostTensors = new Map([...host].filter(([key]) => !key.startsWith('head.') && !key.startsWith('head_dist.')));
  for (const prefix of cfg.distilled ? ['head', 'head_dist'] : ['head']) {
    tensors.set(`${prefix}.weight`, { shape: [K, cfg.embedDim], data: Float32Array.from(head.weight) });
    tensors.set(`${prefix}.bias`, { shape: [K], data: Float32Array.from(head.bias) });
  }
  return { config: { ...cfg, numClasses: K, classNames: [...classNames], headOrigin: origin }, tensors };
}

/**
 * Fits a new linear head for the dataset's classes (names = ds.classNames) on frozen features: a seeded
 * stratified split, features of all images computed once, logistic regression on the training part
 * (fitLinearHead), top-1 on the held-out part. The backbone weights are unchanged.
 */
export async function newHeadModel(cfg: VitConfig, host: HostTensors, ds: ImageDataset, name: string, norm: Normalisation,
  options: Partial<NewHeadOptions> = {}, onProgress?: (p: NewHeadProgress) => void): Promise<NewHeadResult> {
  const opts = { ...NEW_HEAD_DEFAULTS, ...options };
  checkHeadData(ds);
  const split = stratifiedSplitIndices(ds.labels, opts.valFraction, opts.seed);
  return fitNewHead(cfg, host, subsetDataset(ds, split.train), subsetDataset(ds, split.val), name, norm, opts, onProgress);
}

/** Throws unless the dataset has labels and at least 2 classes. */
function checkHeadData(ds: ImageDataset): void {
  if (!hasLabels(ds)) throw new Error('a new head needs labelled images: one folder of images per class');
  if (ds.classNames.length < 2) throw new Error(`a new head needs at least 2 classes, the dataset has ${ds.classNames.length}`);
}

/** A new head fitted on `train` and measured on `val` (an already made split with the same classes; val may be empty). */
export async function fitNewHead(cfg: VitConfig, host: HostTensors, train: ImageDataset, val: ImageDataset, name: string, norm: Normalisation,
  options: Partial<NewHeadOptions> = {}, onProgress?: (p: NewHeadProgress) => void): Promise<NewHeadResult> {
  const opts = { ...NEW_HEAD_DEFAULTS, ...options };
  checkHeadData(train);
  const D = cfg.embedDim;
  const total = datasetSize(train) + datasetSize(val);
  const progress = (offset: number) => (done: number) => onProgress?.({ phase: 'features', done: offset + done, total });
  const trainX = await headFeatures(cfg, host, train, norm, opts.batchSize, progress(0));
  const head = await fitLinearHead(trainX, train.labels, D, train.classNames.length, opts.fit,
    (done, steps) => onProgress?.({ phase: 'fit', done, total: steps }));
  const valX = datasetSize(val) > 0 ? await headFeatures(cfg, host, val, norm, opts.batchSize, progress(datasetSize(train))) : null;
  const valAccuracy = valX ? headAccuracy(head, valX, val.labels, D) : null;
  const origin = { source: 'new' as const, fittedOn: name, trainImages: datasetSize(train), valImages: datasetSize(val), valAccuracy };
  return { ...withNewHead(cfg, host, head, train.classNames, origin), valAccuracy, trainAccuracy: headAccuracy(head, trainX, train.labels, D) };
}
