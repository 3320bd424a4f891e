/**
 * Score training of an already-pruned model (uneven value heads, cut residual inputs) on the wasm backend:
 * the padded attn gate and the kept-input gathers need gradients that wasm can run (it has no scatter
 * kernel, UnsortedSegmentSum), and they must give the cpu backend's scores.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { randomDataset } from '../../bench/scoreStep';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { GATE_NAMES, gateLengths } from '../../src/model/gateLayout';
import { blockDimsAt, vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededNormal } from '../../src/model/vitInit';
import { pruneModel } from '../../src/prune/pruneModel';
import type { BlockScores, ScoreSet } from '../../src/prune/scoreSet';
import { maxAbsDiff } from './helpers/backend';
import { scoresOnBackend } from './helpers/scoresOnBackend';

afterAll(async () => { await useNodeBackend('wasm'); });

describe('score training of a slim model', () => {
  it('runs on wasm and gives the cpu backend\'s scores within 1e-4, leaking no tensor', async () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 3 });
    const tensors = randomVitTensors(cfg, { seed: 7, weightStd: 0.3, biasStd: 0.1 });
    const normal = seededNormal(11);
    const random: ScoreSet = { blocks: Array.from({ length: cfg.depth }, (_, i) => {
      const len = gateLengths(cfg, i);
      return Object.fromEntries(GATE_NAMES.map((g) => [g, Float32Array.from({ length: len[g] }, () => 1 + normal())])) as unknown as BlockScores;
    }) };
    const slim = pruneModel(cfg, tensors, random, { rate: 0.4 });
    const widths = Array.from({ length: cfg.depth }, (_, i) => blockDimsAt(slim.config, i).valueWidths);
    expect(widths.some((w) => new Set(w).size > 1)).toBe(true); // uneven value heads: the padded attn gate is used
    const ds = randomDataset(slim.config, 24);
    const wasm = await scoresOnBackend(slim.config, slim.tensors, ds, 'wasm');
    const cpu = await scoresOnBackend(slim.config, slim.tensors, ds, 'cpu');
    expect(Math.max(...cpu.map((v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3); // the steps moved the scores
    expect(maxAbsDiff(wasm, cpu)).toBeLessThan(1e-4);
  });
});
