/** Pruning to a budget (MACs, params, latency saved) and cost-aware ranking. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GATE_NAMES, type GateName } from '../../src/model/gateLayout';
import { fullBlockDims, vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { seededRandom } from '../../src/model/vitInit';
import { budgetMask } from '../../src/prune/budgetMask';
import { gateDimCosts, macsMeasure, paramsMeasure, unitMeasure, type CostMeasure } from '../../src/prune/costMeasure';
import { predictLatency, type LatencyTable } from '../../src/prune/latencyTable';
import { GLOBAL_GROUP, maskFromGroups, pruneMask, rankGroups, rateCount } from '../../src/prune/pruneMask';
import { budgetPlan, planDims, planWidths } from '../../src/prune/budgetPlan';
import { keptBlockDims } from '../../src/prune/keptDims';
import { prunePreview } from '../../src/prune/prunePreview';
import type { BlockKeep } from '../../src/prune/slimWeights';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import type { PruneSettings } from '../../src/prune/pruneSettings';

const DEMO = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
const SMALL = vitConfig({ imageSize: [16, 16], patchSize: 4, inChans: 1, embedDim: 16, depth: 3, numHeads: 4, mlpHidden: 32, numClasses: 5, distilled: true });
const DEMO_WIDTHS = Array.from({ length: 6 }, () => [32, 32, 32, 32]);
const BASE: PruneSettings = { rate: 0.4, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };

/** Seeded signed scores, with a share of near-zero ones as trained VTP scores have. */
function randomScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed + 7);
  const s = onesScores(cfg);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => (rand() < 0.4 ? rand() * 0.02 : rand() * 2 - 0.5));
  return s;
}

/** MACs per image straight from a keep mask of a full model (DESIGN.md section 1), independent of src/prune/costs.ts. */
function referenceMacs(cfg: VitConfig, keep: BlockKeep[]): number {
  const n = (cfg.imageSize[0] / cfg.patchSize) * (cfg.imageSize[1] / cfg.patchSize) + (cfg.distilled ? 2 : 1);
  const D = cfg.embedDim;
  const hd = cfg.headDim;
  const count = (k: boolean[]) => k.filter(Boolean).length;
  let macs = (n - (cfg.distilled ? 2 : 1)) * cfg.patchSize ** 2 * cfg.inChans * D + (cfg.distilled ? 2 : 1) * D * cfg.numClasses;
  for (const b of keep) {
    const k = count(b.qkv); const v = count(b.attn); const m = count(b.fc1); const u = count(b.hidden);
    let heads = 0;
    for (let h = 0; h < cfg.numHeads; h++) if (b.attn.slice(h * hd, (h + 1) * hd).some(Boolean)) heads++;
    macs += n * k * (2 * hd * heads + v) + n * n * hd * heads + n * n * v + n * v * D + n * m * u + n * u * D;
  }
  return macs;
}

/** The plan's widths after its first `n` units equal the block dims the exact mask `keep` leaves (no cut = full widths). */
function expectPlanWidthsExact(cfg: VitConfig, plan: ReturnType<typeof budgetPlan>, n: number, keep: BlockKeep[]): void {
  const exact = keptBlockDims(cfg, keep) ?? Array.from({ length: cfg.depth }, () => fullBlockDims(cfg));
  const planned = planDims(cfg, plan, planWidths(plan, n));
  expect(planned.map((d) => [d.qkvIn?.length, d.heads, d.valueWidths, d.fc1In?.length, d.hidden]))
    .toEqual(exact.map((d) => [d.qkvIn?.length ?? cfg.embedDim, d.heads, d.valueWidths, d.fc1In?.length ?? cfg.embedDim, d.hidden]));
}

/** A latency table of made-up but plausible per-dim costs. */
function syntheticTable(cfg: VitConfig): LatencyTable {
  const widths: Record<GateName, number> = { qkv: cfg.embedDim, attn: cfg.embedDim, fc1: cfg.embedDim, hidden: cfg.mlpHidden };
  return {
    backend: 'test', batch: 1, baseMs: 0.3,
    blocks: Array.from({ length: cfg.depth }, (_, b) => ({ ms: 2 + b * 0.1, perDim: { qkv: 0.004, attn: 0.003, fc1: 0.002, hidden: 0.0015 }, perHead: 0.05, widths, heads: cfg.numHeads, perSublayer: { attn: 0.3, mlp: 0.2 }, perPair: { qkvAttn: 1e-5, qkvHeads: 1e-4, fc1Hidden: 2e-6 } })),
  };
}

describe('gateDimCosts', () => {
  it('gives the closed-form MACs of one dim of each gate (DESIGN.md section 1)', () => {
    const [n, D, hd, h, u] = [50, 128, 32, 4, 512];
    for (const c of gateDimCosts(DEMO, macsMeasure)) {
      expect(c.qkv).toBe(n * (2 * hd * h + D));
      expect(c.attn).toBe(n * D + n * n + n * D);
      expect(c.fc1).toBe(n * u);
      expect(c.hidden).toBe(n * D + n * D);
    }
  });

  it('gives the closed-form params of one dim (weights and biases it feeds)', () => {
    for (const c of gateDimCosts(DEMO, paramsMeasure)) {
      expect(c).toEqual({ qkv: 2 * 32 * 4 + 128, attn: 128 + 1 + 128, fc1: 512, hidden: 128 + 1 + 128 });
    }
  });
});

