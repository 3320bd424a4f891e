import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { disposeVitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { normalisedBatch, type ImageDataset } from '../../src/data/imageDataset';
import { evaluateAccuracy } from '../../src/train/evaluate';
import { stratifiedOrder } from '../../src/data/stratifiedOrder';
import { finetune } from '../../src/train/finetune';
import { useCpuBackend } from './helpers/backend';
import { DATA, NORM, model } from './helpers/quadrantTask';

beforeAll(useCpuBackend);


let tensorsBefore = 0;
beforeEach(() => { tensorsBefore = tf.memory().numTensors; });
afterEach(() => { expect(tf.memory().numTensors).toBe(tensorsBefore); });

describe('evaluateAccuracy', () => {
  it('matches a hand-computed argmax and mean CE over uneven batches; top5 null for 3 classes', async () => {
    const params = model();
    const picked = Array.from(stratifiedOrder(DATA.labels).subarray(0, 13)); // the images a limit of 13 evaluates
    const x = tf.tensor4d(normalisedBatch(DATA, picked, NORM), [13, 1, 8, 8]);
    const logitsT = vitLogits(params, x);
    const logits = await logitsT.data();
    tf.dispose([x, logitsT]);
    let hits = 0;
    let ce = 0;
    for (let i = 0; i < 13; i++) {
      const row = Array.from(logits.subarray(i * 3, i * 3 + 3));
      const label = DATA.labels[picked[i]];
      if (row.indexOf(Math.max(...row)) === label) hits++;
      ce += Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[label];
    }
    const progress: number[] = [];
    const r = await evaluateAccuracy(params, DATA, NORM, { batchSize: 5, limit: 13, onProgress: (p) => progress.push(p.done) });
    expect(r).toEqual({ top1: hits / 13, top5: null, n: 13, loss: expect.closeTo(ce / 13, 5), cancelled: false, agreement: null });
    expect(progress).toEqual([5, 10, 13]);
    disposeVitParams(params);
  });

  it('counts top-5 with a logitsFn override on 7 classes, and stops on abort', async () => {
    const params = model();
    const w = tf.tensor2d(Array.from({ length: 64 * 7 }, (_, i) => Math.sin(i * 1.7)), [64, 7]);
    const logitsFn = (x: tf.Tensor4D) => tf.matMul(tf.reshape(x, [x.shape[0], 64]), w) as tf.Tensor2D;
    const ds: ImageDataset = { ...DATA, labels: Int32Array.from(DATA.labels, (l, i) => (l + i) % 7) };
    const x = tf.tensor4d(normalisedBatch(ds, Array.from({ length: 96 }, (_, i) => i), NORM), [96, 1, 8, 8]);
    const lt = tf.tidy(() => logitsFn(x));
    const logits = await lt.data();
    tf.dispose([x, lt]);
    let top1 = 0;
    let top5 = 0;
    for (let i = 0; i < 96; i++) {
      const row = Array.from(logits.subarray(i * 7, i * 7 + 7));
      const rank = row.filter((v) => v > row[ds.labels[i]]).length;
      if (rank === 0) top1++;
      if (rank < 5) top5++;
    }
    const r = await evaluateAccuracy(params, ds, NORM, { batchSize: 32, logitsFn });
    expect([r.top1, r.top5, r.n]).toEqual([top1 / 96, top5 / 96, 96]);
    const ctrl = new AbortController();
    const cut = await evaluateAccuracy(params, ds, NORM, { batchSize: 32, logitsFn, signal: ctrl.signal, onProgress: () => ctrl.abort() });
    expect([cut.n, cut.cancelled]).toEqual([32, true]);
    w.dispose();
    disposeVitParams(params);
  });
});

describe('evaluateAccuracy on a class-sorted dataset', () => {
  it('a limit and every partial figure rest on a stratified sample, not on the first classes', async () => {
    const params = model();
    // 60 images sorted by class (as an uploaded folder is): 30 of class 0, 20 of class 1, 10 of class 2.
    const labels = Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : i < 50 ? 1 : 2));
    const sorted: ImageDataset = { ...DATA, pixels: DATA.pixels.subarray(0, 60 * 64), labels };
    const alwaysZero = (x: tf.Tensor4D) => tf.tidy(() => tf.mul(tf.oneHot(tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D, 3), 10) as tf.Tensor2D);
    const partial: number[] = [];
    const r = await evaluateAccuracy(params, sorted, NORM, {
      batchSize: 6, limit: 30, logitsFn: alwaysZero, onProgress: (p) => partial.push(p.correct / p.done),
    });
    // A model that always says "class 0" scores class 0's share (1/2), within two images.
    expect(Math.abs(r.top1 - 0.5)).toBeLessThan(2 / 30);
    expect(partial.every((a, k) => Math.abs(a - 0.5) < 2 / (6 * (k + 1)))).toBe(true);
    disposeVitParams(params);
  });

  it('a small first batch (the slider\'s first estimate) is itself a stratified sample', async () => {
    const params = model();
    const labels = Int32Array.from({ length: 60 }, (_, i) => (i < 30 ? 0 : i < 50 ? 1 : 2));
    const sorted: ImageDataset = { ...DATA, pixels: DATA.pixels.subarray(0, 60 * 64), labels };
    const alwaysZero = (x: tf.Tensor4D) => tf.tidy(() => tf.mul(tf.oneHot(tf.zeros([x.shape[0]], 'int32') as tf.Tensor1D, 3), 10) as tf.Tensor2D);
    const partial: { done: number; correct: number }[] = [];
    await evaluateAccuracy(params, sorted, NORM, {
      batchSize: 20, firstBatch: 12, logitsFn: alwaysZero, onProgress: (p) => partial.push({ done: p.done, correct: p.correct }),
    });
    expect(partial.map((p) => p.done)).toEqual([12, 32, 52, 60]);
    // Class 0 is half the images: the first 12 hold 6 of them, within two.
    expect(Math.abs(partial[0].correct - 6)).toBeLessThanOrEqual(2);
    disposeVitParams(params);
  });
});

