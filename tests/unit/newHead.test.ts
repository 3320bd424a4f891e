/**
 * New head: the logistic-regression fit against PyTorch's L-BFGS solution of the same convex objective
 * (objective within 1e-3 nats at the default 300 steps; after 3000 steps head weights within 2% of their largest entry), the assembled model's logits
 * equal the head applied to the cached features, the project config round-trips the head's origin.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededNormal, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { fitLinearHead, headAccuracy } from '../../src/train/headFit';
import { headFeatures, newHeadModel } from '../../src/train/newHead';
import { makeBatch, disposeBatch } from '../../src/train/batches';
import { projectConfigFromJson, projectConfigToJson } from '../../src/io/projectConfig';
import { useCpuBackend, maxAbsDiff } from './helpers/backend';
import { hasTorch, runPythonJson } from './helpers/torch';
import type { ImageDataset } from '../../src/data/imageDataset';
import { pruneModel } from '../../src/prune/pruneModel';
import { onesScores } from '../../src/prune/scoreSet';
import { exportMetadata } from '../../src/io/export/exportMetadata';
import { exportReadme } from '../../src/io/export/exportReadme';

const torchAvailable = hasTorch();
if (!torchAvailable) console.warn('newHead: SKIPPED the PyTorch logistic-regression check: /usr/bin/python3 cannot import torch');

beforeAll(useCpuBackend);

/** n points in d dims from K Gaussian blobs (overlapping, so the optimum has finite weights even without L2). */
function blobs(n: number, d: number, K: number, seed: number): { x: Float32Array; y: Int32Array } {
  const normal = seededNormal(seed);
  const centres = Array.from({ length: K * d }, () => 1.5 * normal());
  const y = Int32Array.from({ length: n }, (_, i) => i % K);
  const x = Float32Array.from({ length: n * d }, (_, j) => 3 + centres[y[Math.floor(j / d)] * d + (j % d)] + 2 * normal() * (1 + (j % d) / d));
  return { x, y };
}

describe('fitLinearHead', () => {
  it.skipIf(!torchAvailable)('matches the L-BFGS optimum of mean CE + (λ/2)‖W‖² on standardised features (PyTorch, float64)', async () => {
    const n = 150; const d = 12; const K = 3; const l2 = 1e-2;
    const { x, y } = blobs(n, d, K, 4);
    const head = await fitLinearHead(x, y, d, K, { l2 }); // the defaults: 300 steps
    const long = await fitLinearHead(x, y, d, K, { l2, steps: 3000, lr: 0.02 }); // run towards the optimum
    const ref = runPythonJson<{ weight: number[]; bias: number[]; loss: number }>(`
import json, sys, torch
d = json.load(sys.stdin)
n, D, K, l2 = d['n'], d['d'], d['K'], d['l2']
x = torch.tensor(d['x'], dtype=torch.float64).reshape(n, D)
y = torch.tensor(d['y'])
mu = x.mean(0); sd = x.std(0, unbiased=False)
z = (x - mu) / sd
W = torch.zeros(D, K, dtype=torch.float64, requires_grad=True)
b = torch.zeros(K, dtype=torch.float64, requires_grad=True)
opt = torch.optim.LBFGS([W, b], lr=1, max_iter=500, tolerance_grad=1e-12, tolerance_change=1e-14, line_search_fn='strong_wolfe')
def f():
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(z @ W + b, y) + l2 / 2 * (W * W).sum()
    loss.backward()
    return loss
opt.step(f)
loss = float(f())
Wr = (W / sd[:, None]).detach()
br = (b - (mu[:, None] * Wr).sum(0)).detach()
print(json.dumps({'weight': Wr.t().reshape(-1).tolist(), 'bias': br.tolist(), 'loss': loss}))
`, { n, d, K, l2, x: Array.from(x), y: Array.from(y) });
    expect(head.loss - ref.loss).toBeLessThan(1e-3);
    expect(head.loss - ref.loss).toBeGreaterThan(-1e-6); // L-BFGS found the optimum
    const scale = Math.max(...ref.weight.map(Math.abs));
    expect(maxAbsDiff(long.weight, ref.weight)).toBeLessThan(0.02 * scale);
    // Bias is defined up to a constant shift across classes (softmax); compare centred biases.
    const centre = (v: ArrayLike<number>) => { const m = Array.from(v).reduce((a, c) => a + c, 0) / v.length; return Array.from(v, (e) => e - m); };
    expect(maxAbsDiff(centre(long.bias), centre(ref.bias))).toBeLessThan(0.05 * Math.max(1, ...ref.bias.map(Math.abs)));
  });

  it('separates separable blobs, refuses bad labels, and frees its tensors', async () => {
    const { x, y } = blobs(90, 6, 3, 11);
    const before = tf.memory().numTensors;
    const head = await fitLinearHead(x, y, 6, 3);
    expect(tf.memory().numTensors).toBe(before);
    expect(headAccuracy(head, x, y, 6)).toBeGreaterThan(0.8);
    await expect(fitLinearHead(x, y.map(() => 3), 6, 3)).rejects.toThrow(/labels must be in 0..2/);
  });
});

