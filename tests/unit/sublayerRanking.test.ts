/** Whole sublayers ranked as units next to the dims (issue 14 item 2): a rate, a budget, and their costs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { fullBlockDims, vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { seededRandom } from '../../src/model/vitInit';
import { macsMeasure, paramsMeasure, sublayerCosts } from '../../src/prune/costMeasure';
import { GLOBAL_GROUP, maskFromGroups, pruneMask, rankGroups } from '../../src/prune/pruneMask';
import { budgetPlan, planDims, planWidths } from '../../src/prune/budgetPlan';
import { keptBlockDims } from '../../src/prune/keptDims';
import { prunePreview } from '../../src/prune/prunePreview';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import type { PruneSettings } from '../../src/prune/pruneSettings';

const DEMO = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
const BASE: PruneSettings = { rate: 0.4, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };
const TOTAL_DIMS = 6 * (128 * 3 + 512);

/** Seeded scores in [0.5, 1.5): no dim is near zero unless a test sets it. */
function positiveScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed + 3);
  const s = onesScores(cfg);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => 0.5 + rand());
  return s;
}

/** Seeded signed scores with a share of near-zero ones, as trained VTP scores have. */
function vtpLikeScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed + 7);
  const s = onesScores(cfg);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => (rand() < 0.4 ? rand() * 0.02 : rand() * 2 - 0.5));
  return s;
}

describe('sublayer units, rate', () => {
  it('an MLP whose hidden scores are all tiny goes first, whole (fc1 with it), and counts all its dims', () => {
    const scores = positiveScores(DEMO, 1);
    scores.blocks[3].hidden.fill(1e-3);
    const rate = (128 + 512) / TOTAL_DIMS;
    const mask = pruneMask(scores, { rate, sublayers: {} });
    expect(mask.removed).toBe(128 + 512);
    expect(mask.keep[3].hidden.some(Boolean) || mask.keep[3].fc1.some(Boolean)).toBe(false);
    mask.keep.forEach((k, b) => { if (b !== 3) for (const g of GATE_NAMES) expect(k[g].every(Boolean)).toBe(true); });
    const dims = keptBlockDims(DEMO, mask.keep)!;
    expect(dims[3]).toMatchObject({ hidden: 0, fc1In: [] });
    // Without sublayer units the old rule holds: a gate keeps its best dim, nothing is removed whole.
    const plain = pruneMask(scores, { rate });
    expect(plain.keep[3].hidden.filter(Boolean).length).toBe(1);
    expect(keptBlockDims(DEMO, plain.keep)![3].hidden).toBe(1);
  });

  it('an attention whose value scores are tiny goes whole; a block with both removed is empty (dropped when slimmed)', () => {
    const scores = positiveScores(DEMO, 2);
    scores.blocks[1].attn.fill(1e-3);
    scores.blocks[1].hidden.fill(2e-3);
    const p = prunePreview(DEMO, scores, { ...BASE, rate: (128 * 3 + 512) / TOTAL_DIMS, sublayers: true });
    expect(p.blocks[1]).toEqual({ qkvIn: [], heads: [], valueWidths: [], fc1In: [], hidden: 0 });
    expect(p.removed).toBe(128 * 3 + 512);
    // The saving is exactly one block's cost, LayerNorms and output biases included.
    const n = 50; const D = 128;
    const blockMacs = n * D * 3 * D + n * n * D + n * n * D + n * D * D + 2 * n * D * 512;
    const full = prunePreview(DEMO, scores, { ...BASE, rate: 0 });
    expect(full.macs - p.macs).toBe(blockMacs);
    expect(full.params - p.params).toBe(4 * D + 3 * D * D + 3 * D + D * D + D + 2 * D * 512 + 512 + D);
  });

  it('sublayerCosts: the closed forms of DESIGN.md section 1 for a full block', () => {
    const n = 50; const D = 128; const u = 512;
    const macs = sublayerCosts(DEMO, macsMeasure);
    const params = sublayerCosts(DEMO, paramsMeasure);
    for (let b = 0; b < 6; b++) {
      expect(macs[b]).toEqual([n * D * 3 * D + 2 * n * n * D + n * D * D, n * D * u + n * u * D]);
      expect(params[b]).toEqual([2 * D + 3 * D * D + 3 * D + D * D + D, 2 * D + D * u + u + u * D + D]);
    }
  });
});

