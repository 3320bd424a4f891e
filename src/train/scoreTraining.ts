import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { BlockGates, GateName } from '../model/vitGates';
import type { VitParams } from '../model/vitParams';
import type { ImageDataset, Normalisation } from '../data/imageDataset';
import type { ScoreSet } from '../prune/scoreSet';
import { AdamW, type NamedGrads } from './adamW';
import { disposeBatch, type Batch } from './batches';
import { flattenScores, gateStats, maxAbsOrNaN, scoreLayout, splitGates, unflattenScores, type GateStats, type ScoreLayout } from './flatScores';
import { agreementCount, correctCount, crossEntropy } from './loss';
import { distillTerm, type DistillOptions, type TeacherLogits } from './teacher';
import { hasLabels } from '../data/imageDataset';
import { warmupCosine } from './schedule';
import {
  batchSource, checkLoopOptions, disposeGrads, gradNormSq, loopNormalisation, nowMs, teacherSource, TRAIN_LOOP_DEFAULTS, weightParams,
  type StopReason, type TrainHooks, type TrainLoopOptions,
} from './trainCommon';

export type { TrainHooks } from './trainCommon';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Options of VTP score training (DESIGN.md section 1); see SCORE_TRAINING_DEFAULTS. */
export interface ScoreTrainingOptions extends TrainLoopOptions {
  /** Peak learning rate of the scores (Adam, no weight decay). */
  lr: number;
  /** λ of the sparsity term λ·Σ|a| (a sum over all gated dims of all blocks, and over the sublayer gates when learned; not a mean). */
  l1: number;
  /**
   * Also learn one scalar gate per present sublayer (x + g_attn·Attn(LN1(x)), y + g_mlp·MLP(LN2(y))), initialised to 1
   * (or `initial`'s), under the same λ·Σ|a|; the result's blocks then carry `sublayer` gates. Default false (VTP).
   */
  sublayerGates: boolean;
  /** Also train the weights (params must be built trainable); they are then updated in place. */
  trainWeights: boolean;
  /** Peak learning rate of the weights when trainWeights. */
  weightLr: number;
  /** Decoupled weight decay of the weight matrices when trainWeights. */
  weightDecay: number;
  /** Starting scores; null = all ones (VTP). */
  initial: ScoreSet | null;
  /** Replaces the gated forward pass: images [B, C, H, W], gates -> logits [B, classes]. */
  forward: ((images: tf.Tensor4D, gates: BlockGates[]) => tf.Tensor2D) | null;
  /**
   * Label-free (or mixed) training: the data term becomes α·CE + (1 − α)·T²·KL(teacher ‖ gated model);
   * null = CE on labels (VTP). The teacher is usually the same params without gates (see ungatedTeacher).
   */
  distill: DistillOptions | null;
}

/** Paper/DESIGN defaults: 300 steps, score lr 1e-2, λ = 1e-4, no sublayer gates, frozen weights (weight lr 5e-4, wd 0.05 if trained). */
export const SCORE_TRAINING_DEFAULTS: ScoreTrainingOptions = {
  ...TRAIN_LOOP_DEFAULTS, lr: 1e-2, l1: 1e-4, sublayerGates: false, trainWeights: false, weightLr: 5e-4, weightDecay: 0.05, initial: null, forward: null, distill: null,
};

/** What one step reports; loss = ce + λ·l1, stats describe the scores the step's loss was computed with. */
export interface ScoreStepInfo {
  /** 1-based step number and the planned total. */
  step: number;
  steps: number;
  /** Training loss, its data term `ce` (nats: cross-entropy with smoothing, or the distillation term) and Σ|a| of the batch. */
  loss: number;
  ce: number;
  l1: number;
  /** Top-1 accuracy 0..1 on the step's (augmented) batch; with no labels, top-1 agreement with the teacher. */
  accuracy: number;
  /** Learning rate of the scores this step (and of the weights when trained, else null). */
  lr: number;
  weightLr: number | null;
  /** Wall time since training began, ms. */
  elapsedMs: number;
  /** Per gate kind: mean |a|, fraction |a| < 0.05, max |a|. */
  scoreStats: Record<GateName, GateStats>;
}