describe('newHeadModel', () => {
  const base = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 5,
    classNames: ['v', 'w', 'x', 'y', 'z'], mean: [0.5], std: [0.25] });

  function dataset(n: number): ImageDataset {
    const rand = seededRandom(2);
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    // Class c: brightness around 60 + 60·c, so the classes are learnable from any reasonable features.
    const pixels = Uint8Array.from({ length: n * 64 }, (_, j) => Math.min(255, 40 + 70 * labels[Math.floor(j / 64)] + Math.floor(30 * rand())));
    return { pixels, labels, classNames: ['cat', 'dog', 'eel'], shape: [1, 8, 8], skipped: [] };
  }

  for (const distilled of [false, true]) {
    it(`${distilled ? 'distilled' : 'plain'}: the new model's logits are the fitted head on the cached features; config records the head`, async () => {
      const cfg = { ...base, distilled };
      const host = randomVitTensors(cfg, { seed: 8, weightStd: 0.3 });
      const ds = dataset(30);
      const before = tf.memory().numTensors;
      const r = await newHeadModel(cfg, host, ds, 'pets', cfg, { valFraction: 0.2, seed: 1 });
      expect(tf.memory().numTensors).toBe(before);
      expect(r.config.numClasses).toBe(3);
      expect(r.config.classNames).toEqual(['cat', 'dog', 'eel']);
      expect(r.config.headOrigin).toMatchObject({ source: 'new', fittedOn: 'pets', trainImages: 24, valImages: 6 });
      expect(r.tensors.get('head.weight')!.shape).toEqual([3, 16]);
      expect(r.tensors.has('head_dist.weight')).toBe(distilled);
      const feats = await headFeatures(cfg, host, ds, cfg, 7);
      const params = vitParams(r.config, r.tensors);
      const b = makeBatch(ds, Int32Array.from({ length: 30 }, (_, i) => i), cfg);
      const logits = vitLogits(params, b.x);
      const W = r.tensors.get('head.weight')!.data;
      const bias = r.tensors.get('head.bias')!.data;
      const manual = Float32Array.from({ length: 30 * 3 }, (_, j) => {
        const i = Math.floor(j / 3); const k = j % 3;
        let s = bias[k];
        for (let e = 0; e < 16; e++) s += W[k * 16 + e] * feats[i * 16 + e];
        return s;
      });
      expect(maxAbsDiff(await logits.data(), manual)).toBeLessThan(1e-4);
      tf.dispose([logits]);
      disposeBatch(b);
      disposeVitParams(params);
      const back = projectConfigFromJson(JSON.parse(JSON.stringify(projectConfigToJson(r.config))));
      expect(back.headOrigin).toEqual(r.config.headOrigin);
      expect(back.classNames).toEqual(['cat', 'dog', 'eel']);
      const slim = pruneModel(r.config, r.tensors, onesScores(r.config), { rate: 0.3, criterion: 'magnitude' });
      expect(slim.config.headOrigin).toEqual(r.config.headOrigin);
      const meta = exportMetadata(slim.config);
      expect(JSON.parse(meta.class_names)).toEqual(['cat', 'dog', 'eel']);
      expect(JSON.parse(meta['vtp.config']).head).toMatchObject({ source: 'new', fitted_on: 'pets' });
      expect(exportReadme(slim.config, 'm', 0.3, 'onnx')).toMatch(/classifier head is new/);
    });
  }

  it('refuses a dataset without labels or with one class', async () => {
    const host = randomVitTensors(base, { seed: 8 });
    const ds = dataset(6);
    await expect(newHeadModel(base, host, { ...ds, unlabelled: true }, 'x', base)).rejects.toThrow(/labelled/);
    await expect(newHeadModel(base, host, { ...ds, labels: new Int32Array(6), classNames: ['only'] }, 'x', base)).rejects.toThrow(/at least 2 classes/);
  });
});
