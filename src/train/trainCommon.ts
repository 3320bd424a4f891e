import * as tf from '@tensorflow/tfjs-core';
import { paramTensors, type VitParams } from '../model/vitParams';
import { seededRandom } from '../model/vitInit';
import { datasetSize, hasLabels, type ImageDataset, type Normalisation } from '../data/imageDataset';
import type { AugmentOptions } from './augment';
import type { AdamWParam, NamedGrads } from './adamW';
import { makeBatch, shuffledBatches, type Batch } from './batches';
import type { ScheduleOptions } from './schedule';
import { checkDistill, TeacherLogits, type DistillOptions } from './teacher';

/** Options shared by the training loops (score training and finetuning). */
export interface TrainLoopOptions {
  /** Optimizer steps (one mini-batch each). */
  steps: number;
  /** Images per step (clamped to the dataset size). */
  batchSize: number;
  /** Byte-level augmentation before normalisation; null = none. */
  augment: Partial<AugmentOptions> | null;
  /** Seed of the batch order and of the augmentation draws. */
  seed: number;
  /** Label smoothing ε of the cross-entropy (0..1). */
  labelSmoothing: number;
  /** Input normalisation; null = the model config's mean/std. */
  normalisation: Normalisation | null;
  /** Warm-up fraction and final-rate fraction of the learning-rate schedule. */
  schedule: Partial<ScheduleOptions>;
}

/** Defaults shared by the loops: batch 64, no augmentation, seed 0, no smoothing, config normalisation. */
export const TRAIN_LOOP_DEFAULTS: TrainLoopOptions = {
  steps: 300, batchSize: 64, augment: null, seed: 0, labelSmoothing: 0, normalisation: null, schedule: {},
};

/** Hooks of a training loop: per-step progress and cancellation (checked before each step). */
export interface TrainHooks<Info> {
  onProgress?: (info: Info) => void;
  signal?: AbortSignal;
  /**
   * Awaited after every applied step with a reader of the current scores; the loop (and its optimizer
   * state) waits while it runs, e.g. while the job is paused.
   */
  between?: (readScores: () => Promise<Float32Array>) => Promise<void>;
}

/** The reason a loop stopped early, or null when it ran all its steps. */
export type StopReason = string | null;

/** Throws a clear error when the dataset's image shape or labels do not fit the model. */
export function checkDataset(params: VitParams, ds: ImageDataset): void {
  const { inChans, imageSize, numClasses } = params.config;
  const [C, H, W] = ds.shape;
  if (C !== inChans || H !== imageSize[0] || W !== imageSize[1]) {
    throw new Error(`dataset images are [${C}, ${H}, ${W}], the model expects [${inChans}, ${imageSize[0]}, ${imageSize[1]}]`);
  }
  if (datasetSize(ds) === 0) throw new Error('the dataset is empty');
  if (!hasLabels(ds)) return;
  for (const label of ds.labels) {
    if (label < 0 || label >= numClasses) throw new Error(`label ${label} is outside the model's ${numClasses} classes`);
  }
}

/** Throws a clear error when the loop options or the dataset do not fit the model (labels needed unless distilling with α = 0). */
export function checkLoopOptions(params: VitParams, ds: ImageDataset, opts: TrainLoopOptions, distill: DistillOptions | null = null): void {
  checkDataset(params, ds);
  if (distill) checkDistill(distill, hasLabels(ds));
  else if (!hasLabels(ds)) throw new Error('this dataset has no labels (loose images without class folders): train with distillation from the original model instead');
  if (!Number.isInteger(opts.steps) || opts.steps < 0) throw new Error(`steps must be a whole number >= 0, got ${opts.steps}`);
  if (!(opts.batchSize >= 1)) throw new Error(`batchSize must be >= 1, got ${opts.batchSize}`);
}

/** The normalisation to use: the option, else the model config's per-channel mean/std. */
export function loopNormalisation(params: VitParams, opts: TrainLoopOptions): Normalisation {
  return opts.normalisation ?? { mean: params.config.mean, std: params.config.std };
}

/** A function returning the next seeded, shuffled (and augmented when asked) training batch; caller disposes. */
export function batchSource(ds: ImageDataset, norm: Normalisation, opts: TrainLoopOptions): () => Batch {
  const stream = shuffledBatches(datasetSize(ds), opts.batchSize, opts.seed);
  const augment = opts.augment ? { options: opts.augment, rand: seededRandom((opts.seed ^ 0x5bd1e995) >>> 0) } : null;
  return () => makeBatch(ds, stream.next().value, norm, augment);
}

/**
 * Every weight variable of `params` for an optimizer: weight decay on the rank-2 matrices only (patch
 * embedding, q|k|v, proj, fc1, fc2, heads), none on biases, LayerNorms, tokens and position embedding.
 */
export function weightParams(params: VitParams): AdamWParam[] {
  const vars = paramTensors(params).filter((t): t is tf.Variable => t instanceof tf.Variable);
  if (vars.some((v) => !v.trainable)) {
    throw new Error('training the weights needs params built trainable: vitParams(cfg, host, true)');
  }
  return vars.map((variable) => ({ variable, decay: variable.rank === 2 }));
}

/** Σ of squared gradient entries over all gradients, a float32 scalar (NaN/Inf when any entry is). */
export function gradNormSq(grads: NamedGrads): tf.Scalar {
  return tf.tidy(() => {
    const parts = Object.values(grads).filter((g): g is tf.Tensor => !!g).map((g) => tf.sum(tf.square(g)));
    return (parts.length > 0 ? tf.addN(parts) : tf.scalar(0)) as tf.Scalar;
  });
}

/** Disposes every gradient of a variableGrads result. */
export function disposeGrads(grads: NamedGrads): void {
  for (const g of Object.values(grads)) g?.dispose();
}

/** The teacher-logit source of a distilling loop (cached per image when there is no augmentation), or null. */
export function teacherSource(ds: ImageDataset, classes: number, opts: TrainLoopOptions, distill: DistillOptions | null): TeacherLogits | null {
  return distill ? new TeacherLogits(distill.teacher, datasetSize(ds), classes, opts.augment === null) : null;
}

/** Milliseconds from a monotonic clock. */
export function nowMs(): number {
  return performance.now();
}
