import { describe, expect, it } from 'vitest';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { pruneModel } from '../../src/prune/pruneModel';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import { AccuracyScheduler } from '../../src/store/accuracyScheduler';
import { computePreview } from '../../src/store/preview';
import { samePruneSettings } from '../../src/prune/pruneSettings';
import { SaveQueue } from '../../src/store/saveQueue';
import { appendHistory } from '../../src/store/trainSlice';
import { clampPrune } from '../../src/store/pruneSlice';
import { trainMessage } from '../../src/store/jobState';
import type { ModelInfo, PruneSettings, TrainProgress } from '../../src/worker/engineApi';
import { keptBlockDims, previewMask, prunePreview } from '../../src/prune/prunePreview';
import { fastGlobalMask } from '../../src/prune/fastMask';
import { pruneMask } from '../../src/prune/pruneMask';
import { supersededError } from '../../src/worker/latestWins';
import { modelCost } from '../../src/prune/costs';

const SMALL = vitConfig({ imageSize: [16, 16], patchSize: 4, inChans: 1, embedDim: 16, depth: 3, numHeads: 4, mlpHidden: 32, numClasses: 5 });
const DEMO = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
const DEIT_B = vitConfig({});
const BASE: PruneSettings = { rate: 0.4, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };

function randomScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(cfg);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => rand() * 2 - 0.5);
  return s;
}

function info(cfg: VitConfig): ModelInfo {
  const cost = modelCost(cfg);
  return { id: 'm', name: 'm', source: 'demo', config: cfg, params: cost.total.params, macs: cost.total.macs, blocks: cost.blocks, warnings: [] };
}

