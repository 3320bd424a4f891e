import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { isSuperseded } from '../../src/worker/latestWins';
import type { EngineApi, MaskedAccuracy, PruneSettings, ScoreSnapshot, TrainProgress } from '../../src/worker/engineApi';
import { MASKED_EVAL_BATCH, MASKED_EVAL_FIRST_BATCH, rankingScores, vtpScores } from '../../src/worker/maskedEval';
import { previewMask, prunePreview } from '../../src/prune/prunePreview';
import { modelCost } from '../../src/prune/costs';
import { MAGNITUDE_FALLBACK_NOTE } from '../../src/prune/rankingCriterion';
import { maskedGateValues } from '../../src/prune/pruneModel';
import { evaluateAccuracy } from '../../src/train/evaluate';
import { GATE_NAMES } from '../../src/model/gateLayout';
import type { BlockGates } from '../../src/model/vitGates';
import { useCpuBackend } from './helpers/backend';
import { BASE_URL, fakeFetch, testEngine } from './workerTestFixtures';
import { pngBytes } from '../fixtures/data/makeData';

beforeAll(useCpuBackend);

const PRUNE: PruneSettings = { rate: 0.3, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };
const TRAIN = { steps: 8, batchSize: 16, lr: 0.05, l1: 1e-3, trainWeights: false, seed: 0 };

/** An engine with the tiny demo model and the sample dataset loaded. */
async function ready(options = {}) {
  const engine = testEngine(options);
  await engine.api.init();
  await engine.api.loadDemoModel(BASE_URL);
  await engine.api.loadSampleDataset(BASE_URL);
  return engine;
}

/** Collects progress events with their arrival times. */
function recorder() {
  const events: { t: number; p: TrainProgress; scores: ScoreSnapshot | null }[] = [];
  return { events, on: (p: TrainProgress, scores: ScoreSnapshot | null) => { events.push({ t: performance.now(), p, scores }); } };
}

const waitFor = async (cond: () => boolean, ms = 20_000) => {
  const t0 = Date.now();
  while (!cond()) { if (Date.now() - t0 > ms) throw new Error('timed out'); await new Promise((r) => setTimeout(r, 5)); }
};

describe('engine: models and data', () => {
  it('loads the demo model and the sample, with costs, magnitude scores, counts and thumbnails', async () => {
    const engine = testEngine();
    const report = await engine.api.init();
    expect(report.backend).toBe('cpu');
    const model = await engine.api.loadDemoModel(BASE_URL);
    expect(model.source).toBe('demo');
    expect(model.blocks).toHaveLength(2);
    expect(model.params).toBeGreaterThan(0);
    expect(model.magnitude?.blocks[0].hidden).toHaveLength(32);
    const data = await engine.api.loadSampleDataset(BASE_URL);
    expect(data.trainCounts.reduce((a, b) => a + b)).toBe(2000);
    expect(data.valCounts.reduce((a, b) => a + b)).toBe(1000);
    expect(data.thumbnails.length).toBe(80);
    expect(data.thumbnails[0].shape).toEqual([1, 28, 28]);
    const preds = await engine.api.predict(4);
    expect(preds).toHaveLength(4);
    expect(preds[0].confidence).toBeGreaterThan(0);
    const split = await engine.api.resplit(0.1, 3);
    expect(split.valCounts.reduce((a, b) => a + b)).toBe(300);
  });

  it('sets the normalisation the model is evaluated with (no longer assumed) and refuses a wrong one', async () => {
    const engine = await ready();
    const before = await engine.api.evaluate('model', 100);
    const info = await engine.api.setNormalisation([0.9], [0.05]);
    expect(info.config).toMatchObject({ mean: [0.9], std: [0.05], normalisationAssumed: false });
    expect(engine.session.normalisation()).toEqual({ mean: [0.9], std: [0.05] });
    expect((await engine.api.evaluate('model', 100)).accuracy).not.toBe(before.accuracy);
    await expect(engine.api.setNormalisation([0.5, 0.5], [0.5, 0.5])).rejects.toThrow(/mean needs 1 value/);
    await expect(engine.api.setNormalisation([0.5], [0])).rejects.toThrow(/std must be > 0/);
  });

  it('explains a missing demo model instead of crashing', async () => {
    const engine = testEngine({ fetchBytes: (url: string) => fakeFetch(url, ['models/fmnist-vit-s/model.safetensors']) });
    await engine.api.init();
    await expect(engine.api.loadDemoModel(BASE_URL)).rejects.toThrow(/demo model could not be loaded.*Import a checkpoint/);
    await expect(engine.api.loadSampleDataset(BASE_URL)).rejects.toThrow(/no model is loaded/);
  });

  it('uploads an image folder, lists the broken file, and accumulates classes typed in', async () => {
    const engine = await ready();
    const png = (v: number) => pngBytes(8, 8, () => [v, v, v, 255]).buffer as ArrayBuffer;
    const files = [
      { name: 'set/Bag/1.png', bytes: png(10) }, { name: 'set/Bag/2.png', bytes: png(20) }, { name: 'set/Coat/1.png', bytes: png(200) },
      { name: 'set/Coat/2.png', bytes: png(220) }, { name: 'set/Coat/broken.png', bytes: new ArrayBuffer(0) },
    ];
    const info = await engine.api.loadDataset(files, 'set', { valFraction: 0.5 });
    expect(info.skipped).toEqual([{ file: 'set/Coat/broken.png', reason: 'empty file (0 bytes)' }]);
    expect(info.classNames).toEqual(['Bag', 'Coat']); // the dataset's own classes, mapped onto the model's by name
    expect(info.classMap?.mapping).toEqual([8, 4]);
    expect(info.trainCounts[0] + info.valCounts[0]).toBe(2);
    expect(info.warnings.some((w) => w.includes("'Bag' has only 2 images"))).toBe(true);
    await expect(engine.api.loadDataset([{ name: 'a.png', bytes: png(1) }, { name: 'b.png', bytes: png(2) }], 'x', { valFraction: 0.5, className: 'Bag' }))
      .rejects.toThrow(/Added 2 images to class 'Bag'. Add images of at least one more class/);
    const both = await engine.api.loadDataset([{ name: 'c.png', bytes: png(240) }, { name: 'd.png', bytes: png(250) }], 'x', { valFraction: 0.5, className: 'Coat' });
    expect(both.classNames).toEqual(['Bag', 'Coat']);
    expect(both.trainCounts[1] + both.valCounts[1]).toBe(2);
  });
});

