/**
 * Measures a latency table (latencyTable.ts) on the current tfjs backend, as MDP builds its lookup table:
 * every distinct block shape is timed at its widths and with each gate (and half the heads) cut to half, on
 * random weights (time does not depend on the values); the rest of the model is the full forward minus its blocks.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GATE_NAMES, gateLengths, type GateName } from '../model/gateLayout';
import { blockDimsAt, hasAttention, hasMlp, patchCount, prefixTokenCount, withoutAttention, withoutMlp, type BlockDims, type VitConfig } from '../model/vitConfig';
import { randomVitTensors } from '../model/vitInit';
import { disposeVitParams, vitParams } from '../model/vitParams';
import { vitBlock } from '../model/vitBlock';
import { vitLogits } from '../model/vitForward';
import type { BlockLatency, LatencyTable } from './latencyTable';

/** How a table is measured: images per pass, untimed warm-up passes, timed passes (the fastest counts: on a shared machine the others wait for CPU). */
export interface LatencyProbeOptions { batch: number; warmup: number; runs: number }

/** Defaults: batch 64, 2 warm-up passes, fastest of 7. */
export const LATENCY_PROBE_DEFAULTS: LatencyProbeOptions = { batch: 64, warmup: 2, runs: 7 };

/** Fastest ms of `runs` calls of `pass` after `warmup` untimed ones (each call waits for its result). */
async function fastestMs(pass: () => tf.Tensor, opts: LatencyProbeOptions): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const t0 = performance.now();
    const y = pass();
    await y.data();
    y.dispose();
    if (i >= opts.warmup) times.push(performance.now() - t0);
  }
  return Math.min(...times);
}

/** ms of one block of `dims` on a [batch·T, D] input (0 for a block with neither sublayer: it passes x through). */
async function blockMs(cfg: VitConfig, dims: BlockDims, opts: LatencyProbeOptions): Promise<number> {
  if (!hasAttention(dims) && !hasMlp(dims)) return 0;
  const one = { ...cfg, depth: 1, blocks: [dims] };
  const params = vitParams(one, randomVitTensors(one, { seed: 1 }));
  const T = patchCount(cfg) + prefixTokenCount(cfg);
  const x = tf.randomNormal([opts.batch * T, cfg.embedDim], 0, 1, 'float32', 3) as tf.Tensor2D; // [B*T, D]
  try {
    return await fastestMs(() => tf.tidy(() => vitBlock(one, params.blocks[0], x, opts.batch, T)), opts);
  } finally {
    x.dispose();
    disposeVitParams(params);
  }
}

/** ms of the whole forward pass (logits) of `cfg` on a batch of random images. */
export async function forwardMs(cfg: VitConfig, options: Partial<LatencyProbeOptions> = {}): Promise<number> {
  const opts = { ...LATENCY_PROBE_DEFAULTS, ...options };
  const params = vitParams(cfg, randomVitTensors(cfg, { seed: 1 }));
  const x = tf.randomNormal([opts.batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]], 0, 1, 'float32', 4) as tf.Tensor4D; // [B, C, H, W]
  try {
    return await fastestMs(() => vitLogits(params, x), opts);
  } finally {
    x.dispose();
    disposeVitParams(params);
  }
}

/** `dims` with the first half of `gate`'s dims removed (attn: half of every head's value dims); 'heads': half the heads. */
function halved(cfg: VitConfig, dims: BlockDims, gate: GateName | 'heads'): BlockDims {
  const firstHalfGone = (map: number[] | null) => {
    const all = map ?? Array.from({ length: cfg.embedDim }, (_, i) => i);
    return all.slice(Math.floor(all.length / 2));
  };
  if (gate === 'qkv') return { ...dims, qkvIn: firstHalfGone(dims.qkvIn) };
  if (gate === 'fc1') return { ...dims, fc1In: firstHalfGone(dims.fc1In) };
  if (gate === 'hidden') return { ...dims, hidden: Math.ceil(dims.hidden / 2) };
  if (gate === 'attn') return { ...dims, valueWidths: dims.valueWidths.map((w) => Math.ceil(w / 2)) };
  const keep = Math.ceil(dims.heads.length / 2);
  return { ...dims, heads: dims.heads.slice(0, keep), valueWidths: dims.valueWidths.slice(0, keep) };
}

/** Times one block shape: its ms, and ms saved per removed dim of each gate and per removed head (>= 0). */
async function blockLatency(cfg: VitConfig, dims: BlockDims, opts: LatencyProbeOptions): Promise<BlockLatency> {
  const probe = { ...cfg, depth: 1, blocks: [dims] };
  const widths = gateLengths(probe, 0);
  const ms = await blockMs(cfg, dims, opts);
  const perDim = {} as Record<GateName, number>;
  for (const g of GATE_NAMES) {
    const cut = halved(cfg, dims, g);
    const removed = widths[g] - gateLengths({ ...probe, blocks: [cut] }, 0)[g];
    perDim[g] = removed > 0 ? Math.max(0, (ms - (await blockMs(cfg, cut, opts))) / removed) : 0;
  }
  const fewer = halved(cfg, dims, 'heads');
  const heads = dims.heads.length - fewer.heads.length;
  const valueGone = widths.attn - gateLengths({ ...probe, blocks: [fewer] }, 0).attn;
  const perHead = heads > 0 ? Math.max(0, (ms - (await blockMs(cfg, fewer, opts)) - perDim.attn * valueGone) / heads) : 0;
  const dimsPart = { ms, perDim, perHead, widths, heads: dims.heads.length };
  return { ...dimsPart, perSublayer: await sublayerRemainders(cfg, dims, dimsPart, opts) };
}

/** ms a removed sublayer saves beyond what its dims and heads predict (>= 0; 0 for a sublayer `dims` lacks). */
async function sublayerRemainders(cfg: VitConfig, dims: BlockDims, t: Omit<BlockLatency, 'perSublayer'>, opts: LatencyProbeOptions): Promise<BlockLatency['perSublayer']> {
  const remainder = async (without: BlockDims, byDims: number) => Math.max(0, t.ms - (await blockMs(cfg, without, opts)) - byDims);
  const attnByDims = t.perDim.qkv * t.widths.qkv + t.perDim.attn * t.widths.attn + t.perHead * t.heads;
  const mlpByDims = t.perDim.fc1 * t.widths.fc1 + t.perDim.hidden * t.widths.hidden;
  return {
    attn: hasAttention(dims) ? await remainder(withoutAttention(dims), attnByDims) : 0,
    mlp: hasMlp(dims) ? await remainder(withoutMlp(dims), mlpByDims) : 0,
  };
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
