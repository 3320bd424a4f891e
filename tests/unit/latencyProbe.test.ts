/** The latency table measured on the current backend: shape, monotone prediction, no leaked tensors. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { vitConfig, withoutAttention, withoutMlp, type BlockDims } from '../../src/model/vitConfig';
import { measureLatencyTable } from '../../src/prune/latencyProbe';
import { predictLatency } from '../../src/prune/latencyTable';
import { useCpuBackend } from './helpers/backend';

beforeAll(useCpuBackend);

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 4, mlpHidden: 32, numClasses: 3 });

describe('measureLatencyTable', () => {
  it('times every block shape once, predicts less for a smaller model, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const table = await measureLatencyTable(cfg, { batch: 2, warmup: 1, runs: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(table.backend).toBe('cpu');
    expect(table.blocks).toHaveLength(2);
    expect(table.blocks[0]).toBe(table.blocks[1]); // equal shapes: measured once
    for (const b of table.blocks) {
      expect(b.ms).toBeGreaterThan(0);
      for (const g of GATE_NAMES) expect(b.perDim[g]).toBeGreaterThanOrEqual(0);
      expect(b.widths).toEqual({ qkv: 16, attn: 16, fc1: 16, hidden: 32 });
    }
    const full = predictLatency(table, cfg);
    expect(full).toBeCloseTo(table.baseMs + 2 * table.blocks[0].ms, 9);
    const slim = { ...cfg, blocks: [0, 1].map(() => ({ qkvIn: [0, 1], heads: [0], valueWidths: [2], fc1In: [3], hidden: 4 })) };
    expect(predictLatency(table, slim)).toBeLessThanOrEqual(full);
  });

  it('predicts a removed sublayer as its dims and heads plus its own entry (LayerNorm, softmax, transposes)', async () => {
    const table = await measureLatencyTable(cfg, { batch: 2, warmup: 1, runs: 3 });
    const t = table.blocks[0];
    expect(t.perSublayer.attn).toBeGreaterThanOrEqual(0);
    expect(t.perSublayer.mlp).toBeGreaterThanOrEqual(0);
    const full: BlockDims = { qkvIn: null, heads: [0, 1, 2, 3], valueWidths: [4, 4, 4, 4], fc1In: null, hidden: 32 };
    const byDims = (g: 'qkv' | 'attn' | 'fc1' | 'hidden') => t.perDim[g] * t.widths[g];
    const p = t.perPair; // both gates of a product gone: their shared product counted once
    const noAttn = { ...cfg, blocks: [withoutAttention(full), full] };
    const attnByDims = byDims('qkv') + byDims('attn') + 4 * t.perHead - p.qkvAttn * 16 * 16 - p.qkvHeads * 16 * 4;
    const expectedNoAttn = table.baseMs + Math.max(0, t.ms - attnByDims - t.perSublayer.attn) + t.ms;
    expect(predictLatency(table, noAttn)).toBeCloseTo(expectedNoAttn, 9);
    const noMlp = { ...cfg, blocks: [full, withoutMlp(full)] };
    const expectedNoMlp = table.baseMs + t.ms + Math.max(0, t.ms - byDims('fc1') - byDims('hidden') + p.fc1Hidden * 16 * 32 - t.perSublayer.mlp);
    expect(predictLatency(table, noMlp)).toBeCloseTo(expectedNoMlp, 9);
  });

  it('measures a model that already lacks a sublayer: that sublayer has no entry', async () => {
    const before = tf.memory().numTensors;
    const full: BlockDims = { qkvIn: null, heads: [0, 1, 2, 3], valueWidths: [4, 4, 4, 4], fc1In: null, hidden: 32 };
    const slim = { ...cfg, blocks: [withoutMlp(full), full] };
    const table = await measureLatencyTable(slim, { batch: 2, warmup: 1, runs: 2 });
    expect(tf.memory().numTensors).toBe(before);
    expect(table.blocks[0].perSublayer.mlp).toBe(0);
    expect(table.blocks[0].widths.hidden).toBe(0);
    expect(predictLatency(table, slim)).toBeGreaterThan(0);
  });
});