/** Per-step series of a score-training run (index = step − 1). */
export interface ScoreHistory { loss: number[]; ce: number[]; l1: number[]; accuracy: number[]; lr: number[] }

/** Outcome of trainScores. */
export interface ScoreTrainingResult {
  /** The trained scores (the last good ones when stopped for non-finite values). */
  scores: ScoreSet;
  /** Optimizer steps applied. */
  steps: number;
  /** null = ran every step; 'cancelled'; or why it stopped, e.g. 'non-finite loss at step 12'. */
  stopped: StopReason;
  history: ScoreHistory;
}

/** Above this |a| the scores count as exploded and training stops. */
export const SCORE_LIMIT = 1e3;

/** Layout of the per-step readback: these scalars, then the flat scores. */
const STAT_COUNT = 5; // loss, ce, l1, correct, |grad|²

interface Run {
  opts: ScoreTrainingOptions;
  layout: ScoreLayout;
  flat: tf.Variable<tf.Rank.R1>;
  weights: tf.Variable[];
  forward: (images: tf.Tensor4D, gates: BlockGates[]) => tf.Tensor2D;
  teacher: TeacherLogits | null;
  labelled: boolean;
}

/** One variableGrads over scores (and weights); returns the gradients and [loss, ce, l1, correct, |g|², ...scores]. */
function gradStep(run: Run, batch: Batch, teacher: tf.Tensor2D | null): { grads: NamedGrads; stats: tf.Tensor1D } {
  const kept: tf.Tensor[] = [];
  const { value, grads } = tf.variableGrads(() => {
    const logits = run.forward(batch.x, splitGates(run.flat, run.layout));
    const { distill, labelSmoothing } = run.opts;
    const ce = teacher && distill ? distillTerm(logits, teacher, batch.y, distill, labelSmoothing) : crossEntropy(logits, batch.y, labelSmoothing);
    const l1 = tf.sum(tf.abs(run.flat)) as tf.Scalar;
    const correct = run.labelled || !teacher ? correctCount(logits, batch.y) : agreementCount(logits, teacher);
    kept.push(tf.keep(ce), tf.keep(l1), tf.keep(correct));
    return tf.add(ce, tf.mul(l1, run.opts.l1)) as tf.Scalar;
  }, [run.flat, ...run.weights]);
  const stats = tf.tidy(() => tf.concat([tf.stack([value, ...kept, gradNormSq(grads)]), run.flat]) as tf.Tensor1D);
  tf.dispose([value, ...kept]);
  return { grads, stats };
}

/** Why scores read back after `done` updates are unusable (non-finite or |a| > SCORE_LIMIT), or null. */
function badScores(scores: Float32Array, done: number): string | null {
  const max = maxAbsOrNaN(scores);
  if (Number.isNaN(max)) return `non-finite scores after step ${done}`;
  if (max > SCORE_LIMIT) return `scores exploded (|a| = ${Number(max.toPrecision(4))} > ${SCORE_LIMIT}) after step ${done}`;
  return null;
}

/** Why step `step` (1-based) may not be applied: non-finite loss, gradient or learning rate; else null. */
function badStep(loss: number, gradSq: number, lrs: number[], step: number): string | null {
  if (!Number.isFinite(loss)) return `non-finite loss at step ${step}`;
  if (!Number.isFinite(gradSq)) return `non-finite gradient at step ${step}`;
  if (!lrs.every(Number.isFinite)) return `non-finite learning rate at step ${step}`;
  return null;
}

/** The unpruned, ungated model as a distillation teacher: the same params with no gates (weights must stay frozen). */
export function ungatedTeacher(params: VitParams): (images: tf.Tensor4D) => tf.Tensor2D {
  return (x) => vitLogits(params, x);
}

/**
 * VTP score training: gates a (one flat tf.Variable, split per block and gate kind, initialised to 1 or
 * `initial`) minimise CE + λ·Σ|a| with Adam (no weight decay) under warm-up + cosine; weights frozen
 * unless trainWeights (then updated in place with AdamW). One variableGrads and one readback per step.
 * Stops on cancel, or before applying a step whose loss, gradient or lr is not finite, or when the
 * scores turn non-finite or |a| > 1e3; it then returns the last good (finite, bounded) scores, which are
 * those after the last applied update unless the scores themselves went bad.
 * Every tensor it creates (gates, optimizer state, batches) is disposed before it returns.
 */