describe('main-thread preview', () => {
  it('gives the same dims as the physical pruning, for rates, rounding and overrides', () => {
    const host = randomVitTensors(SMALL, { seed: 2 });
    for (const [i, settings] of ([
      { ...BASE, rate: 0.2 }, { ...BASE, rate: 0.6, roundTo: 4 }, { ...BASE, rate: 0.5, blockRates: { 1: 0.8 } }, { ...BASE, rate: 0 },
      { ...BASE, rate: 0.5, unit: 'macs' }, { ...BASE, rate: 0.3, unit: 'params', roundTo: 4 }, { ...BASE, rate: 0.4, unit: 'macs', rank: 'abs', blockRates: { 1: 0.2 } },
      { ...BASE, rate: 0.3, rank: 'cost' },
    ] satisfies PruneSettings[]).entries()) {
      const scores = randomScores(SMALL, i + 1);
      const slim = pruneModel(SMALL, host, scores, settings);
      expect(keptBlockDims(SMALL, previewMask(SMALL, scores, settings).keep)).toEqual(slim.config.blocks);
      const preview = prunePreview(SMALL, scores, settings);
      expect(preview.params).toBe(slim.after.total.params);
      expect(preview.macs).toBe(slim.after.total.macs);
      expect(preview.macsSaved).toBeCloseTo(1 - slim.after.total.macs / slim.before.total.macs, 12);
    }
  });

  it('the cached global mask equals pruneMask (ties, empty gates, every rate)', () => {
    const tied = randomScores(SMALL, 4);
    tied.blocks[0].hidden.fill(0.25);
    tied.blocks[1].attn.fill(0);
    for (const scores of [randomScores(SMALL, 5), onesScores(SMALL), tied]) {
      for (let r = 0; r < 100; r += 7) {
        const rate = r / 100;
        expect(fastGlobalMask(scores, rate)).toEqual(pruneMask(scores, { rate }));
      }
    }
    expect(() => fastGlobalMask(onesScores(SMALL), 1)).toThrow(RangeError);
  });

  it('updates the cost figures within one frame for the demo model (and reports DeiT-B)', () => {
    const scores = randomScores(DEMO, 7);
    const model = info(DEMO);
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      computePreview(model, scores, { ...BASE, rate: (i % 9) / 10 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    expect(times[15]).toBeLessThan(16);
    const big = randomScores(DEIT_B, 3);
    const bigModel = info(DEIT_B);
    const t0 = performance.now();
    computePreview(bigModel, big, BASE); // sorts once per score set
    const t1 = performance.now();
    computePreview(bigModel, big, { ...BASE, rate: 0.55 });
    const t2 = performance.now();
    expect(t2 - t1).toBeLessThan(50);
    console.info(`preview: demo model median ${times[15].toFixed(2)} ms; DeiT-B first ${(t1 - t0).toFixed(1)} ms, then ${(t2 - t1).toFixed(1)} ms`);
  });

  it('uses magnitude scores for that criterion and null when they are missing', () => {
    const model = info(SMALL);
    expect(computePreview(model, null, { ...BASE, criterion: 'magnitude' })).toBeNull();
    const withMag = { ...model, magnitude: randomScores(SMALL, 9) };
    expect(computePreview(withMag, null, { ...BASE, criterion: 'magnitude' })?.paramsSaved).toBeGreaterThan(0);
    expect(computePreview(null, null, BASE)).toBeNull();
  });

  it('ranks the VTP criterion by weight magnitude until scores are trained (never by index)', () => {
    const magnitude = randomScores(SMALL, 11);
    const model = { ...info(SMALL), magnitude };
    const byMagnitude = prunePreview(SMALL, magnitude, { ...BASE, criterion: 'magnitude' });
    expect(computePreview(model, null, BASE)).toEqual(byMagnitude);
    const trained = randomScores(SMALL, 12);
    expect(computePreview(model, trained, BASE)).toEqual(prunePreview(SMALL, trained, BASE));
  });

  it('clamps settings and compares them', () => {
    expect(clampPrune({ ...BASE, rate: 1.5, roundTo: 0, blockRates: { 2: -1 } })).toEqual({ ...BASE, rate: 0.9, roundTo: 1, blockRates: { 2: 0 } });
    expect(samePruneSettings(BASE, { ...BASE, blockRates: {} })).toBe(true);
    expect(samePruneSettings(BASE, { ...BASE, blockRates: { 0: 0.1 } })).toBe(false);
    // The slider's unit is part of the decision; a saved session without one is a plain rate; latency needs a table.
    expect(samePruneSettings(BASE, { ...BASE, unit: 'rate' })).toBe(true);
    expect(samePruneSettings(BASE, { ...BASE, unit: 'macs' })).toBe(false);
    expect(samePruneSettings({ ...BASE, unit: 'macs' }, { ...BASE, unit: 'macs', rank: 'abs' })).toBe(true);
    expect(samePruneSettings({ ...BASE, unit: 'macs' }, { ...BASE, unit: 'macs', rank: 'cost' })).toBe(false);
    expect(clampPrune({ ...BASE, unit: 'params' }).unit).toBe('params');
    expect(clampPrune({ ...BASE, unit: 'latency' }).unit).toBe('macs');
    expect(clampPrune({ ...BASE, unit: 'joules' as never }).unit).toBe('rate');
  });
});

describe('accuracy requests (main thread)', () => {
  it('debounce a drag into one request and drop stale or superseded results', async () => {
    const sent: number[] = [];
    const results: number[] = [];
    const errors: unknown[] = [];
    const scheduler = new AccuracyScheduler<number>({
      delayMs: 20,
      run: async (s) => { sent.push(s.rate); await new Promise((r) => setTimeout(r, 30)); if (s.rate === 0.5) throw supersededError(); return s.rate; },
      onResult: (_s, r) => results.push(r),
      onError: (_s, e) => errors.push(e),
    });
    for (let i = 1; i <= 10; i++) scheduler.request({ ...BASE, rate: i / 100 });
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([0.1]);
    expect(results).toEqual([0.1]);
    scheduler.request({ ...BASE, rate: 0.2 });
    await new Promise((r) => setTimeout(r, 25)); // sent, still running
    scheduler.request({ ...BASE, rate: 0.5 }); // superseded in the worker
    await new Promise((r) => setTimeout(r, 120));
    expect(sent).toEqual([0.1, 0.2, 0.5]);
    expect(results).toEqual([0.1]); // 0.2 was stale when it arrived; 0.5 was superseded (ignored)
    expect(errors).toEqual([]);
  });
});

describe('partial accuracy figures', () => {
  it('passes on partials of the latest request only', async () => {
    const results: string[] = [];
    const scheduler = new AccuracyScheduler<string>({
      delayMs: 5,
      run: async (s, onPartial) => {
        for (const n of [1, 2]) { await new Promise((r) => setTimeout(r, 10)); onPartial(`${s.rate}:${n}`); }
        return `${s.rate}:done`;
      },
      onResult: (_s, r) => results.push(r),
      onError: () => {},
    });
    scheduler.request({ ...BASE, rate: 0.1 });
    await new Promise((r) => setTimeout(r, 20)); // 0.1 running, its first partial shown
    scheduler.request({ ...BASE, rate: 0.2 });
    await new Promise((r) => setTimeout(r, 80));
    expect(results).toEqual(['0.1:1', '0.2:1', '0.2:2', '0.2:done']);
  });
});

describe('history, messages and the save queue', () => {
  const p = (step: number): TrainProgress => ({ step, steps: 100, loss: 1, ce: 1, l1: 0, accuracy: 0, nearZero: 0, imagesPerSecond: 640, elapsedMs: step * 100, gateStats: {} as TrainProgress['gateStats'] });

  it('keeps the last N history points and replaces repeated steps', () => {
    let h: TrainProgress[] = [];
    for (let s = 1; s <= 30; s++) h = appendHistory(h, p(s), 10);
    expect(h.map((x) => x.step)).toEqual(Array.from({ length: 10 }, (_, i) => 21 + i));
    h = appendHistory(h, p(25), 10); // a resumed run re-reports step 25
    expect(h[h.length - 1].step).toBe(25);
    expect(h.every((x) => x.step <= 25)).toBe(true);
    expect(trainMessage(p(20))).toBe('step 20/100 · 640 img/s · 8 s left');
  });

  it('coalesces checkpoint writes and reports failures', async () => {
    const written: number[] = [];
    const failures: unknown[] = [];
    let now = 0;
    const q = new SaveQueue<number>({
      write: async (v) => { written.push(v); if (v === 99) throw new Error('QuotaExceededError'); },
      onError: (e) => failures.push(e), intervalMs: 1000, now: () => now,
    });
    q.push(1);
    q.push(2);
    q.push(3);
    await q.flush();
    expect(written).toEqual([1, 3]);
    now = 5000;
    q.push(99);
    await q.flush();
    expect(failures).toHaveLength(1);
  });
});