describe('budgetMask', () => {
  it('lands within 1% of a MACs or params target, over targets, seeds, rankings, rounding and overrides', () => {
    fc.assert(fc.property(fc.double({ min: 0.02, max: 0.8, noNaN: true }), fc.nat(1000), fc.constantFrom('macs', 'params'),
      fc.constantFrom('abs', 'cost'), fc.constantFrom(1, 2, 4, 8), fc.boolean(), (target, seed, unit, rank, roundTo, override) => {
        const scores = randomScores(DEMO, seed);
        const blockRates = override ? { [seed % 6]: 0.3 } : {};
        const settings: PruneSettings = { ...BASE, rate: target, unit: unit as 'macs' | 'params', rank: rank as 'abs' | 'cost', roundTo, blockRates };
        const p = prunePreview(DEMO, scores, settings);
        const saved = unit === 'macs' ? p.macsSaved : p.paramsSaved;
        const floor = prunePreview(DEMO, scores, { ...settings, rate: 0 }); // what the overrides alone save
        const least = unit === 'macs' ? floor.macsSaved : floor.paramsSaved;
        if (least >= target) { expect(saved).toBe(least); return; }
        expect(saved).toBeGreaterThanOrEqual(target);
        expect(saved - target).toBeLessThan(0.01);
      }), { numRuns: 60 });
  });

  it('saves what an independent count of the kept dims gives', () => {
    for (const seed of [1, 2, 3]) {
      const target = 0.2 * seed;
      const scores = randomScores(DEMO, seed);
      const mask = budgetMask(DEMO, scores, { target, measure: macsMeasure, rank: 'cost' });
      const full = referenceMacs(DEMO, mask.keep.map((k) => Object.fromEntries(GATE_NAMES.map((g) => [g, k[g].map(() => true)])) as unknown as BlockKeep));
      const saved = 1 - referenceMacs(DEMO, mask.keep) / full;
      expect(saved).toBeCloseTo(mask.saved, 12);
      expect(saved).toBeGreaterThanOrEqual(target);
      expect(saved - target).toBeLessThan(0.001);
    }
  });

  it('removes the fewest ranked dims: a slightly smaller budget never removes more', () => {
    const scores = randomScores(DEMO, 9);
    let last = -1;
    for (let t = 0; t < 0.8; t += 0.05) {
      const mask = budgetMask(DEMO, scores, { target: t, measure: macsMeasure, rank: 'abs' });
      expect(mask.removed).toBeGreaterThanOrEqual(last);
      last = mask.removed;
    }
    expect(budgetMask(DEMO, scores, { target: 0, measure: macsMeasure, rank: 'abs' }).removed).toBe(0);
  });

  it('with rank abs removes a prefix of the |a| order (the rate mask of the same count)', () => {
    const scores = randomScores(DEMO, 4);
    const mask = budgetMask(DEMO, scores, { target: 0.3, measure: macsMeasure, rank: 'abs' });
    const same = pruneMask(scores, { rate: (mask.removed + 0.5) / mask.total });
    expect(same.keep).toEqual(mask.keep);
  });

  it('ranks by |a| per unit of cost: with equal scores the costliest dims go first', () => {
    const mask = budgetMask(DEMO, onesScores(DEMO), { target: 0.05, measure: macsMeasure, rank: 'cost' });
    for (const k of mask.keep) {
      expect(k.qkv.every(Boolean) && k.attn.every(Boolean) && k.hidden.every(Boolean)).toBe(true);
    }
    expect(mask.keep.some((k) => !k.fc1.every(Boolean))).toBe(true); // fc1 inputs cost n·u = 25,600 MACs, the most
  });

  it('reports an out-of-reach target by saving the most it can', () => {
    const mask = budgetMask(SMALL, randomScores(SMALL, 1), { target: 0.99, measure: macsMeasure, rank: 'abs' });
    expect(mask.saved).toBeLessThan(0.99);
    for (const k of mask.keep) for (const g of GATE_NAMES) expect(k[g].filter(Boolean).length).toBe(1);
  });

  it('refuses a target outside [0, 1)', () => {
    for (const target of [-0.1, 1, NaN]) {
      expect(() => budgetMask(SMALL, randomScores(SMALL, 1), { target, measure: macsMeasure, rank: 'abs' })).toThrow(/budget must be a fraction in \[0, 1\)/);
    }
  });
});