export async function trainScores(params: VitParams, dataset: ImageDataset, options: Partial<ScoreTrainingOptions> = {},
  hooks: TrainHooks<ScoreStepInfo> = {}): Promise<ScoreTrainingResult> {
  const opts = { ...SCORE_TRAINING_DEFAULTS, ...options };
  checkLoopOptions(params, dataset, opts, opts.distill);
  const layout = scoreLayout(params.config, opts.sublayerGates);
  const start = opts.initial ? flattenScores(opts.initial, layout) : new Float32Array(layout.total).fill(1);
  const weightList = opts.trainWeights ? weightParams(params) : [];
  const run: Run = {
    opts, layout, weights: weightList.map((w) => w.variable),
    flat: tf.tidy(() => tf.variable(tf.tensor1d(start), true)),
    forward: opts.forward ?? ((x, gates) => vitLogits(params, x, gates)),
    teacher: teacherSource(dataset, params.config.numClasses, opts, opts.distill), labelled: hasLabels(dataset),
  };
  const scoreOpt = new AdamW([{ variable: run.flat, decay: false }]);
  const weightOpt = opts.trainWeights ? new AdamW(weightList, { weightDecay: opts.weightDecay }) : null;
  try {
    return await loop(run, dataset, start, hooks, scoreOpt, weightOpt, loopNormalisation(params, opts));
  } finally {
    run.flat.dispose();
    scoreOpt.dispose();
    weightOpt?.dispose();
  }
}

async function loop(run: Run, dataset: ImageDataset, start: Float32Array, hooks: TrainHooks<ScoreStepInfo>,
  scoreOpt: AdamW, weightOpt: AdamW | null, norm: Normalisation): Promise<ScoreTrainingResult> {
  const { opts, layout } = run;
  const nextBatch = batchSource(dataset, norm, opts);
  const history: ScoreHistory = { loss: [], ce: [], l1: [], accuracy: [], lr: [] };
  const t0 = nowMs();
  let lastGood = start;
  let done = 0;
  let stopped: StopReason = null;
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
      const values = await stats.data() as Float32Array;
      const [loss, ce, l1, correct, gradSq] = values;
      const scores = values.subarray(STAT_COUNT); // the scores this step's loss was computed with
      const lr = warmupCosine(opts.lr, s, opts.steps, opts.schedule);
      const weightLr = weightOpt ? warmupCosine(opts.weightLr, s, opts.steps, opts.schedule) : null;
      stopped = badScores(scores, done);
      if (stopped === null) {
        lastGood = scores;
        stopped = badStep(loss, gradSq, weightLr === null ? [lr] : [lr, weightLr], s + 1);
      }
      if (stopped === null) {
        scoreOpt.step(grads, lr);
        if (weightOpt && weightLr !== null) weightOpt.step(grads, weightLr);
        done += 1;
        const info = { step: s + 1, steps: opts.steps, loss, ce, l1, accuracy: correct / batch.labels.length, lr, weightLr };
        for (const k of ['loss', 'ce', 'l1', 'accuracy', 'lr'] as const) history[k].push(info[k]);
        hooks.onProgress?.({ ...info, elapsedMs: nowMs() - t0, scoreStats: gateStats(scores, layout) });
      }
    } finally {
      stats.dispose();
      disposeGrads(grads);
    }
    await yieldToEventLoop();
    if (stopped === null && hooks.between) await hooks.between(async () => (await run.flat.data()) as Float32Array);
  }
  const final = await finalScores(run, done, stopped, lastGood);
  return { scores: unflattenScores(final.scores, layout), steps: done, stopped: final.stopped, history };
}

/** The scores after the last update when finite and bounded; else the last good ones, with a reason. */
async function finalScores(run: Run, done: number, stopped: StopReason, lastGood: Float32Array): Promise<{ scores: Float32Array; stopped: StopReason }> {
  if (done === 0 || (stopped !== null && stopped !== 'cancelled')) return { scores: lastGood, stopped };
  const scores = await run.flat.data() as Float32Array;
  const bad = badScores(scores, done);
  return bad === null ? { scores, stopped } : { scores: lastGood, stopped: stopped ?? bad };
}
