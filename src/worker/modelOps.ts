/** Model-side operations of the engine: import, predictions, evaluation, pruning and finetuning. */
import * as tf from '@tensorflow/tfjs-core';
import { importCheckpoint } from '../io/checkpoint';
import { paramsToHost } from '../model/paramsToHost';
import { vitLogits } from '../model/vitForward';
import { disposeVitParams, vitParams } from '../model/vitParams';
import { pruneModel } from '../prune/pruneModel';
import { pruneAmountText } from '../prune/pruneSettings';
import { MAGNITUDE_FALLBACK_NOTE } from '../prune/rankingCriterion';
import { evaluateAccuracy } from '../train/evaluate';
import { finetune } from '../train/finetune';
import type { FinetuneStepInfo } from '../train/finetune';
import { makeBatch, disposeBatch } from '../train/batches';
import { DISTILL_DEFAULTS } from '../train/teacher';
import { referenceTop1 } from './referenceTop1';
import { thumbnail } from './datasetInfo';
import type { EvaluateInfo, ModelInfo, Prediction, PruneSettings, TrainProgress } from './engineApi';
import type { Job } from './jobs';
import { effectiveSettings, vtpScores } from './maskedEval';
import { RateLimiter } from './rateLimiter';
import { distillForced, type EngineSession, type LoadedModel } from './session';
import { noGateStats } from './trainProgress';

/** Imports checkpoint files (bytes) as the session's model. */
export function importModel(session: EngineSession, files: { name: string; bytes: Uint8Array }[], name: string,
  source?: ModelInfo['source']): LoadedModel {
  const imported = importCheckpoint(files);
  const model: LoadedModel = {
    id: session.nextId('model'), name, source: source ?? imported.source, config: imported.config,
    host: imported.tensors, warnings: imported.warnings,
  };
  session.setModel(model);
  return model;
}

/** Softmax-argmax of the model on the first `count` validation images, with small thumbnails. */
export async function predict(session: EngineSession, count: number): Promise<Prediction[]> {
  const data = session.requireData();
  const ds = data.val.labels.length > 0 ? data.val : data.train;
  const n = Math.max(0, Math.min(count, ds.labels.length));
  if (n === 0) return [];
  const batch = makeBatch(ds, Int32Array.from({ length: n }, (_, i) => i), session.normalisation());
  let probs: tf.Tensor2D;
  try {
    probs = tf.tidy(() => tf.softmax(vitLogits(session.params(), batch.x)));
  } finally {
    disposeBatch(batch);
  }
  const values = await probs.data();
  const classes = probs.shape[1];
  probs.dispose();
  return Array.from({ length: n }, (_, i) => {
    const row = values.subarray(i * classes, (i + 1) * classes);
    let best = 0;
    for (let c = 1; c < classes; c++) if (row[c] > row[best]) best = c;
    return { label: ds.labels[i], predicted: best, confidence: row[best], ...thumbnail(ds, i, 64) };
  });
}

/** Images per forward pass of an evaluation job: small, so a cancel or another request waits little. */
export const EVALUATE_JOB_BATCH = 64;

/**
 * Accuracy of the loaded or pruned model on `limit` validation images (a seeded stratified sample); `signal` stops it after
 * the current batch (cancelled = true), `onProgress` gets images done of total after every batch.
 */
export async function evaluate(session: EngineSession, target: 'model' | 'pruned', limit: number, signal?: AbortSignal,
  onProgress?: (p: { done: number; total: number }) => void): Promise<EvaluateInfo> {
  const data = session.requireData();
  const reference = target === 'pruned' ? await referenceTop1(session) : null;
  const params = target === 'pruned' ? session.prunedModelParams() : session.params();
  const r = await evaluateAccuracy(params, data.val, session.normalisation(), {
    limit, signal, batchSize: EVALUATE_JOB_BATCH, reference, onProgress: (p) => onProgress?.({ done: p.done, total: p.total }),
  });
  return { accuracy: r.top1, n: r.n, agreement: r.agreement, cancelled: r.cancelled };
}

/** Physically prunes the loaded model with `settings` into the session's pruned model. */
export function prune(session: EngineSession, settings: PruneSettings): void {
  const model = session.requireModel();
  const acting = effectiveSettings(session, settings);
  const slim = pruneModel(model.config, model.host, vtpScores(session), acting);
  const warnings = acting.criterion !== settings.criterion ? [MAGNITUDE_FALLBACK_NOTE] : [];
  session.setPruned({
    id: session.nextId('pruned'), name: `${model.name} pruned ${pruneAmountText(settings)}`,
    config: slim.config, tensors: slim.tensors, settings: { ...settings, blockRates: { ...settings.blockRates } }, warnings,
  });
}

/** Settings of a finetuning run from the UI. */
export interface FinetuneSettings { steps: number; batchSize: number; lr: number; distill?: boolean }

/** TrainProgress of a finetuning step. */
function finetuneProgress(info: FinetuneStepInfo, batch: number): TrainProgress {
  return {
    step: info.step, steps: info.steps, loss: info.loss, ce: info.loss, l1: 0, accuracy: info.accuracy, nearZero: 0,
    imagesPerSecond: info.elapsedMs > 0 ? (info.step * batch * 1000) / info.elapsedMs : 0, elapsedMs: info.elapsedMs,
    gateStats: noGateStats(),
  };
}

/** Finetunes the pruned model's weights (cancellable), keeps them, and returns its validation accuracy. */
export async function finetunePruned(session: EngineSession, job: Job, settings: FinetuneSettings,
  onProgress: (p: TrainProgress) => void, evalLimit: number): Promise<{ accuracy: number; n: number; stopped: string | null; steps: number; agreement: number | null }> {
  const pruned = session.requirePruned();
  const data = session.requireData();
  const params = vitParams(pruned.config, pruned.tensors, true);
  const limiter = new RateLimiter();
  const batch = Math.min(settings.batchSize, data.train.labels.length);
  // The teacher is the unpruned model; distillation is always on in label-free mode (or without labels).
  const distill = (settings.distill === true || distillForced(data))
    ? { ...DISTILL_DEFAULTS, teacher: (x: tf.Tensor4D) => vitLogits(session.params(), x) } : null;
  const { distill: _wanted, ...loop } = settings;
  try {
    const result = await finetune(params, data.train, { ...loop, augment: { shift: 2 }, labelSmoothing: 0.1, distill }, {
      signal: job.signal,
      onProgress: (info) => {
        if (!limiter.accept(info.step === info.steps)) return;
        try { void Promise.resolve(onProgress(finetuneProgress(info, batch))).catch(() => {}); } catch { /* page gone */ }
      },
    });
    if (result.steps > 0) session.setPruned({ ...pruned, tensors: await paramsToHost(params) });
    const measured = await evaluate(session, 'pruned', evalLimit);
    return { accuracy: measured.accuracy, n: measured.n, stopped: result.stopped, steps: result.steps, agreement: measured.agreement ?? null };
  } finally {
    disposeVitParams(params);
  }
}
