/**
 * Latency of several models of one input shape on the current tfjs backend, their runs alternating (round-robin,
 * the order reversed every other round) so that a load change on a shared machine hits every model alike: what
 * counts is each model's time over the first model's in the same round, its median over the rounds.
 */
import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { VitParams } from '../model/vitParams';

/** How the models are timed: untimed warm-up rounds, timed rounds; an abort stops between two runs. */
export interface PairedLatencyOptions { warmup: number; runs: number; signal?: AbortSignal; onRun?: (done: number, total: number) => void }

/** Defaults: 2 warm-up rounds, 7 timed. */
export const PAIRED_LATENCY_DEFAULTS: PairedLatencyOptions = { warmup: 2, runs: 7 };

/** One model's times (ms per forward pass with the logits read back) and the median of its per-round ratio to the first model. */
export interface ModelLatency { medianMs: number; minMs: number; maxMs: number; ratioToFirst: number }

/** Median, min and max of `ms` (not empty). */
export function msStats(ms: number[]): { medianMs: number; minMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { medianMs: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, minMs: s[0], maxMs: s[s.length - 1] };
}

/** ms of one forward pass of `params` on `x` [B, C, H, W], the logits read back. */
async function forwardMs(params: VitParams, x: tf.Tensor4D): Promise<number> {
  const t0 = performance.now();
  const y = vitLogits(params, x);
  try { await y.data(); } finally { y.dispose(); }
  return performance.now() - t0;
}

/** Times `models` on the images `x` [B, C, H, W]; one entry per model, in order; null when aborted. */
export async function pairedLatency(models: VitParams[], x: tf.Tensor4D, options: Partial<PairedLatencyOptions> = {}): Promise<ModelLatency[] | null> {
  const opts = { ...PAIRED_LATENCY_DEFAULTS, ...options };
  const order = models.map((_, i) => i);
  const total = (opts.warmup + opts.runs) * models.length;
  const ms: number[][] = models.map(() => []);
  let done = 0;
  for (let r = 0; r < opts.warmup + opts.runs; r++) {
    for (const i of r % 2 ? [...order].reverse() : order) {
      if (opts.signal?.aborted) return null;
      const t = await forwardMs(models[i], x);
      if (r >= opts.warmup) ms[i].push(t);
      opts.onRun?.(++done, total);
    }
  }
  return ms.map((m) => ({ ...msStats(m), ratioToFirst: msStats(m.map((t, r) => t / ms[0][r])).medianMs }));
}
