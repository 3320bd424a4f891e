/** Timing of tfjs work in the benchmarks: warm-up then timed runs, seeded input images, one model's latency. */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { vitLogits } from '../src/model/vitForward';
import { seededRandom } from '../src/model/vitInit';
import { disposeVitParams, vitParams } from '../src/model/vitParams';
import { stats } from './benchCommon';
import { RUNS } from './benchConfig';

/** How many untimed and timed runs a measurement makes. */
export interface RunCounts { warmup: number; runs: number }

/** Default counts: 2 warm-ups, RUNS timed. */
export const DEFAULT_COUNTS: RunCounts = { warmup: 2, runs: RUNS };

/** Median, min and max milliseconds of `counts.runs` calls of `run` after `counts.warmup` untimed ones. */
export async function timeIt(run: () => Promise<void>, counts: RunCounts = DEFAULT_COUNTS): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < counts.warmup; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < counts.runs; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
  return stats(ms);
}

/** Seeded pixel values in [-1, 1), laid out [batch, C, H, W]. */
export function randomImages(cfg: VitConfig, batch: number): Float32Array {
  const rand = seededRandom(batch);
  return Float32Array.from({ length: batch * cfg.inChans * cfg.imageSize[0] * cfg.imageSize[1] }, () => rand() * 2 - 1);
}

/** Inference latency (logits read back) of a model on tfjs's current backend at `batch`. */
export async function tfjsLatency(cfg: VitConfig, tensors: HostTensors, batch: number, counts: RunCounts = DEFAULT_COUNTS) {
  const params = vitParams(cfg, tensors);
  const x = tf.tensor4d(randomImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
  try {
    return await timeIt(async () => { const y = vitLogits(params, x); await y.data(); y.dispose(); }, counts);
  } finally {
    x.dispose();
    disposeVitParams(params);
  }
}
