import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomVitTensors } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES } from '../../src/model/vitGates';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import { evaluateAccuracy } from '../../src/train/evaluate';
import { trainScores, type ScoreStepInfo } from '../../src/train/scoreTraining';
import { useCpuBackend } from './helpers/backend';
import { CFG, DATA, NORM, model } from './helpers/quadrantTask';

beforeAll(useCpuBackend);


function allScores(s: ScoreSet): number[] {
  return s.blocks.flatMap((b) => GATE_NAMES.flatMap((g) => Array.from(b[g])));
}

let tensorsBefore = 0;
beforeEach(() => { tensorsBefore = tf.memory().numTensors; });
afterEach(() => { expect(tf.memory().numTensors).toBe(tensorsBefore); });

describe('trainScores', () => {
  it('with a large λ drives many scores to ~0 and lowers the loss; reports per-step stats', async () => {
    const params = model();
    const infos: ScoreStepInfo[] = [];
    const r = await trainScores(params, DATA, { steps: 40, batchSize: 16, lr: 0.08, l1: 0.05, normalisation: NORM, augment: { shift: 1 } },
      { onProgress: (i) => infos.push(i) });
    expect(r.stopped).toBeNull();
    expect(r.steps).toBe(40);
    expect(infos.map((i) => i.step)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const nearZero = allScores(r.scores).filter((v) => Math.abs(v) < 0.05).length / 80;
    expect(nearZero).toBeGreaterThan(0.5);
    expect(r.history.loss[39]).toBeLessThan(r.history.loss[0] * 0.5);
    expect(infos[0].scoreStats.hidden).toEqual({ mean: 1, nearZero: 0, max: 1 });
    expect(infos[39].scoreStats.hidden.nearZero).toBeGreaterThan(0.3);
    console.info(`trainScores, tiny model, batch 16: ${(infos[39].elapsedMs / 40).toFixed(1)} ms/step on the cpu backend`);
    expect(infos[0].l1).toBe(80);
    expect(infos[0].loss).toBeCloseTo(infos[0].ce + 0.05 * 80, 4);
    expect(r.scores.blocks[1].hidden).toBeInstanceOf(Float32Array);
    disposeVitParams(params);
  });

  it('with trainWeights learns the synthetic task well above chance (weights updated in place)', async () => {
    const params = model(true);
    const before = await evaluateAccuracy(params, DATA, NORM);
    const r = await trainScores(params, DATA, { steps: 40, batchSize: 16, lr: 1e-2, weightLr: 2e-2, trainWeights: true, normalisation: NORM });
    expect(r.stopped).toBeNull();
    const after = await evaluateAccuracy(params, DATA, NORM);
    expect(before.top1).toBeLessThan(0.5);
    expect(after.top1).toBeGreaterThan(0.8);
    expect(after.loss).toBeLessThan(before.loss);
    disposeVitParams(params);
  });

  it('needs trainable params to train weights', async () => {
    const params = model(false);
    await expect(trainScores(params, DATA, { steps: 1, trainWeights: true })).rejects.toThrow(/vitParams\(cfg, host, true\)/);
    disposeVitParams(params);
  });

  it('cancels via AbortController, from a progress hook or from a timer', async () => {
    const params = model();
    const ctrl = new AbortController();
    const r = await trainScores(params, DATA, { steps: 50, batchSize: 16, normalisation: NORM },
      { signal: ctrl.signal, onProgress: (i) => { if (i.step === 3) ctrl.abort(); } });
    expect([r.stopped, r.steps, r.history.loss.length]).toEqual(['cancelled', 3, 3]);
    expect(allScores(r.scores).every(Number.isFinite)).toBe(true);
    expect(allScores(r.scores).some((v) => v !== 1)).toBe(true);
    const timer = new AbortController();
    setTimeout(() => timer.abort(), 30);
    const t = await trainScores(params, DATA, { steps: 100_000, batchSize: 8, normalisation: NORM }, { signal: timer.signal });
    expect(t.stopped).toBe('cancelled');
    expect(t.steps).toBeLessThan(100_000);
    disposeVitParams(params);
  });

  it('stops on a NaN loss mid-run and returns the last good scores', async () => {
    const params = model();
    const opts = { steps: 10, batchSize: 16, lr: 0.05, normalisation: NORM };
    const ctrl = new AbortController();
    const clean = await trainScores(params, DATA, opts, { signal: ctrl.signal, onProgress: (i) => { if (i.step === 3) ctrl.abort(); } });
    let calls = 0;
    const r = await trainScores(params, DATA, {
      ...opts,
      forward: (x, gates) => tf.tidy(() => { const y = vitLogits(params, x, gates); return ++calls >= 4 ? tf.mul(y, NaN) : y; }),
    });
    expect(r.stopped).toBe('non-finite loss at step 4');
    expect(r.steps).toBe(3);
    expect(allScores(r.scores)).toEqual(allScores(clean.scores));
    expect(allScores(r.scores).some((v) => v !== 1)).toBe(true);
    disposeVitParams(params);
  });

  it('stops with a reason on a NaN learning rate, NaN weights or exploding scores, keeping finite scores', async () => {
    const params = model();
    const lrNaN = await trainScores(params, DATA, { steps: 5, batchSize: 8, lr: NaN, normalisation: NORM });
    expect([lrNaN.stopped, lrNaN.steps]).toEqual(['non-finite learning rate at step 1', 0]);
    expect(allScores(lrNaN.scores).every((v) => v === 1)).toBe(true);
    const explode = await trainScores(params, DATA, { steps: 40, batchSize: 8, lr: 400, l1: -10, normalisation: NORM });
    expect(explode.stopped).toMatch(/^scores exploded \(\|a\| = \d+ > 1000\) after step \d+$/);
    expect(explode.steps).toBeGreaterThan(0);
    expect(allScores(explode.scores).every((v) => Number.isFinite(v) && Math.abs(v) <= 1e3)).toBe(true);
    disposeVitParams(params);
    const host = randomVitTensors(CFG, { seed: 1 });
    host.get('head.bias')!.data[0] = NaN;
    const bad = vitParams(CFG, host);
    const initial = onesScores(CFG);
    initial.blocks[0].qkv[0] = 0.5;
    const nanModel = await trainScores(bad, DATA, { steps: 5, batchSize: 8, normalisation: NORM, initial });
    expect([nanModel.stopped, nanModel.steps]).toEqual(['non-finite loss at step 1', 0]);
    expect(nanModel.scores).toEqual(initial);
    disposeVitParams(bad);
  });
});

