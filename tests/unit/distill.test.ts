/**
 * Distillation and agreement: the KD loss against PyTorch (float64, tolerance 1e-5 relative), the teacher
 * cache, label-free score training and distilled finetuning (tensors freed), agreement basics.
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { withoutLabels, type ImageDataset } from '../../src/data/imageDataset';
import { agreementCount, distillationLoss } from '../../src/train/loss';
import { TeacherLogits } from '../../src/train/teacher';
import { makeBatch, disposeBatch } from '../../src/train/batches';
import { trainScores, ungatedTeacher } from '../../src/train/scoreTraining';
import { finetune } from '../../src/train/finetune';
import { evaluateAccuracy } from '../../src/train/evaluate';
import { agreementRate, topPredictions } from '../../src/train/agreement';
import { stratifiedOrder } from '../../src/data/stratifiedOrder';
import { useCpuBackend } from './helpers/backend';
import { hasTorch, runPythonJson } from './helpers/torch';

const torchAvailable = hasTorch();
if (!torchAvailable) console.warn('distill: SKIPPED the PyTorch KD-loss check: /usr/bin/python3 cannot import torch (apt-get install python3-torch)');

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 4, mean: [0.5], std: [0.25] });

/** n random 8×8 gray images with labels cycling over 4 classes. */
function dataset(n: number, seed = 1): ImageDataset {
  const rand = seededRandom(seed);
  return {
    pixels: Uint8Array.from({ length: n * 64 }, () => Math.floor(rand() * 256)),
    labels: Int32Array.from({ length: n }, (_, i) => i % 4), classNames: ['a', 'b', 'c', 'd'], shape: [1, 8, 8], skipped: [],
  };
}

beforeAll(useCpuBackend);

describe('distillation loss', () => {
  it.skipIf(!torchAvailable)('equals T²·kl_div(log_softmax(s/T), softmax(t/T), batchmean) of PyTorch within 1e-5 relative', () => {
    const rand = seededRandom(7);
    const student = Array.from({ length: 6 * 5 }, () => 4 * (rand() - 0.5));
    const teacher = Array.from({ length: 6 * 5 }, () => 6 * (rand() - 0.5));
    const temps = [1, 2, 4, 0.5];
    const want = runPythonJson<number[]>(`
import json, sys, torch
import torch.nn.functional as F
d = json.load(sys.stdin)
s = torch.tensor(d['s'], dtype=torch.float64).reshape(6, 5)
t = torch.tensor(d['t'], dtype=torch.float64).reshape(6, 5)
print(json.dumps([float(T * T * F.kl_div(F.log_softmax(s / T, 1), F.softmax(t / T, 1), reduction='batchmean')) for T in d['T']]))
`, { s: student, t: teacher, T: temps });
    temps.forEach((T, i) => {
      const got = tf.tidy(() => distillationLoss(tf.tensor2d(student, [6, 5]), tf.tensor2d(teacher, [6, 5]), T).dataSync()[0]);
      expect(Math.abs(got - want[i])).toBeLessThan(1e-5 * Math.max(1, Math.abs(want[i])));
    });
  });

  it('is zero when the student equals the teacher and refuses T <= 0', () => {
    const z = tf.tensor2d([[1, 2, 3], [0, -1, 5]]);
    expect(distillationLoss(z, z, 2).dataSync()[0]).toBeCloseTo(0, 6);
    expect(() => distillationLoss(z, z, 0)).toThrow(/temperature/);
    z.dispose();
  });
});

