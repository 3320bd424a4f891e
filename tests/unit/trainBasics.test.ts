import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/model/vitInit';
import { normalisedBatch, type ImageDataset } from '../../src/data/imageDataset';
import { AdamW } from '../../src/train/adamW';
import { warmupCosine } from '../../src/train/schedule';
import { augmentBatch } from '../../src/train/augment';
import { makeBatch, sequentialBatches, shuffledBatches } from '../../src/train/batches';
import { correctCount, crossEntropy, topKCorrect } from '../../src/train/loss';
import { flattenScores, gateStats, scoreLayout, unflattenScores } from '../../src/train/flatScores';
import { vitConfig } from '../../src/model/vitConfig';
import { onesScores } from '../../src/prune/scoreSet';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';

beforeAll(useCpuBackend);

describe('AdamW', () => {
  it('matches a hand-computed two-step example (decay on one variable, not the other, one missing grad)', async () => {
    const before = tf.memory().numTensors;
    const [a, b, c] = tf.tidy(() => [1, -2, 3].map((v) => tf.variable(tf.scalar(v))));
    const opt = new AdamW([a, { variable: b, decay: false }, c], { weightDecay: 0.1 });
    const step = (ga: number, gb: number, gc: number | null) => {
      const grads = { [a.name]: tf.scalar(ga), [b.name]: tf.scalar(gb), [c.name]: gc === null ? null : tf.scalar(gc) };
      opt.step(grads, 0.1);
      tf.dispose(Object.values(grads).filter((g): g is tf.Scalar => g !== null));
    };
    // a, step 1 (lr 0.1, wd 0.1, g 0.5): a = 1·(1 − 0.01) = 0.99; m = 0.05; v = 0.001·0.25 = 2.5e-4;
    //   m̂ = 0.05/0.1 = 0.5, √v̂ = √(2.5e-4/0.001) = 0.5 -> a = 0.99 − 0.1·0.5/0.5 = 0.89.
    // a, step 2 (g −0.2): a = 0.89·0.99 = 0.8811; m = 0.045 − 0.02 = 0.025; v = 2.4975e-4 + 4e-5 = 2.8975e-4;
    //   a = 0.8811 − (0.1/0.19)·0.025/(√2.8975e-4/√0.001999 + 1e-8) = 0.846539418.
    // b: the same grads with no decay: −2 − 0.1 = −2.1, then −2.1 − 0.0345606 = −2.134560582.
    // c: no grad at step 1 (skipped), then its own first step (bias correction t = 1): 3·0.99 − 0.1 = 2.87.
    step(0.5, 0.5, null);
    expect((await a.data())[0]).toBeCloseTo(0.89, 6);
    expect((await b.data())[0]).toBeCloseTo(-2.1, 6);
    expect((await c.data())[0]).toBe(3);
    step(-0.2, -0.2, 1.0);
    expect((await a.data())[0]).toBeCloseTo(0.846539418, 6);
    expect((await b.data())[0]).toBeCloseTo(-2.134560582, 6);
    expect((await c.data())[0]).toBeCloseTo(2.87, 6);
    expect(opt.stepCount).toBe(2);
    opt.dispose();
    tf.dispose([a, b, c]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('warmupCosine', () => {
  it('warms up linearly over 5% then decays by a cosine to 0 or to a floor', () => {
    const lrs = Array.from({ length: 100 }, (_, t) => warmupCosine(1, t, 100));
    expect(lrs.slice(0, 5)).toEqual([0.2, 0.4, 0.6, 0.8, 1].map((v) => expect.closeTo(v, 12)));
    expect(lrs[5]).toBeCloseTo(1, 12); // cosine starts at the peak
    expect(warmupCosine(1, 5 + 95 / 2, 100)).toBeCloseTo(0.5, 12);
    for (let t = 6; t < 100; t++) expect(lrs[t]).toBeLessThan(lrs[t - 1]);
    expect(lrs[99]).toBeGreaterThan(0);
    expect(lrs[99]).toBeLessThan(1e-3);
    expect(warmupCosine(2, 100, 100, { minFraction: 0.1 })).toBeCloseTo(0.2, 12);
    expect(warmupCosine(2, 0, 10, { warmupFraction: 0 })).toBe(2);
  });
});

describe('augmentBatch', () => {
  const shape: [number, number, number] = [1, 3, 4];
  const img = Uint8Array.from({ length: 12 }, (_, i) => i + 1); // rows [1 2 3 4] [5 6 7 8] [9 10 11 12]

  it('shifts with zero fill and mirrors', () => {
    // draws: dy = floor(r·5) − 2, dx = floor(r·5) − 2, flip = r < 0.5
    const fixed = (values: number[]) => { let i = 0; return () => values[i++]; };
    expect(Array.from(augmentBatch(img, shape, { shift: 2, flip: false }, fixed([0.5, 0.7])))).toEqual(
      [0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11]); // dy 0, dx +1
    expect(Array.from(augmentBatch(img, shape, { shift: 2, flip: false }, fixed([0.7, 0.5])))).toEqual(
      [0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]); // dy +1, dx 0
    expect(Array.from(augmentBatch(img, shape, { shift: 0, flip: true }, fixed([0.1])))).toEqual(
      [4, 3, 2, 1, 8, 7, 6, 5, 12, 11, 10, 9]);
    expect(Array.from(augmentBatch(img, shape, { shift: 0, flip: true }, fixed([0.9])))).toEqual(Array.from(img));
  });

  it('is seeded and draws per image', () => {
    const batch = new Uint8Array(12 * 20).map((_, i) => (i * 7) % 251);
    const a = augmentBatch(batch, shape, { shift: 1, flip: true }, seededRandom(5));
    expect(augmentBatch(batch, shape, { shift: 1, flip: true }, seededRandom(5))).toEqual(a);
    expect(augmentBatch(batch, shape, { shift: 1, flip: true }, seededRandom(6))).not.toEqual(a);
  });
});

describe('batches', () => {
  it('shuffledBatches covers every index once per epoch, reshuffles, keeps the batch size, is seeded', () => {
    const take = (seed: number, k: number) => { const g = shuffledBatches(12, 4, seed); return Array.from({ length: k }, () => Array.from(g.next().value)); };
    const six = take(1, 6);
    expect(six.every((b) => b.length === 4)).toBe(true);
    expect(six.slice(0, 3).flat().sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(six.slice(3).flat().sort((x, y) => x - y)).toEqual([...Array(12).keys()]);
    expect(six.slice(0, 3).flat()).not.toEqual(six.slice(3).flat());
    expect(take(1, 6)).toEqual(six);
    expect(take(2, 6)).not.toEqual(six);
    expect(shuffledBatches(3, 8, 0).next().value.length).toBe(3);
    const odd = shuffledBatches(5, 2, 0);
    expect(Array.from({ length: 5 }, () => Array.from(odd.next().value)).flat().sort()).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('sequentialBatches keeps order with a shorter last batch', () => {
    expect([...sequentialBatches(7, 3)].map((b) => Array.from(b))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('makeBatch gives normalised x [n, C, H, W] and int32 labels', async () => {
    const ds: ImageDataset = {
      pixels: Uint8Array.from({ length: 3 * 2 * 2 * 2 }, (_, i) => i * 10), labels: Int32Array.from([2, 0, 1]),
      classNames: ['a', 'b', 'c'], shape: [2, 2, 2], skipped: [],
    };
    const norm = { mean: [0.5, 0.2], std: [0.25, 0.5] };
    const before = tf.memory().numTensors;
    const batch = makeBatch(ds, [2, 0], norm);
    expect(batch.x.shape).toEqual([2, 2, 2, 2]);
    expect(batch.y.dtype).toBe('int32');
    expect(Array.from(await batch.y.data())).toEqual([1, 2]);
    expect(maxAbsDiff(await batch.x.data(), normalisedBatch(ds, [2, 0], norm))).toBe(0);
    batch.x.dispose();
    batch.y.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loss helpers', () => {
  it('cross-entropy (with smoothing), top-1 and top-k counts match hand values', async () => {
    const before = tf.memory().numTensors;
    const logits = tf.tensor2d([[2, 1, 0], [0, 0, 3]]);
    const labels = tf.tensor1d([1, 2], 'int32');
    const lse0 = Math.log(Math.exp(2) + Math.exp(1) + 1);
    const lse1 = Math.log(2 + Math.exp(3));
    const ce = tf.tidy(() => tf.stack([crossEntropy(logits, labels), crossEntropy(logits, labels, 0.3),
      correctCount(logits, labels), topKCorrect(logits, labels, 2)]));
    const [plain, smooth, top1, top2] = await ce.data();
    expect(plain).toBeCloseTo(((lse0 - 1) + (lse1 - 3)) / 2, 5);
    const smoothRow = (lp: number[], y: number) => -lp.reduce((s, v, k) => s + v * ((k === y ? 0.7 : 0) + 0.1), 0);
    expect(smooth).toBeCloseTo((smoothRow([2 - lse0, 1 - lse0, -lse0], 1) + smoothRow([-lse1, -lse1, 3 - lse1], 2)) / 2, 5);
    expect(top1).toBe(1);
    expect(top2).toBe(2);
    tf.dispose([logits, labels, ce]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('flat score layout', () => {
  it('round-trips a ScoreSet and summarises per gate kind', () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 2, numHeads: 2, mlpHidden: 16, numClasses: 3 });
    const layout = scoreLayout(cfg);
    expect(layout.total).toBe(2 * (8 + 8 + 8 + 16));
    const scores = onesScores(cfg);
    scores.blocks[1].hidden.fill(0.01);
    scores.blocks[0].attn[3] = -2;
    const flat = flattenScores(scores, layout);
    expect(unflattenScores(flat, layout)).toEqual(scores);
    const stats = gateStats(flat, layout);
    expect(stats.hidden.nearZero).toBe(0.5);
    expect(stats.hidden.mean).toBeCloseTo((16 + 0.16) / 32, 6);
    expect(stats.attn.max).toBe(2);
    expect(stats.qkv).toEqual({ mean: 1, nearZero: 0, max: 1 });
    scores.blocks[0].fc1 = new Float32Array(3);
    expect(() => flattenScores(scores, layout)).toThrow(/blocks\.0\.gate\.fc1 has 3 values, the model needs 8/);
  });
});
