/** Paired latency of models and the worker's "Measure speed" job: structure, progress, cancel, errors, no tensor leak. */
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { modelCost } from '../../src/prune/costs';
import { msStats, pairedLatency } from '../../src/prune/pairedLatency';
import type { PruneSettings } from '../../src/worker/engineApi';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, testEngine } from './workerTestFixtures';

beforeAll(useCpuBackend);

const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 1, numHeads: 2, mlpHidden: 16, numClasses: 3 });
const SETTINGS: PruneSettings = { rate: 0.5, criterion: 'magnitude', fold: false, roundTo: 1, blockRates: {}, unit: 'macs' };

describe('pairedLatency', () => {
  it('times every model in alternating rounds of runs of at least minRunMs; the first model is the unit; an abort stops it; no tensor leak', async () => {
    const models = [1, 2].map((seed) => vitParams(cfg, randomVitTensors(cfg, { seed })));
    const x = tf.zeros([2, 1, 8, 8]) as tf.Tensor4D; // [B, C, H, W]
    const before = tf.memory().numTensors;
    const runs: number[] = [];
    const times = (await pairedLatency(models, x, { warmup: 1, runs: 3, onRun: (done, total) => runs.push(done / total) }))!;
    expect(tf.memory().numTensors).toBe(before);
    expect(times).toHaveLength(2);
    expect(times[0].ratioToFirst).toBe(1);
    for (const t of times) {
      expect(t.minMs).toBeGreaterThan(0);
      expect(t.minMs).toBeLessThanOrEqual(t.medianMs);
      expect(t.medianMs).toBeLessThanOrEqual(t.maxMs);
    }
    expect(runs).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((d) => d / 8)); // (1 + 3) rounds × 2 models
    // A run of this tiny model's ~1 ms pass is many passes (after an untimed one); minRunMs 0 times single passes.
    expect(times.every((t) => t.passesPerRun > 1)).toBe(true);
    const single = (await pairedLatency(models, x, { warmup: 1, runs: 1, minRunMs: 0 }))!;
    expect(single.map((t) => t.passesPerRun)).toEqual([1, 1]);
    const abort = new AbortController();
    const stopped = await pairedLatency(models, x, { warmup: 0, runs: 5, signal: abort.signal, onRun: (d) => { if (d === 3) abort.abort(); } });
    expect(stopped).toBeNull();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    models.forEach(disposeVitParams);
  });

  it('takes the median of an even and an odd count', () => {
    expect(msStats([3, 1, 2])).toEqual({ medianMs: 2, minMs: 1, maxMs: 3 });
    expect(msStats([4, 1, 2, 3])).toEqual({ medianMs: 2.5, minMs: 1, maxMs: 4 });
  });
});

describe('engine: Measure speed', () => {
  it('times the slim model against the full one at each batch, with progress, and frees its tensors', async () => {
    const engine = testEngine();
    await engine.api.init();
    await engine.api.loadDemoModel(BASE_URL);
    await expect(engine.api.slimSpeed('early', [1], 1)).rejects.toThrow(/nothing is pruned yet/);
    await engine.api.prune(SETTINGS);
    await engine.api.slimSpeed('warm', [1], 1);
    const before = (await engine.api.memory()).numTensors;
    const progress: number[] = [];
    const r = await engine.api.slimSpeed('s', [1, 4], 2, (p) => { progress.push(p.done / p.total); });
    expect((await engine.api.memory()).numTensors).toBe(before);
    const { session } = engine;
    expect(r).toMatchObject({ backend: 'cpu', prunedId: session.requirePruned().id, runs: 2, cancelled: false });
    expect(r.points.map((p) => p.batch)).toEqual([1, 4]);
    for (const p of r.points) expect(Math.min(p.fullMs, p.slimMs, p.ratio)).toBeGreaterThan(0);
    expect(r.macsRatio).toBeCloseTo(modelCost(session.requirePruned().config).total.macs / modelCost(session.requireModel().config).total.macs, 12);
    expect(r.macsRatio).toBeLessThan(1);
    expect(progress[progress.length - 1]).toBe(1);
    expect(progress.every((f, i) => i === 0 || f > progress[i - 1])).toBe(true);

    // Cancelled in the first batch size: no points, and says so.
    const c = await engine.api.slimSpeed('c', [2, 3], 3, (p) => { if (p.done === 2) void engine.api.cancel('c'); });
    expect(c.cancelled).toBe(true);
    expect(c.points).toEqual([]);
    expect((await engine.api.memory()).numTensors).toBe(before);
    await expect(engine.api.slimSpeed('bad', [0], 1)).rejects.toThrow(/batch sizes must be positive integers, got 0/);
    await expect(engine.api.slimSpeed('bad2', [1], 0)).rejects.toThrow(/runs must be a positive integer, got 0/);
  });
});
