import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { VitParams } from '../model/vitParams';
import type { ImageDataset, Normalisation } from '../data/imageDataset';
import { AdamW, type NamedGrads } from './adamW';
import { disposeBatch, type Batch } from './batches';
import { agreementCount, correctCount, crossEntropy } from './loss';
import { distillTerm, type DistillOptions, type TeacherLogits } from './teacher';
import { hasLabels } from '../data/imageDataset';
import { warmupCosine } from './schedule';
import {
  batchSource, checkLoopOptions, disposeGrads, gradNormSq, loopNormalisation, nowMs, teacherSource, TRAIN_LOOP_DEFAULTS, weightParams,
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
  /** Distil from a teacher (the unpruned model): α·CE + (1 − α)·T²·KL; null = CE on labels only. */
  distill: DistillOptions | null;
}

/** DESIGN.md section 3: AdamW lr 5e-4, weight decay 0.05, 300 steps of batch 64 here (the CLI passes its own). */
export const FINETUNE_DEFAULTS: FinetuneOptions = { ...TRAIN_LOOP_DEFAULTS, lr: 5e-4, weightDecay: 0.05, forward: null, distill: null };

/** What one finetuning step reports. */
export interface FinetuneStepInfo {
  /** 1-based step number and the planned total. */
  step: number;
  steps: number;
  /** Loss of the batch in nats: cross-entropy (with label smoothing), or the distillation term when distilling. */
  loss: number;
  /** Top-1 accuracy 0..1 on the step's (augmented) batch; with no labels, top-1 agreement with the teacher. */
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

/** A finetuning run's fixed parts. */
interface Run { weights: tf.Variable[]; forward: (x: tf.Tensor4D) => tf.Tensor2D; opts: FinetuneOptions; teacher: TeacherLogits | null; labelled: boolean }

/** One variableGrads over all weights; returns the gradients and [loss, correct, |g|²]. */
function gradStep(run: Run, batch: Batch, teacher: tf.Tensor2D | null) {
  const kept: tf.Tensor[] = [];
  const { distill, labelSmoothing } = run.opts;
  const { value, grads } = tf.variableGrads(() => {
    const logits = run.forward(batch.x);
    kept.push(tf.keep(run.labelled || !teacher ? correctCount(logits, batch.y) : agreementCount(logits, teacher)));
    return teacher && distill ? distillTerm(logits, teacher, batch.y, distill, labelSmoothing) : crossEntropy(logits, batch.y, labelSmoothing);
  }, run.weights);
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
  checkLoopOptions(params, dataset, opts, opts.distill);
  const list = weightParams(params);
  const optimizer = new AdamW(list, { weightDecay: opts.weightDecay });
  const run: Run = {
    weights: list.map((p) => p.variable), forward: opts.forward ?? ((x) => vitLogits(params, x)), opts,
    teacher: teacherSource(dataset, params.config.numClasses, opts, opts.distill), labelled: hasLabels(dataset),
  };
  try {
    return await loop(run, dataset, loopNormalisation(params, opts), hooks, optimizer);
  } finally {
    optimizer.dispose();
  }
}

async function loop(run: Run, dataset: ImageDataset, norm: Normalisation, hooks: TrainHooks<FinetuneStepInfo>,
  optimizer: AdamW): Promise<FinetuneResult> {
  const { opts } = run;
  const nextBatch = batchSource(dataset, norm, opts);
  const history: FinetuneHistory = { loss: [], accuracy: [], lr: [] };
  const t0 = nowMs();
  let stopped: StopReason = null;
  let done = 0;
  for (let s = 0; s < opts.steps && stopped === null; s++) {
    if (hooks.signal?.aborted) { stopped = 'cancelled'; break; }
    const batch = nextBatch();
    let step: ReturnType<typeof gradStep>;
    let teacher: tf.Tensor2D | null = null;
    try {
      teacher = run.teacher ? await run.teacher.logitsFor(batch) : null;
      step = gradStep(run, batch, teacher);
    } finally { disposeBatch(batch); teacher?.dispose(); }
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
