/**
 * The studio engine with people's own data: "New head for these classes" on unknown class names, loose
 * images without classes in label-free mode (distilled scores, agreement, finetune distillation by default).
 */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NewHeadProgressInfo, PruneSettings } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

const PRUNE: PruneSettings = { rate: 0.3, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };
const TRAIN = { steps: 4, batchSize: 8, lr: 0.05, l1: 1e-3, trainWeights: false, seed: 0 };
const png = (v: number) => pngBytes(28, 28, (x, y) => { const g = Math.max(0, Math.min(255, v + ((x * 7 + y * 3) % 31) - 15)); return [g, g, g, 255]; }).buffer as ArrayBuffer;

async function ready() {
  const engine = testEngine();
  await engine.api.init();
  await engine.api.loadDemoModel(BASE_URL);
  return engine;
}

describe('engine: new head and label-free mode', () => {
  it('fits a new head for unknown class names; the session model then has those classes and the head is marked new', async () => {
    const engine = await ready();
    const files = ['cat', 'dog', 'emu'].flatMap((cls, c) => Array.from({ length: 8 }, (_, i) => ({ name: `pets/${cls}/${i}.png`, bytes: png(40 + 80 * c + i) })));
    await engine.api.loadDataset(files, 'pets', { valFraction: 0.25 });
    const progress: NewHeadProgressInfo[] = [];
    const before = tf.memory().numTensors;
    const r = await engine.api.newHead('nh-1', (p) => { progress.push(p); });
    expect(r.model.config.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(r.model.config.numClasses).toBe(3);
    expect(r.model.config.headOrigin).toMatchObject({ source: 'new', fittedOn: 'pets', trainImages: 18, valImages: 6 });
    expect(r.valAccuracy).toBeGreaterThanOrEqual(0);
    expect(progress.some((p) => p.phase === 'features')).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'features', done: 24, total: 24 });
    expect(r.dataset?.classNames).toEqual(['cat', 'dog', 'emu']); // matched by name to the new head now
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 200); // the new model's params may be built; nothing per image
    await engine.api.trainScores('t-1', TRAIN, () => {});
    const pruned = await engine.api.prune(PRUNE);
    expect(pruned.config.headOrigin?.source).toBe('new');
    const evaluated = await engine.api.evaluate('pruned', 64);
    expect(evaluated.agreement).toBeGreaterThanOrEqual(0);
  });

  it('loose images load unlabelled; training distils, accuracy is NaN and agreement is measured; finetuning distils by default', async () => {
    const engine = await ready();
    const files = Array.from({ length: 20 }, (_, i) => ({ name: `shots/${i}.png`, bytes: png(20 + 10 * i) }));
    const info = await engine.api.loadDataset(files, 'shots', { valFraction: 0.25 });
    expect(info.unlabelled).toBe(true);
    expect(info.trainImages! + info.valImages!).toBe(20);
    expect(info.classNames).toEqual(['unlabelled']); // one pseudo-group for the Data panel
    expect(info.trainCounts).toEqual([info.trainImages]);
    const events: number[] = [];
    const r = await engine.api.trainScores('t-2', TRAIN, (p) => { events.push(p.ce); });
    expect(r.stopped).toBeNull();
    expect(events[0]).toBeCloseTo(0, 4); // forced distillation: gates at 1 reproduce the teacher
    const masked = await engine.api.maskedAccuracy({ ...PRUNE, rate: 0 }, 64);
    expect(masked.accuracy).toBeNaN();
    expect(masked.agreement).toBe(1);
    await engine.api.prune({ ...PRUNE, rate: 0.5 });
    const ft = await engine.api.finetune('f-1', { steps: 2, batchSize: 5, lr: 1e-3 }, () => {});
    expect(ft.accuracy).toBeNaN();
    expect(typeof ft.agreement).toBe('number');
    await expect(engine.api.newHead('nh-2', () => {})).rejects.toThrow(/labelled images/);
  });
});