describe('sublayer units, budget', () => {
  it('lands within 1% of a MACs or params target, and the plan gives the exact widths', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 0.85, noNaN: true }), fc.nat(1000), fc.constantFrom('abs', 'cost'), fc.constantFrom('macs', 'params'), fc.boolean(),
      (target, seed, rank, unit, heads) => {
        const scores = vtpLikeScores(DEMO, seed);
        if (seed % 2 === 0) scores.blocks[seed % 6].hidden.fill(1e-4); // a sublayer that should go whole
        const p = prunePreview(DEMO, scores, { ...BASE, rate: target, unit: unit as 'macs', rank: rank as 'abs', heads, sublayers: true });
        const saved = unit === 'macs' ? p.macsSaved : p.paramsSaved;
        expect(saved).toBeGreaterThanOrEqual(target);
        expect(saved - target).toBeLessThan(0.01);
        const valueWidths = Array.from({ length: 6 }, () => [32, 32, 32, 32]);
        const groups = rankGroups(scores, {}, GLOBAL_GROUP, undefined, heads ? { valueWidths } : undefined, {});
        const plan = budgetPlan(DEMO, scores, groups, 1);
        const n = seed % plan.order.length;
        const exact = keptBlockDims(DEMO, maskFromGroups(scores, groups, () => n, GLOBAL_GROUP, 1, valueWidths).keep) ?? Array.from({ length: 6 }, () => fullBlockDims(DEMO));
        const planned = planDims(DEMO, plan, planWidths(plan, n));
        expect(planned.map((d) => [d.qkvIn?.length, d.heads, d.valueWidths, d.fc1In?.length, d.hidden]))
          .toEqual(exact.map((d) => [d.qkvIn?.length ?? 128, d.heads, d.valueWidths, d.fc1In?.length ?? 128, d.hidden]));
      }), { numRuns: 40 });
  });

  it('removes the weak MLP first under a budget, and nothing changes with sublayers off', () => {
    const scores = positiveScores(DEMO, 4);
    scores.blocks[2].hidden.fill(1e-3);
    const mlpShare = (2 * 50 * 128 * 512) / macsMeasure(DEMO) - 1e-9; // more than its 511 weakest hidden dims save
    const on = prunePreview(DEMO, scores, { ...BASE, rate: mlpShare, unit: 'macs', sublayers: true });
    expect(on.blocks[2].hidden).toBe(0);
    expect(on.blocks.filter((d, b) => b !== 2).every((d) => d.hidden === 512 && d.heads.length === 4)).toBe(true);
    const off = prunePreview(DEMO, scores, { ...BASE, rate: mlpShare, unit: 'macs' });
    expect(off.blocks[2].hidden).toBe(1);
    expect(off.blocks.filter((d) => d.hidden < 512 || d.heads.length < 4 || d.qkvIn !== null).length).toBeGreaterThan(1); // it had to cut elsewhere
    expect(prunePreview(DEMO, scores, { ...BASE, rate: 0.3, sublayers: false })).toEqual(prunePreview(DEMO, scores, { ...BASE, rate: 0.3 }));
  });
});

describe('sublayers in the studio settings', () => {
  it('the store tells settings with and without whole sublayers apart (masked accuracy and report are recomputed)', async () => {
    const { samePruneSettings } = await import('../../src/prune/pruneSettings');
    expect(samePruneSettings(BASE, { ...BASE, sublayers: true })).toBe(false);
    expect(samePruneSettings(BASE, { ...BASE, sublayers: false })).toBe(true);
  });
});
