/**
 * "Measure speed" of the pruned model: the slim model's forward pass against the unpruned model's on the engine's
 * own backend, their runs alternating, at a few batch sizes; what a user's machine gets, not a MACs estimate.
 */
import * as tf from '@tensorflow/tfjs-core';
import { seededImages } from '../model/vitInit';
import { disposeVitParams, vitParams, type VitParams } from '../model/vitParams';
import { modelCost } from '../prune/costs';
import { pairedLatency } from '../prune/pairedLatency';
import type { SlimSpeedInfo, SlimSpeedPoint } from './engineApi';
import type { Job } from './jobs';
import type { EngineSession } from './session';

/** Seeded pixel values in [-1, 1) of `batch` images of the model's input shape: [B, C, H, W]. */
function randomBatch(session: EngineSession, batch: number): tf.Tensor4D {
  const cfg = session.requireModel().config;
  return tf.tensor4d(seededImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
}

/** Times the pruned model against the unpruned one at each batch as `job`; a cancelled result has the batches done so far. */
export async function slimSpeedJob(session: EngineSession, job: Job, batches: number[], runs: number,
  onProgress?: (p: { done: number; total: number }) => void): Promise<SlimSpeedInfo> {
  const pruned = session.requirePruned();
  const model = session.requireModel();
  if (batches.length === 0 || batches.some((b) => !Number.isInteger(b) || b < 1)) throw new RangeError(`batch sizes must be positive integers, got ${batches.join(', ')}`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  // Own copies: a re-prune or a model change during the measurement disposes the session's params.
  const models = [vitParams(model.config, model.host), vitParams(pruned.config, pruned.tensors)];
  try {
    const points = await timedBatches(models, session, job, batches, runs, onProgress);
    const macsRatio = modelCost(pruned.config).total.macs / modelCost(model.config).total.macs;
    return { backend: tf.getBackend(), prunedId: pruned.id, macsRatio, runs, points, cancelled: points.length < batches.length };
  } finally {
    models.forEach(disposeVitParams);
  }
}

/** The slim/full points of `models` ([full, slim]) at each batch, until the job is cancelled. */
async function timedBatches(models: VitParams[], session: EngineSession, job: Job, batches: number[], runs: number,
  onProgress?: (p: { done: number; total: number }) => void): Promise<SlimSpeedPoint[]> {
  const points: SlimSpeedPoint[] = [];
  for (const [i, batch] of batches.entries()) {
    const x = randomBatch(session, batch);
    try {
      // Every batch size times the same number of passes (`perBatch`, pairedLatency's count).
      const report = (done: number, perBatch: number) => {
        try { void Promise.resolve(onProgress?.({ done: i * perBatch + done, total: batches.length * perBatch })).catch(() => {}); } catch { /* page gone */ }
      };
      const times = await pairedLatency(models, x, { runs, signal: job.signal, onRun: report });
      if (!times) break;
      points.push({ batch, fullMs: times[0].medianMs, slimMs: times[1].medianMs, ratio: times[1].ratioToFirst });
    } finally {
      x.dispose();
    }
  }
  return points;
}
