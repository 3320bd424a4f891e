import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES, type BlockGates } from '../../src/model/vitGates';
import type { HostTensors } from '../../src/model/hostTensor';
import { pruneMask } from '../../src/prune/pruneMask';
import { maskedGateValues, pruneModel } from '../../src/prune/pruneModel';
import { magnitudeScores } from '../../src/prune/magnitudeScores';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';

beforeAll(useCpuBackend);

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 2, embedDim: 16, depth: 3, numHeads: 4, mlpHidden: 32, numClasses: 5, distilled: true });
const host = randomVitTensors(cfg, { seed: 5, weightStd: 0.3, biasStd: 0.1 });

/** Random signed scores in (-1.5, 1.5) sized to `c`. */
function randomScores(c: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed + 1);
  const s = onesScores(c);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => (rand() * 3 - 1.5));
  return s;
}

async function logits(c: VitConfig, t: HostTensors, gates?: ScoreSet): Promise<Float32Array> {
  const params = vitParams(c, t);
  const x = tf.randomNormal([4, c.inChans, 8, 8], 0, 1, 'float32', 11) as tf.Tensor4D;
  const g: BlockGates[] | undefined = gates?.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((n) => [n, tf.tensor1d(b[n])])));
  const y = vitLogits(params, x, g);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y, ...(g ?? []).flatMap((b) => Object.values(b))]);
  disposeVitParams(params);
  return out;
}

const countKept = (keep: boolean[][]) => keep.reduce((n, k) => n + k.filter(Boolean).length, 0);

describe('pruneMask', () => {
  it('removes the floor(rate·n) lowest |a| globally and keeps >= 1 dim per gate', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 0.95, noNaN: true }), fc.nat(), (rate, seed) => {
      const scores = randomScores(cfg, seed);
      const mask = pruneMask(scores, { rate });
      expect(mask.total).toBe(3 * (16 + 16 + 16 + 32));
      expect(mask.removed).toBeLessThanOrEqual(Math.floor(rate * mask.total + 1e-9));
      expect(mask.removed).toBeGreaterThanOrEqual(Math.floor(rate * mask.total + 1e-9) - 12);
      for (const k of mask.keep) for (const g of GATE_NAMES) expect(k[g].some(Boolean)).toBe(true);
      // everything removed scores no higher than anything kept (except dims re-kept to leave one per gate)
      if (mask.threshold !== null) {
        mask.keep.forEach((k, b) => GATE_NAMES.forEach((g) => k[g].forEach((on, j) => {
          if (!on) expect(Math.abs(scores.blocks[b][g][j])).toBeLessThanOrEqual(mask.threshold!);
        })));
      }
    }), { numRuns: 50 });
  });

  it('rounds kept widths up to a multiple of k, per head for value dims', () => {
    const scores = randomScores(cfg, 3);
    const valueWidths = [[4, 4, 4, 4], [4, 4, 4, 4], [4, 4, 4, 4]];
    const mask = pruneMask(scores, { rate: 0.5, roundTo: 4, valueWidths });
    for (const k of mask.keep) {
      for (const g of ['qkv', 'fc1', 'hidden'] as const) expect(k[g].filter(Boolean).length % 4).toBe(0);
      for (let h = 0; h < 4; h++) expect([0, 4]).toContain(k.attn.slice(h * 4, h * 4 + 4).filter(Boolean).length);
    }
    expect(mask.removed).toBeLessThan(pruneMask(scores, { rate: 0.5 }).removed + 1);
  });

  it('applies per-block override rates', () => {
    const scores = randomScores(cfg, 4);
    const mask = pruneMask(scores, { rate: 0.3, blockRates: { 1: 0 } });
    expect(GATE_NAMES.every((g) => mask.keep[1][g].every(Boolean))).toBe(true);
    expect(countKept(GATE_NAMES.map((g) => mask.keep[0][g]))).toBeLessThan(80);
  });

  it('refuses rates outside [0, 1) and non-finite scores with clear messages', () => {
    const scores = randomScores(cfg, 5);
    for (const rate of [-0.1, 1, 1.5, NaN]) expect(() => pruneMask(scores, { rate })).toThrow(/prune rate must be in \[0, 1\)/);
    scores.blocks[2].fc1[3] = NaN;
    expect(() => pruneMask(scores, { rate: 0.2 })).toThrow(/blocks\.2\.gate\.fc1\[3\] is NaN/);
  });
});