describe('finetune', () => {
  it('lowers the cross-entropy on the synthetic task, updating the variables in place', async () => {
    const params = model(true);
    const before = await evaluateAccuracy(params, DATA, NORM);
    const steps: number[] = [];
    const r = await finetune(params, DATA, { steps: 40, batchSize: 16, lr: 2e-2, labelSmoothing: 0.1, augment: { shift: 1, flip: true }, normalisation: NORM },
      { onProgress: (i) => steps.push(i.step) });
    const after = await evaluateAccuracy(params, DATA, NORM);
    expect([r.stopped, r.steps, steps.length]).toEqual([null, 40, 40]);
    expect(after.loss).toBeLessThan(before.loss * 0.7);
    expect(after.top1).toBeGreaterThan(before.top1);
    disposeVitParams(params);
  });

  it('stops on NaN without touching the weights, cancels, and refuses frozen params', async () => {
    const params = model(true);
    const w0 = await params.head!.w.data();
    const r = await finetune(params, DATA, { steps: 5, lr: NaN, normalisation: NORM });
    expect([r.stopped, r.steps]).toEqual(['non-finite learning rate at step 1', 0]);
    expect(await params.head!.w.data()).toEqual(w0);
    const ctrl = new AbortController();
    const c = await finetune(params, DATA, { steps: 20, batchSize: 8, normalisation: NORM }, { signal: ctrl.signal, onProgress: () => ctrl.abort() });
    expect([c.stopped, c.steps]).toEqual(['cancelled', 1]);
    disposeVitParams(params);
    const frozen = model(false);
    await expect(finetune(frozen, DATA, { steps: 1 })).rejects.toThrow(/trainable/);
    disposeVitParams(frozen);
  });
});
