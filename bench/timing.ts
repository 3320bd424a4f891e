/** Timing of tfjs work in the benchmarks: warm-up then timed runs, seeded input images, one model's or several models' latency. */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { pairedLatency } from '../src/prune/pairedLatency';
import { seededImages } from '../src/model/vitInit';
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

/** Seeded pixel values in [-1, 1), laid out [batch, C, H, W] (the studio's own seededImages). */
export const randomImages = seededImages;

/** Inference latency (logits read back) of a model on tfjs's current backend at `batch`. */
export async function tfjsLatency(cfg: VitConfig, tensors: HostTensors, batch: number, counts: RunCounts = DEFAULT_COUNTS) {
  return (await alternatingLatency([{ cfg, tensors }], batch, counts))[0];
}

/** A model to time: its config and host tensors. */
export interface TimedModel { cfg: VitConfig; tensors: HostTensors }

/**
 * Inference latencies of several models of one input shape at `batch`, their runs alternating (round-robin,
 * the order reversed every other round) so that a load change on a shared machine hits every model alike:
 * the ratios within one call are what counts. Stats per model, in the order given, each with `ratioToFirst`: the
 * median over rounds of its time over the first model's in the same round (robust to load that drifts).
 */
export async function alternatingLatency(models: TimedModel[], batch: number, counts: RunCounts = DEFAULT_COUNTS): Promise<(ReturnType<typeof stats> & { ratioToFirst: number })[]> {
  const { inChans, imageSize } = models[0].cfg;
  const all = models.map((m) => vitParams(m.cfg, m.tensors));
  const x = tf.tensor4d(randomImages(models[0].cfg, batch), [batch, inChans, imageSize[0], imageSize[1]]); // [B, C, H, W]
  try {
    return (await pairedLatency(all, x, counts))!;
  } finally {
    x.dispose();
    all.forEach(disposeVitParams);
  }
}