describe('budgetPlan', () => {
  it('gives the widths the exact mask leaves after any prefix (rounding, overrides, emptied gates)', () => {
    fc.assert(fc.property(fc.nat(1000), fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1, 3, 8), fc.boolean(), (seed, at, roundTo, override) => {
      const scores = randomScores(SMALL, seed);
      if (seed % 3 === 0) scores.blocks[1].attn.fill(0); // ties, and a gate that empties early
      const blockRates: Record<number, number> = override ? { 2: 0.5 } : {};
      const groups = rankGroups(scores, blockRates, GLOBAL_GROUP);
      const plan = budgetPlan(SMALL, scores, groups, roundTo);
      const n = Math.floor(at * plan.order.length);
      const valueWidths = [0, 1, 2].map(() => [4, 4, 4, 4]);
      expectPlanWidthsExact(SMALL, plan, n, maskFromGroups(scores, groups, (key, size) => (key === GLOBAL_GROUP ? n : rateCount(key, size)), GLOBAL_GROUP, roundTo, valueWidths).keep);
    }), { numRuns: 100 });
  });
});

describe('whole heads', () => {
  it('removes a head whose value scores are low, as one unit, q and k included', () => {
    const scores = randomScores(DEMO, 3);
    for (const b of scores.blocks) for (const g of GATE_NAMES) b[g] = b[g].map((a) => 0.5 + Math.abs(a));
    scores.blocks[2].attn.fill(0.01, 32, 64); // head 1 of block 2 is weak
    const mask = budgetMask(DEMO, scores, { target: 0.015, measure: macsMeasure, rank: 'cost', heads: true }); // the head alone saves 1.56%
    expect(mask.keep[2].attn.slice(32, 64).every((on) => !on)).toBe(true);
    expect(mask.removed).toBe(32);
    const dims = keptBlockDims(DEMO, mask.keep)!;
    expect(dims[2].heads).toEqual([0, 2, 3]);
  });

  it('lands within 1% when whole heads end the prefix: an overshooting head is skipped for the dims after it', () => {
    const scores = onesScores(DEMO);
    for (const b of scores.blocks) { b.qkv.fill(0.9); b.fc1.fill(0.9); b.hidden.fill(0.9); b.attn = b.attn.map((_, j) => 0.3 + 0.001 * (j % 32)); }
    for (let t = 0.02; t < 0.3; t += 0.01) {
      const mask = budgetMask(DEMO, scores, { target: t, measure: macsMeasure, rank: 'abs', heads: true });
      expect(mask.saved).toBeGreaterThanOrEqual(t);
      expect(mask.saved - t).toBeLessThan(0.01);
    }
  });

  it('lands within 1% of the target, and the plan gives the exact widths', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 0.8, noNaN: true }), fc.nat(1000), fc.constantFrom('abs', 'cost'), fc.constantFrom(1, 4), (target, seed, rank, roundTo) => {
      const scores = randomScores(DEMO, seed);
      const p = prunePreview(DEMO, scores, { ...BASE, rate: target, unit: 'macs', rank: rank as 'abs' | 'cost', roundTo, heads: true });
      expect(p.macsSaved).toBeGreaterThanOrEqual(target);
      expect(p.macsSaved - target).toBeLessThan(0.01);
      const valueWidths = DEMO_WIDTHS;
      const groups = rankGroups(scores, {}, GLOBAL_GROUP, undefined, { valueWidths });
      const plan = budgetPlan(DEMO, scores, groups, roundTo);
      const n = seed % plan.order.length;
      expectPlanWidthsExact(DEMO, plan, n, maskFromGroups(scores, groups, () => n, GLOBAL_GROUP, roundTo, valueWidths).keep);
    }), { numRuns: 30 });
  });
});

describe('latency budget', () => {
  it('predicts a pruned model from the table: linear in the dims and heads removed, shared products counted once (closed form)', () => {
    const table = syntheticTable(SMALL);
    expect(predictLatency(table, SMALL)).toBeCloseTo(0.3 + 2 + 2.1 + 2.2, 12);
    const blocks = [0, 1, 2].map(() => ({ qkvIn: [0, 1, 2, 3], heads: [0, 2], valueWidths: [4, 1], fc1In: null, hidden: 10 }));
    // removed: 12 qkv inputs, 11 value dims, 22 hidden, 2 heads; pairs given back: 12 × 11 (v) and 12 × 2 (q, k); fc1 inputs all kept
    const expected = 0.3 + [2, 2.1, 2.2].reduce((s, ms) => s + ms - (12 * 0.004 + 11 * 0.003 + 22 * 0.0015 + 2 * 0.05 - 12 * 11 * 1e-5 - 12 * 2 * 1e-4), 0);
    expect(predictLatency(table, { ...SMALL, blocks })).toBeCloseTo(expected, 12);
  });

  it('lands within 1% of a latency target', () => {
    const measure: CostMeasure = unitMeasure('latency', syntheticTable(DEMO));
    for (const [i, target] of [0.1, 0.3, 0.5, 0.7].entries()) {
      const mask = budgetMask(DEMO, randomScores(DEMO, i), { target, measure, rank: 'cost', roundTo: i % 2 ? 4 : 1 });
      expect(mask.saved).toBeGreaterThanOrEqual(target);
      expect(mask.saved - target).toBeLessThan(0.01);
    }
  });
});
