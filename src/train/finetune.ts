import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { VitParams } from '../model/vitParams';
import type { ImageDataset, Normalisation } from '../data/imageDataset';
import { AdamW, type NamedGrads } from './adamW';
import { disposeBatch, type Batch } from './batches';
import { correctCount, crossEntropy } from './loss';
import { warmupCosine } from './schedule';
import {
  batchSource, checkLoopOptions, disposeGrads, gradNormSq, loopNormalisation, nowMs, TRAIN_LOOP_DEFAULTS, weightParams,
  type StopReason, type TrainHooks, type TrainLoopOptions,
} from './trainCommon';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Options of finetuning a (slim) model's weights; see FINETUNE_DEFAULTS. */
export interface FinetuneOptions extends TrainLoopOptions {
  /** Peak learning rate (AdamW) under warm-up + cosine. */
  lr: number;
  /** Decoupled weight decay of the weight matrices (none on biases, norms, tokens). */
  weightDecay: number;
  /** Replaces the forward pass: normalised images [B, C, H, W] -> logits [B, classes]. */
  forward: ((images: tf.Tensor4D) => tf.Tensor2D) | null;
}

/** DESIGN.md section 3: AdamW lr 5e-4, weight decay 0.05, 300 steps of batch 64 here (the CLI passes its own). */
export const FINETUNE_DEFAULTS: FinetuneOptions = { ...TRAIN_LOOP_DEFAULTS, lr: 5e-4, weightDecay: 0.05, forward: null };

/** What one finetuning step reports. */
export interface FinetuneStepInfo {
  /** 1-based step number and the planned total. */
  step: number;
  steps: number;
  /** Cross-entropy of the batch in nats (with label smoothing). */
  loss: number;
  /** Top-1 accuracy 0..1 on the step's (augmented) batch. */
  accuracy: number;
  /** Learning rate used this step. */
  lr: number;
  /** L2 norm of the full gradient. */
  gradNorm: number;
  /** Wall time since training began, ms. */
  elapsedMs: number;
}

/** Per-step series of a finetuning run (index = step − 1). */
export interface FinetuneHistory { loss: number[]; accuracy: number[]; lr: number[] }

/** Outcome of finetune; the trained weights are the params' own variables, updated in place. */
export interface FinetuneResult {
  /** Optimizer steps applied. */
  steps: number;
  /** null = ran every step; 'cancelled'; or why it stopped, e.g. 'non-finite loss at step 12'. */
  stopped: StopReason;
  history: FinetuneHistory;
}

/** One variableGrads over all weights; returns the gradients and [loss, correct, |g|²]. */
function gradStep(weights: tf.Variable[], forward: (x: tf.Tensor4D) => tf.Tensor2D, batch: Batch, smoothing: number) {
  const kept: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const logits = forward(batch.x);
    kept.push(tf.keep(correctCount(logits, batch.y)));
    return crossEntropy(logits, batch.y, smoothing);
  }, weights);
  const stats = tf.tidy(() => tf.stack([value, kept[0], gradNormSq(grads)]) as tf.Tensor1D);
  tf.dispose([value, ...kept]);
  return { grads: grads as NamedGrads, stats };
}

/** Why the step may not be applied (checked before the update, so the weights stay finite), or null. */
function badStep(loss: number, gradSq: number, lr: number, step: number): string | null {
  if (!Number.isFinite(loss)) return `non-finite loss at step ${step}`;
  if (!Number.isFinite(gradSq)) return `non-finite gradient at step ${step}`;
  if (!Number.isFinite(lr)) return `non-finite learning rate at step ${step}`;
  return null;
}

/**
 * Finetunes every weight of `params` IN PLACE (they must be built trainable: vitParams(cfg, host, true))
 * with CE (optional label smoothing) and AdamW under warm-up + cosine. One variableGrads and one
 * 3-number readback per step. A step whose loss, gradient or learning rate is not finite is not
 * applied: training stops there with a reason and the weights keep the last applied update.
 * Cancelling (signal) stops before the next step. The optimizer state is disposed before it returns.
 */
export async function finetune(params: VitParams, dataset: ImageDataset, options: Partial<FinetuneOptions> = {},
  hooks: TrainHooks<FinetuneStepInfo> = {}): Promise<FinetuneResult> {
  const opts = { ...FINETUNE_DEFAULTS, ...options };
  checkLoopOptions(params, dataset, opts);
  const list = weightParams(params);
  const optimizer = new AdamW(list, { weightDecay: opts.weightDecay });
  try {
    return await loop(list.map((p) => p.variable), opts.forward ?? ((x) => vitLogits(params, x)), dataset,
      loopNormalisation(params, opts), opts, hooks, optimizer);
  } finally {
    optimizer.dispose();
  }
}

async function loop(weights: tf.Variable[], forward: (x: tf.Tensor4D) => tf.Tensor2D, dataset: ImageDataset, norm: Normalisation,
  opts: FinetuneOptions, hooks: TrainHooks<FinetuneStepInfo>, optimizer: AdamW): Promise<FinetuneResult> {
  const nextBatch = batchSource(dataset, norm, opts);
  const history: FinetuneHistory = { loss: [], accuracy: [], lr: [] };
  const t0 = nowMs();
  let stopped: StopReason = null;
  let done = 0;
  for (let s = 0; s < opts.steps && stopped === null; s++) {
    if (hooks.signal?.aborted) { stopped = 'cancelled'; break; }
    const batch = nextBatch();
    let step: ReturnType<typeof gradStep>;
    try { step = gradStep(weights, forward, batch, opts.labelSmoothing); } finally { disposeBatch(batch); }
    const { grads, stats } = step;
    try {
      const [loss, correct, gradSq] = await stats.data();
      const lr = warmupCosine(opts.lr, s, opts.steps, opts.schedule);
      stopped = badStep(loss, gradSq, lr, s + 1);
      if (stopped === null) {
        optimizer.step(grads, lr);
        done += 1;
        const accuracy = correct / batch.labels.length;
        history.loss.push(loss);
        history.accuracy.push(accuracy);
        history.lr.push(lr);
        hooks.onProgress?.({ step: s + 1, steps: opts.steps, loss, accuracy, lr, gradNorm: Math.sqrt(gradSq), elapsedMs: nowMs() - t0 });
      }
    } finally {
      stats.dispose();
      disposeGrads(grads);
    }
    await yieldToEventLoop();
  }
  return { steps: done, stopped, history };
}