describe('agreement', () => {
  it('counts rows whose argmax agree, and agreementRate compares prediction lists', () => {
    const a = tf.tensor2d([[1, 0], [0, 1], [3, 2]]);
    const b = tf.tensor2d([[2, 1], [1, 0], [5, 4]]);
    expect(agreementCount(a, b).dataSync()[0]).toBe(2);
    expect(agreementRate([0, 1, 2, 3], [0, 1, 0, 3])).toBe(0.75);
    expect(agreementRate([], [])).toBe(0);
    tf.dispose([a, b]);
  });

  it('a model agrees fully with itself; topPredictions is the argmax of the logits; no labels give NaN accuracy', async () => {
    const params = vitParams(cfg, randomVitTensors(cfg, { seed: 3, weightStd: 0.3 }));
    const ds = dataset(10);
    const preds = await topPredictions(params, ds, cfg, { batchSize: 4 });
    const x = makeBatch(ds, Int32Array.from({ length: 10 }, (_, i) => i), cfg);
    const argmax = tf.tidy(() => tf.argMax(vitLogits(params, x.x), 1).dataSync());
    disposeBatch(x);
    expect([...preds]).toEqual([...argmax]);
    const self = await evaluateAccuracy(params, ds, cfg, { reference: preds, batchSize: 3 });
    expect(self.agreement).toBe(1);
    const flipped = await evaluateAccuracy(params, ds, cfg, { reference: preds.map((p) => (p + 1) % 4) });
    expect(flipped.agreement).toBe(0);
    const unlabelled = await evaluateAccuracy(params, withoutLabels(ds), cfg, { reference: preds });
    expect(unlabelled.top1).toBeNaN();
    expect(unlabelled.agreement).toBe(1);
    // With a limit, the reference predicts exactly the images evaluateAccuracy evaluates (its stratified order).
    const limited = await topPredictions(params, ds, cfg, { limit: 4 });
    expect(limited.filter((c) => c >= 0)).toHaveLength(4);
    const order = stratifiedOrder(ds.labels);
    for (let k = 0; k < 4; k++) expect(limited[order[k]]).toBe(argmax[order[k]]);
    expect((await evaluateAccuracy(params, ds, cfg, { limit: 4, reference: limited })).agreement).toBe(1);
    await expect(evaluateAccuracy(params, ds, cfg, { limit: 6, reference: limited })).rejects.toThrow(/same limit/);
    disposeVitParams(params);
  });
});

describe('distillation in the training loops', () => {
  it('the teacher cache runs the teacher once per image without augmentation, on every batch with it', async () => {
    const ds = dataset(8);
    let calls = 0;
    const fn = (x: tf.Tensor4D) => { calls += x.shape[0]; return tf.tile(tf.reshape(tf.mean(x, [1, 2, 3]), [-1, 1]), [1, 4]) as tf.Tensor2D; };
    const cached = new TeacherLogits(fn, 8, 4, true);
    for (const rows of [[0, 1, 2, 3], [4, 5, 6, 7], [3, 2, 1, 0]]) {
      const b = makeBatch(ds, rows, cfg);
      const got = await cached.logitsFor(b);
      const want = fn(b.x);
      expect(Array.from(got.dataSync())).toEqual(Array.from(want.dataSync()));
      tf.dispose([got, want]);
      disposeBatch(b);
    }
    expect(calls).toBe(8 + 12); // 8 teacher rows for the cache; 12 by the test's own checks
    const live = new TeacherLogits(fn, 8, 4, false);
    expect(live.cached).toBe(false);
  });

  it('label-free score training and distilled finetuning free every tensor and move the loss', async () => {
    const host = randomVitTensors(cfg, { seed: 5, weightStd: 0.3 });
    const ds = withoutLabels(dataset(12));
    const params = vitParams(cfg, host);
    const before = tf.memory().numTensors;
    for (const augment of [null, { shift: 1 }]) {
      const r = await trainScores(params, ds, { steps: 4, batchSize: 4, lr: 0.05, augment, distill: { teacher: ungatedTeacher(params), temperature: 2, alpha: 0 } });
      expect(r.steps).toBe(4);
      expect(r.history.ce[0]).toBeCloseTo(0, 5); // gates start at 1: student = teacher
      expect(r.history.accuracy[0]).toBe(1); // agreement with the teacher on the batch
    }
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainScores(params, ds, { steps: 1, batchSize: 4 })).rejects.toThrow(/no labels/);
    const student = vitParams(cfg, randomVitTensors(cfg, { seed: 9, weightStd: 0.3 }), true);
    const mid = tf.memory().numTensors;
    const ft = await finetune(student, ds, { steps: 6, batchSize: 4, lr: 1e-2, distill: { teacher: (x) => vitLogits(params, x), temperature: 2, alpha: 0 } });
    expect(ft.steps).toBe(6);
    expect(ft.history.loss[5]).toBeLessThan(ft.history.loss[0]);
    const mixed = await finetune(student, dataset(12), { steps: 2, batchSize: 4, distill: { teacher: (x) => vitLogits(params, x), temperature: 2, alpha: 0.5 } });
    expect(mixed.steps).toBe(2);
    await expect(finetune(student, ds, { steps: 1, distill: { teacher: (x) => vitLogits(params, x), temperature: 2, alpha: 0.5 } })).rejects.toThrow(/no labels/);
    expect(tf.memory().numTensors).toBe(mid);
    disposeVitParams(student);
    disposeVitParams(params);
  });
});
