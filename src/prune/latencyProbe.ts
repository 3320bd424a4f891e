/**
 * Measures a latency table (latencyTable.ts) on the current tfjs backend, as MDP builds its lookup table:
 * every distinct block shape is timed in the cuts of latencyFit.ts, interleaved, on random weights (time does not
 * depend on the values); the rest of the model is the full forward minus its blocks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { blockDimsAt, hasAttention, hasMlp, patchCount, prefixTokenCount, type BlockDims, type VitConfig } from '../model/vitConfig';
import { randomVitTensors } from '../model/vitInit';
import { disposeVitParams, vitParams } from '../model/vitParams';
import { vitBlock } from '../model/vitBlock';
import { vitLogits } from '../model/vitForward';
import { blockLatencyFromTimes, probeShapes } from './latencyFit';
import type { BlockLatency, LatencyTable } from './latencyTable';
import { pairedLatency, pairedPassLatency, type ModelLatency } from './pairedLatency';

/** How a table is measured: images per pass, untimed warm-up passes, timed passes (the fastest counts: on a shared machine the others wait for CPU). */
export interface LatencyProbeOptions { batch: number; warmup: number; runs: number }

/** Defaults: batch 64, 2 warm-up passes, fastest of 7. */
export const LATENCY_PROBE_DEFAULTS: LatencyProbeOptions = { batch: 64, warmup: 2, runs: 7 };

/**
 * ms of each pass, timed alternating (pairedLatency.ts): the first pass's fastest run, the others' from their median
 * ratio to it over the rounds, so that a change of load on a shared machine moves none of the differences.
 */
async function pairedMs(passes: (() => tf.Tensor)[], opts: LatencyProbeOptions): Promise<number[]> {
  const times = (await pairedPassLatency(passes, { warmup: opts.warmup, runs: opts.runs, minRunMs: 0 }))!; // no signal: never aborted
  return times.map((t) => t.ratioToFirst * times[0].minMs);
}

/** ms of one block of each of `shapes` on a [batch·T, D] input, timed alternating (0 for a block with neither sublayer: it passes x through). */
async function blocksMs(cfg: VitConfig, shapes: BlockDims[], opts: LatencyProbeOptions): Promise<number[]> {
  const timed = shapes.filter((dims) => hasAttention(dims) || hasMlp(dims));
  const models = timed.map((dims) => { const one = { ...cfg, depth: 1, blocks: [dims] }; return { one, params: vitParams(one, randomVitTensors(one, { seed: 1 })) }; });
  const T = patchCount(cfg) + prefixTokenCount(cfg);
  const x = tf.randomNormal([opts.batch * T, cfg.embedDim], 0, 1, 'float32', 3) as tf.Tensor2D; // [B*T, D]
  try {
    const ms = await pairedMs(models.map(({ one, params }) => () => tf.tidy(() => vitBlock(one, params.blocks[0], x, opts.batch, T))), opts);
    return shapes.map((dims) => { const i = timed.indexOf(dims); return i < 0 ? 0 : ms[i]; });
  } finally {
    x.dispose();
    for (const { params } of models) disposeVitParams(params);
  }
}

/** Each of `cfgs` (one input shape) timed alternating on a batch of random images, random weights: ms per forward pass and ratio to the first. */
export async function modelsLatency(cfgs: VitConfig[], options: Partial<LatencyProbeOptions> = {}): Promise<ModelLatency[]> {
  const opts = { ...LATENCY_PROBE_DEFAULTS, ...options };
  const params = cfgs.map((cfg) => vitParams(cfg, randomVitTensors(cfg, { seed: 1 })));
  const c = cfgs[0];
  const x = tf.randomNormal([opts.batch, c.inChans, c.imageSize[0], c.imageSize[1]], 0, 1, 'float32', 4) as tf.Tensor4D; // [B, C, H, W]
  try {
    return (await pairedLatency(params, x, { warmup: opts.warmup, runs: opts.runs, minRunMs: 0 }))!; // no signal: never aborted
  } finally {
    x.dispose();
    params.forEach(disposeVitParams);
  }
}

/** Fastest ms of the whole forward pass (logits) of `cfg` on a batch of random images. */
async function forwardMs(cfg: VitConfig, options: Partial<LatencyProbeOptions> = {}): Promise<number> {
  return (await modelsLatency([cfg], options))[0].minMs;
}

/** Times one block shape: every probe shape interleaved, then the table entry fitted from their times. */
async function blockLatency(cfg: VitConfig, dims: BlockDims, opts: LatencyProbeOptions): Promise<BlockLatency> {
  return blockLatencyFromTimes(cfg, dims, await blocksMs(cfg, probeShapes(cfg, dims), opts));
}

/** The latency table of `cfg` on the current backend (blocks of equal shape are timed once). */
export async function measureLatencyTable(cfg: VitConfig, options: Partial<LatencyProbeOptions> = {}): Promise<LatencyTable> {
  const opts = { ...LATENCY_PROBE_DEFAULTS, ...options };
  const byShape = new Map<string, BlockLatency>();
  const blocks: BlockLatency[] = [];
  for (let i = 0; i < cfg.depth; i++) {
    const dims = blockDimsAt(cfg, i);
    const key = JSON.stringify([dims.qkvIn?.length, dims.valueWidths, dims.fc1In?.length, dims.hidden]);
    if (!byShape.has(key)) byShape.set(key, await blockLatency(cfg, dims, opts));
    blocks.push(byShape.get(key)!);
  }
  const full = await forwardMs(cfg, opts);
  const baseMs = Math.max(0, full - blocks.reduce((s, b) => s + b.ms, 0));
  return { backend: tf.getBackend(), batch: opts.batch, baseMs, blocks };
}
