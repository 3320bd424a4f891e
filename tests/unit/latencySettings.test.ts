/**
 * A latency table in the prune settings (the studio's "Latency saved" unit): kept only for the model and backend it
 * was measured for, and the preview's predicted latency saving, which a latency budget lands on.
 */
import { describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { seededRandom } from '../../src/model/vitInit';
import { latencyTableFits, predictLatency, type LatencyTable } from '../../src/prune/latencyTable';
import { samePruneSettings, usableLatencySettings, type PruneSettings } from '../../src/prune/pruneSettings';
import { prunePreview } from '../../src/prune/prunePreview';
import type { ScoreSet } from '../../src/prune/scoreSet';
import { clampPrune } from '../../src/store/pruneSlice';

const cfg = vitConfig({ imageSize: [16, 16], patchSize: 4, inChans: 1, embedDim: 16, depth: 3, numHeads: 4, mlpHidden: 32, numClasses: 5 });
/** The demo model's shape: dims fine enough for a budget to land within 1%. */
const DEMO = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });

/** A table of plausible made-up costs for `c`, measured "on" `backend`. */
function table(c = cfg, backend = 'wasm'): LatencyTable {
  return {
    backend, batch: 1, baseMs: 0.5,
    blocks: Array.from({ length: c.depth }, () => ({
      ms: 3, perDim: { qkv: 0.02, attn: 0.03, fc1: 0.02, hidden: 0.01 }, perHead: 0.1, widths: { qkv: c.embedDim, attn: c.embedDim, fc1: c.embedDim, hidden: c.mlpHidden },
      heads: c.numHeads, perSublayer: { attn: 0.2, mlp: 0.1 }, perPair: { qkvAttn: 1e-4, qkvHeads: 1e-3, fc1Hidden: 1e-4 },
    })),
  };
}

/** Seeded scores in (0, 1) for every gate of `c`. */
function scores(seed: number, c = cfg): ScoreSet {
  const rand = seededRandom(seed);
  const vec = (n: number) => Float32Array.from({ length: n }, () => rand());
  return { blocks: Array.from({ length: c.depth }, () => ({ qkv: vec(c.embedDim), attn: vec(c.embedDim), fc1: vec(c.embedDim), hidden: vec(c.mlpHidden) })) };
}

const base: PruneSettings = { rate: 0.3, criterion: 'vtp', fold: false, roundTo: 1, blockRates: {}, unit: 'latency', latency: table() };

describe('latency settings', () => {
  it('keep a table measured for this model and backend, and drop one of another model, a pruned shape or another backend', () => {
    expect(usableLatencySettings(base, cfg, 'wasm')).toBe(base);
    expect(usableLatencySettings(base, cfg, null)).toBe(base); // backend not known yet: kept
    const deeper = vitConfig({ ...cfg, depth: 4 });
    const narrower = { ...cfg, blocks: [0, 1, 2].map(() => ({ qkvIn: null, heads: [0, 1, 2, 3], valueWidths: [4, 4, 4, 4], fc1In: null, hidden: 20 })) };
    expect(latencyTableFits(table(), deeper)).toBe(false);
    expect(latencyTableFits(table(), narrower)).toBe(false);
    for (const [model, backend] of [[deeper, 'wasm'], [narrower, 'wasm'], [cfg, 'webgpu']] as const) {
      expect(usableLatencySettings(base, model, backend)).toEqual({ ...base, latency: null, unit: 'macs' });
    }
    expect(usableLatencySettings({ ...base, unit: 'params' }, deeper, 'wasm')).toEqual({ ...base, unit: 'params', latency: null });
    expect(usableLatencySettings({ ...base, latency: null }, cfg, 'wasm').unit).toBe('macs');
    expect(clampPrune({ ...base, latency: null }).unit).toBe('macs');
    expect(clampPrune(base).unit).toBe('latency');
  });

  it('are the same decision with a copy of the same table, not with other figures (a table measured again)', () => {
    expect(samePruneSettings(base, structuredClone(base))).toBe(true);
    const again = structuredClone(base);
    again.latency!.blocks[1].ms = 3.5;
    expect(samePruneSettings(base, again)).toBe(false);
    expect(samePruneSettings({ ...base, unit: 'macs' }, { ...again, unit: 'macs' })).toBe(true); // a MACs budget ignores the table
  });

  it('preview the predicted latency saving, and a latency target lands on it within 1%', () => {
    const demo = { ...base, latency: table(DEMO) };
    for (const [i, target] of [0.1, 0.25, 0.4].entries()) {
      const p = prunePreview(DEMO, scores(i, DEMO), { ...demo, rate: target });
      const slim = { ...DEMO, blocks: p.blocks };
      expect(p.latencyMs).toBeCloseTo(predictLatency(demo.latency, slim), 9);
      expect(p.latencySaved).toBeCloseTo(1 - p.latencyMs! / predictLatency(demo.latency, DEMO), 9);
      expect(p.latencySaved!).toBeGreaterThanOrEqual(target);
      expect(p.latencySaved! - target).toBeLessThan(0.01);
    }
    expect(prunePreview(cfg, scores(0), { ...base, unit: 'macs', latency: null }).latencySaved).toBeUndefined();
  });
});
