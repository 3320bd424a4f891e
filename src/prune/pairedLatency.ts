/**
 * Latency of several models (or any passes) of one input shape on the current tfjs backend, their runs alternating (round-robin,
 * the order reversed every other round) so that a load change on a shared machine hits every model alike: what
 * counts is each model's time over the first model's in the same round, its median over the rounds.
 * A run of a fast pass (batch 1: a few ms) is several passes in a row, the first untimed: a single pass right
 * after another model's finds the caches full of that model's weights, which a model serving requests never does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { vitLogits } from '../model/vitForward';
import type { VitParams } from '../model/vitParams';

/**
 * How the models are timed: untimed warm-up rounds, timed rounds; a run lasts at least about `minRunMs` (ms;
 * 0: one pass); an abort stops between two runs.
 */
export interface PairedLatencyOptions { warmup: number; runs: number; minRunMs: number; signal?: AbortSignal; onRun?: (done: number, total: number) => void }

/** Defaults: 2 warm-up rounds, 7 timed, runs of at least 50 ms. */
export const PAIRED_LATENCY_DEFAULTS: PairedLatencyOptions = { warmup: 2, runs: 7, minRunMs: 50 };

/**
 * One model's times (ms per forward pass with the logits read back), the median of its per-round ratio to the
 * first model, and how many timed passes a run made.
 */
export interface ModelLatency { medianMs: number; minMs: number; maxMs: number; ratioToFirst: number; passesPerRun: number }

/** Median, min and max of `ms` (not empty). */
export function msStats(ms: number[]): { medianMs: number; minMs: number; maxMs: number } {
  const s = [...ms].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { medianMs: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, minMs: s[0], maxMs: s[s.length - 1] };
}

/** ms of one call of `pass`, its result read back. */
async function passMs(pass: () => tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const y = pass();
  try { await y.data(); } finally { y.dispose(); }
  return performance.now() - t0;
}

/** Mean ms per pass of one run: `passes` timed passes after an untimed one, or a single pass when `passes` is 1. */
async function runMs(pass: () => tf.Tensor, passes: number): Promise<number> {
  if (passes === 1) return passMs(pass);
  await passMs(pass);
  let sum = 0;
  for (let p = 0; p < passes; p++) sum += await passMs(pass);
  return sum / passes;
}

/** Times `passes` (each returns a tensor it made, read back and disposed), alternating; one entry per pass, in order; null when aborted. */
export async function pairedPassLatency(passes: (() => tf.Tensor)[], options: Partial<PairedLatencyOptions> = {}): Promise<ModelLatency[] | null> {
  const opts = { ...PAIRED_LATENCY_DEFAULTS, ...options };
  const order = passes.map((_, i) => i);
  const total = (opts.warmup + opts.runs) * passes.length;
  const ms: number[][] = passes.map(() => []);
  const perRun = passes.map(() => 1); // per pass, from its last warm-up run
  let done = 0;
  for (let r = 0; r < opts.warmup + opts.runs; r++) {
    for (const i of r % 2 ? [...order].reverse() : order) {
      if (opts.signal?.aborted) return null;
      const t = await runMs(passes[i], perRun[i]);
      if (r >= opts.warmup) ms[i].push(t);
      else perRun[i] = Math.max(1, Math.ceil(opts.minRunMs / t));
      opts.onRun?.(++done, total);
    }
  }
  return ms.map((m, i) => ({ ...msStats(m), ratioToFirst: msStats(m.map((t, r) => t / ms[0][r])).medianMs, passesPerRun: perRun[i] }));
}

/** Times `models` on the images `x` [B, C, H, W] (logits read back); one entry per model, in order; null when aborted. */
export async function pairedLatency(models: VitParams[], x: tf.Tensor4D, options: Partial<PairedLatencyOptions> = {}): Promise<ModelLatency[] | null> {
  return pairedPassLatency(models.map((params) => () => vitLogits(params, x)), options);
}