describe('engine: score training', () => {
  it('throttles progress to ≤ 10/s and snapshots to ≤ 2/s, and ends with the final scores', async () => {
    const engine = await ready();
    const rec = recorder();
    const r = await engine.api.trainScores('t1', { ...TRAIN, steps: 40 }, rec.on);
    expect(r).toEqual({ stopped: null, steps: 40 });
    const last = rec.events[rec.events.length - 1];
    expect(last.p.step).toBe(40);
    expect(last.scores?.blocks).toHaveLength(2);
    const gaps = rec.events.slice(1, -1).map((e, i) => e.t - rec.events[i].t);
    expect(Math.min(...gaps, Infinity)).toBeGreaterThanOrEqual(95);
    const snaps = rec.events.slice(0, -1).filter((e) => e.scores);
    for (let i = 1; i < snaps.length; i++) expect(snaps[i].t - snaps[i - 1].t).toBeGreaterThanOrEqual(450);
    expect(engine.session.scores?.blocks[0].qkv).toHaveLength(16);
  });

  it('pauses between steps, resumes from the last scores, and cancels', async () => {
    const engine = await ready();
    const rec = recorder();
    const run = engine.api.trainScores('t2', { ...TRAIN, steps: 400 }, rec.on);
    await waitFor(() => rec.events.length > 0);
    await engine.api.pause('t2');
    await new Promise((r) => setTimeout(r, 150));
    const frozen = rec.events.length;
    const stepAtPause = rec.events[frozen - 1].p.step;
    await new Promise((r) => setTimeout(r, 400));
    expect(rec.events.length).toBe(frozen);
    await engine.api.resume('t2');
    await waitFor(() => rec.events.length > frozen);
    expect(rec.events[rec.events.length - 1].p.step).toBeGreaterThanOrEqual(stepAtPause);
    await engine.api.cancel('t2');
    const r = await run;
    expect(r.stopped).toBe('cancelled');
    expect(r.steps).toBeGreaterThan(stepAtPause);
    expect(r.steps).toBeLessThan(400);
    expect(rec.events[rec.events.length - 1].scores).not.toBeNull();
    // a later call continues the run from the session's scores
    const more = await engine.api.trainScores('t3', { ...TRAIN, steps: r.steps + 3 }, () => {}, { fromStep: r.steps });
    expect(more).toEqual({ stopped: null, steps: r.steps + 3 });
  });

  it('a paused and resumed run ends with exactly the scores of an uninterrupted one (same optimizer state and batches)', async () => {
    const settings = { ...TRAIN, steps: 24 };
    const plain = await ready();
    await plain.api.trainScores('u1', settings, () => {});
    const expected = await plain.api.getScores();
    const paused = await ready();
    const rec = recorder();
    const run = paused.api.trainScores('u2', settings, rec.on);
    await waitFor(() => rec.events.some((e) => e.p.step >= 3));
    await paused.api.pause('u2');
    await waitFor(() => rec.events.some((e) => e.scores !== null && e.p.step >= 3)); // the exact scores at the pause
    await new Promise((r) => setTimeout(r, 100));
    await paused.api.resume('u2');
    expect(await run).toEqual({ stopped: null, steps: 24 });
    const got = await paused.api.getScores();
    got!.blocks.forEach((b, i) => { for (const g of ['qkv', 'attn', 'fc1', 'hidden'] as const) expect(Array.from(b[g])).toEqual(Array.from(expected!.blocks[i][g])); });
  });

  it('stops on exploding scores and keeps the last good ones', async () => {
    const engine = await ready();
    const r = await engine.api.trainScores('t4', { ...TRAIN, steps: 30, lr: 1e5, l1: 0 }, () => {});
    expect(r.stopped).toMatch(/exploded|non-finite/);
    const scores = await engine.api.getScores();
    expect(scores!.blocks.every((b) => GATE_NAMES.map((g) => b[g]).every((a) => a.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e3)))).toBe(true);
  });

  it('falls back to another backend when the device is lost and carries on training', async () => {
    const notices: string[] = [];
    const engine = testEngine({
      backend: {
        order: ['webgpu', 'cpu'], probe: async () => null, smokeTest: async () => null,
        activate: async () => { await tf.setBackend('cpu'); return true; }, // 'webgpu' stands in for a GPU here
      },
    });
    await engine.api.init((n) => notices.push(n.message));
    await engine.api.loadDemoModel(BASE_URL);
    await engine.api.loadSampleDataset(BASE_URL);
    const rec = recorder();
    const run = engine.api.trainScores('t5', { ...TRAIN, steps: 30 }, rec.on);
    await waitFor(() => rec.events.some((e) => e.p.step > 5));
    await engine.backend.handleLoss({ reason: 'destroyed', message: 'test' });
    const r = await run;
    expect(r).toEqual({ stopped: null, steps: 30 });
    expect(notices[0]).toMatch(/GPU device was lost.*continuing on CPU/);
    expect(engine.backend.report?.backend).toBe('cpu');
    expect(engine.backend.report?.notes.some((n) => n.includes('WebGPU device lost'))).toBe(true);
  });
});