describe('pruneModel', () => {
  for (const rate of [0.2, 0.4, 0.6]) {
    for (const fold of [true, false]) {
      for (const roundTo of [1, 4]) {
        it(`slim equals hard-masked at rate ${rate}, fold ${fold}, round to ${roundTo}`, async () => {
          const scores = randomScores(cfg, Math.round(rate * 10) + roundTo);
          const pruned = pruneModel(cfg, host, scores, { rate, fold, roundTo });
          const masked = await logits(cfg, host, maskedGateValues(pruned.mask.keep, fold ? scores : null));
          expect(maxAbsDiff(await logits(pruned.config, pruned.tensors), masked)).toBeLessThan(1e-4);
          expect(pruned.after.total.macs).toBeLessThan(pruned.before.total.macs);
        });
      }
    }
  }

  for (const [unit, target, roundTo] of [['macs', 0.5, 1], ['params', 0.3, 4], ['macs', 0.7, 2]] as const) {
    it(`slim equals hard-masked for a budget of ${target} of ${unit} saved, round to ${roundTo}`, async () => {
      const scores = randomScores(cfg, roundTo + 20);
      const pruned = pruneModel(cfg, host, scores, { rate: target, unit, roundTo });
      const masked = await logits(cfg, host, maskedGateValues(pruned.mask.keep, scores));
      expect(maxAbsDiff(await logits(pruned.config, pruned.tensors), masked)).toBeLessThan(1e-4);
      const saved = 1 - pruned.after.total[unit] / pruned.before.total[unit];
      expect(saved).toBeGreaterThanOrEqual(target);
      expect(saved - target).toBeLessThan(0.05); // a 3-block toy model of width 16: coarse steps
    });
  }

  it('slim equals hard-masked with whole heads ranked next to the dims (heads dropped, q and k with them)', async () => {
    const scores = randomScores(cfg, 31);
    scores.blocks[1].attn.fill(0.001, 4, 8); // head 1 of block 1 is weak
    const pruned = pruneModel(cfg, host, scores, { rate: 0.4, unit: 'macs', heads: true });
    expect(pruned.config.blocks![1].heads).not.toContain(1);
    const masked = await logits(cfg, host, maskedGateValues(pruned.mask.keep, scores));
    expect(maxAbsDiff(await logits(pruned.config, pruned.tensors), masked)).toBeLessThan(1e-4);
  });

  it('returns the original model exactly at rate 0 without folding', () => {
    const pruned = pruneModel(cfg, host, randomScores(cfg, 9), { rate: 0, fold: false });
    expect(pruned.config).toEqual(cfg);
    for (const [key, t] of host) expect(Array.from(pruned.tensors.get(key)!.data)).toEqual(Array.from(t.data));
  });

  it('prunes a slim model again (index maps compose)', async () => {
    const once = pruneModel(cfg, host, randomScores(cfg, 12), { rate: 0.3, fold: false });
    const scores = randomScores(once.config, 13);
    const twice = pruneModel(once.config, once.tensors, scores, { rate: 0.3 });
    const masked = await logits(once.config, once.tensors, maskedGateValues(twice.mask.keep, scores));
    expect(maxAbsDiff(await logits(twice.config, twice.tensors), masked)).toBeLessThan(1e-4);
  });

  it('refuses scores that do not fit the model', () => {
    const bad = onesScores(cfg);
    bad.blocks.pop();
    expect(() => pruneModel(cfg, host, bad, { rate: 0.2 })).toThrow(/scores have 2 blocks, the model has 3/);
    const short = onesScores(cfg);
    short.blocks[1].hidden = new Float32Array(3);
    expect(() => pruneModel(cfg, host, short, { rate: 0.2 })).toThrow(/block 1 gate hidden have 3 values, the model has 32/);
  });
});

describe('magnitudeScores', () => {
  it('scores each dim by the L2 norm of the weight columns consuming it', () => {
    const s = magnitudeScores(cfg, host);
    const fc2 = host.get('blocks.1.mlp.fc2.weight')!; // [16, 32]
    let sq = 0;
    for (let r = 0; r < 16; r++) sq += fc2.data[r * 32 + 7] ** 2;
    expect(s.blocks[1].hidden[7]).toBeCloseTo(Math.sqrt(sq), 5);
    const q = host.get('blocks.0.attn.q.weight')!, k = host.get('blocks.0.attn.k.weight')!, v = host.get('blocks.0.attn.v.weight')!;
    let sq2 = 0;
    for (const m of [q, k, v]) for (let r = 0; r < m.shape[0]; r++) sq2 += m.data[r * 16 + 2] ** 2;
    expect(s.blocks[0].qkv[2]).toBeCloseTo(Math.sqrt(sq2), 5);
  });
});