describe('engine: pruning', () => {
  it('masked accuracy: the latest of rapid requests wins, older ones are superseded', async () => {
    const engine = await ready();
    const rates = [0.1, 0.2, 0.3, 0.4, 0.5];
    const results = await Promise.allSettled(rates.map((rate) => engine.api.maskedAccuracy({ ...PRUNE, rate }, 256)));
    const last = results[results.length - 1];
    expect(last.status).toBe('fulfilled');
    if (last.status === 'fulfilled') expect(last.value.settings.rate).toBe(0.5);
    expect(results.slice(0, -1).every((r) => r.status === 'rejected' && isSuperseded(r.reason))).toBe(true);
  });

  it('masked accuracy: batch-by-batch partial figures, and the slim model gives the gated model\'s accuracy', async () => {
    const engine = await ready();
    await engine.api.trainScores('pa', TRAIN, () => {});
    for (const settings of [{ ...PRUNE, rate: 0.5 }, { ...PRUNE, rate: 0.4, criterion: 'magnitude' as const }, { ...PRUNE, rate: 0.6, fold: false },
      { ...PRUNE, rate: 0.5, unit: 'macs' as const, heads: true }] satisfies PruneSettings[]) {
      const partials: MaskedAccuracy[] = [];
      const result = await engine.api.maskedAccuracy(settings, 250, (p) => { partials.push(p); });
      expect(result).toMatchObject({ n: 250, total: 250, partial: false, settings });
      // A small first batch (a quick first estimate), then full batches; the last batch gives the result.
      const expected: number[] = [];
      for (let n = MASKED_EVAL_FIRST_BATCH; n < 250; n += MASKED_EVAL_BATCH) expected.push(n);
      expect(partials.map((p) => p.n)).toEqual(expected);
      expect(partials.every((p) => p.partial && p.total === 250 && p.accuracy >= 0 && p.accuracy <= 1)).toBe(true);
      // Independent path: the full model with hard-mask gates (0 on removed dims; score or 1 on kept ones).
      const gates = maskedGateValues(previewMask(engine.session.requireModel().config, rankingScores(engine.session, settings.criterion), settings).keep,
        settings.fold && settings.criterion === 'vtp' ? vtpScores(engine.session) : null);
      const gateTensors = gates.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tensor1d(b[g])])) as BlockGates);
      const gated = await evaluateAccuracy(engine.session.params(), engine.session.requireData().val, engine.session.normalisation(), { limit: 250, gates: gateTensors });
      tf.dispose(gateTensors.flatMap((g) => Object.values(g)));
      expect(Math.abs(result.accuracy - gated.top1)).toBeLessThanOrEqual(1 / 250); // at most one near-tie flips
    }
  });

  it('without trained scores, the VTP criterion ranks by weight magnitude (never by index) and says so', async () => {
    const engine = await ready();
    expect(engine.session.scores).toBeNull();
    for (const rate of [0.2, 0.4]) {
      const vtp = await engine.api.maskedAccuracy({ ...PRUNE, rate }, 200);
      const magnitude = await engine.api.maskedAccuracy({ ...PRUNE, rate, criterion: 'magnitude' }, 200);
      expect(vtp.accuracy).toBe(magnitude.accuracy);
    }
    // The slim model: magnitude's dims, not the first dims of every block, and a visible warning.
    const cfg = engine.session.requireModel().config;
    const byMagnitude = prunePreview(cfg, engine.session.magnitudeScores(), { ...PRUNE, rate: 0.4, criterion: 'magnitude' });
    const slim = await engine.api.prune({ ...PRUNE, rate: 0.4 });
    expect(slim.config.blocks).toEqual(byMagnitude.blocks);
    expect(slim.warnings).toEqual([MAGNITUDE_FALLBACK_NOTE]);
    // The sweep measures only weight magnitude until scores exist.
    const points = await engine.api.sweep('nv', [0, 0.4], () => {}, { limit: 50 });
    expect(points.map((p) => p.criterion)).toEqual(['magnitude', 'magnitude']);
  });

  it('keeps tf.memory() stable over 200 prune-setting changes and a training run', async () => {
    const engine = await ready();
    const api: EngineApi = engine.api;
    await api.maskedAccuracy(PRUNE, 8);
    await api.evaluate('model', 8); // builds the model's device params once (training uses them)
    const before = (await api.memory()).numTensors;
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const settings: PruneSettings = { ...PRUNE, rate: (i % 90) / 100, criterion: i % 3 === 0 ? 'magnitude' : 'vtp', fold: i % 2 === 0 };
      calls.push(api.maskedAccuracy(settings, 8).catch((e) => { if (!isSuperseded(e)) throw e; }));
      if (i % 10 === 0) await calls[calls.length - 1];
    }
    await Promise.all(calls);
    expect((await api.memory()).numTensors).toBe(before);
    await api.trainScores('m1', TRAIN, () => {});
    await api.sweep('s1', [0, 0.5], () => {}, { limit: 8 });
    expect((await api.memory()).numTensors).toBe(before);
  });

  it('prunes to a budget exactly as previewed, and the export is named by the dims it removed', async () => {
    const engine = await ready();
    await engine.api.trainScores('b1', TRAIN, () => {});
    const full = engine.session.requireModel().config;
    for (const settings of [{ ...PRUNE, rate: 0.5, unit: 'macs' }, { ...PRUNE, rate: 0.3, unit: 'params', roundTo: 4, heads: true }] satisfies PruneSettings[]) {
      const slim = await engine.api.prune(settings);
      const expected = prunePreview(full, rankingScores(engine.session, 'vtp'), settings);
      expect(slim.config.blocks).toEqual(expected.blocks);
      expect(slim.macs).toBe(expected.macs);
      const saved = settings.unit === 'macs' ? expected.macsSaved : expected.paramsSaved;
      expect(saved).toBeGreaterThanOrEqual(settings.rate);
      expect(slim.name).toContain(settings.unit === 'macs' ? '50% of MACs' : '30% of params');
    }
    const file = await engine.api.exportModel('safetensors', { note: 'test' });
    expect(file.fileName).not.toMatch(/-pruned30-/); // 30 is the params budget, not a fraction of dims
  });

  it('prunes, evaluates, finetunes and exports the slim model', async () => {
    Error.stackTraceLimit = 60;
    const engine = await ready();
    await engine.api.trainScores('p1', TRAIN, () => {});
    const full = engine.session.requireModel().config;
    const slim = await engine.api.prune({ ...PRUNE, rate: 0.5 });
    expect(slim.config.blocks).not.toBeNull();
    const fullParams = modelCost(full).total.params;
    const expected = prunePreview(full, rankingScores(engine.session, 'vtp'), { ...PRUNE, rate: 0.5 });
    expect(slim.params).toBeLessThan(fullParams);
    expect(slim.params).toBe(expected.params); // the slim model has exactly the previewed size
    const acc = await engine.api.evaluate('pruned', 64);
    expect(acc.n).toBe(64);
    const progress: TrainProgress[] = [];
    const ft = await engine.api.finetune('f1', { steps: 3, batchSize: 16, lr: 5e-4 }, (p) => progress.push(p));
    expect(ft.stopped).toBeNull();
    expect(progress[progress.length - 1].step).toBe(3);
    const file = await engine.api.exportModel('safetensors', { note: 'test' });
    expect(file.fileName).toMatch(/-pruned50-safetensors\.zip$/);
    expect(file.bytes.byteLength).toBeGreaterThan(1000);
  });
});
