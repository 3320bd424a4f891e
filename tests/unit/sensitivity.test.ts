/** Per-layer sensitivity (each block pruned alone) and the overrides it suggests. */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GATE_NAMES } from '../../src/model/gateLayout';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { normalisedBatch } from '../../src/data/imageDataset';
import { stratifiedOrder } from '../../src/data/stratifiedOrder';
import { topPredictions } from '../../src/train/agreement';
import { blockSensitivity } from '../../src/train/blockSensitivity';
import { isolatedKeep } from '../../src/prune/blockIsolation';
import { maskedGateValues } from '../../src/prune/pruneModel';
import { previewMask, prunePreview } from '../../src/prune/prunePreview';
import { sensitivityWeights, suggestedBlockRates } from '../../src/prune/sensitivitySuggestion';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import type { PruneSettings } from '../../src/prune/pruneSettings';
import { finetune } from '../../src/train/finetune';
import { paramsToHost } from '../../src/model/paramsToHost';
import type { HostTensors } from '../../src/model/hostTensor';
import { useCpuBackend } from './helpers/backend';
import { quadrantDataset, NORM } from './helpers/quadrantTask';

beforeAll(async () => { await useCpuBackend(); HOST = await trainedHost(); }, 60_000);

const CFG: VitConfig = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 8, depth: 3, numHeads: 2, mlpHidden: 16, numClasses: 3 });
const DEMO = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
const DATA = quadrantDataset(120, 5);
let HOST: HostTensors;

/** The tiny model trained for 60 steps on the quadrant task: a classifier with margins, so that a few dims cut barely matter. */
async function trainedHost(): Promise<HostTensors> {
  const params = vitParams(CFG, randomVitTensors(CFG, { seed: 4, weightStd: 0.3 }), true);
  await finetune(params, DATA, { steps: 60, batchSize: 16, lr: 2e-2, augment: { shift: 1, flip: false }, normalisation: NORM });
  const host = await paramsToHost(params);
  disposeVitParams(params);
  return host;
}
const BASE: PruneSettings = { rate: 0.4, criterion: 'vtp', fold: false, roundTo: 1, blockRates: {}, unit: 'rate' };

/** Seeded scores in [0.5, 1.5]; block `tiny` (if any) gets scores of 0.001 so a rate of 0.5 cuts it to one dim per gate. */
function scoresWith(cfg: VitConfig, seed: number, tiny: number | null): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(cfg);
  s.blocks.forEach((b, i) => { for (const g of GATE_NAMES) b[g] = b[g].map(() => (i === tiny ? 0.001 : 0.5 + rand())); });
  return s;
}

/** Agreement with `reference` of the gated (hard-masked, not slimmed) forward on the first `limit` stratified images: an independent path. */
async function gatedAgreement(gates: ScoreSet, reference: Int32Array, limit: number): Promise<number> {
  const params = vitParams(CFG, HOST);
  const picked = Array.from(stratifiedOrder(DATA.labels).subarray(0, limit));
  const top = tf.tidy(() => {
    const x = tf.tensor4d(normalisedBatch(DATA, picked, NORM), [picked.length, 1, 8, 8]); // [B, C, H, W]
    const blockGates = gates.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tensor1d(b[g])])));
    return tf.argMax(vitLogits(params, x, blockGates), 1);
  });
  const classes = await top.data();
  top.dispose();
  disposeVitParams(params);
  return picked.filter((index, k) => classes[k] === reference[index]).length / picked.length;
}

describe('blockSensitivity', () => {
  let before = 0;
  beforeEach(() => { before = tf.memory().numTensors; });
  afterEach(() => { expect(tf.memory().numTensors).toBe(before); });

  it('gives the largest loss to the block whose scores are pruned to nothing, and matches the gated forward', async () => {
    const scores = scoresWith(CFG, 11, 1);
    const mask = previewMask(CFG, scores, BASE);
    expect(mask.keep[1].hidden.filter(Boolean).length).toBe(1); // block 1 is cut to one dim per gate
    const params = vitParams(CFG, HOST);
    const reference = await topPredictions(params, DATA, NORM, { limit: 90 });
    disposeVitParams(params);
    const r = await blockSensitivity(CFG, HOST, mask.keep, null, DATA, NORM, { limit: 90, batchSize: 32, reference });
    expect(r.n).toBe(90);
    expect(r.baseAgreement).toBe(1);
    const losses = r.blocks.map((b) => b.agreementLost);
    expect(losses[1]).toBeGreaterThan(0);
    expect(losses[1]).toBe(Math.max(...losses));
    expect(losses.filter((l) => l === losses[1])).toHaveLength(1);
    for (const b of r.blocks) {
      const gates = maskedGateValues(isolatedKeep(mask.keep, b.block), null);
      expect(b.agreement).toBeCloseTo(await gatedAgreement(gates, reference, 90), 1); // within one image or two of 90 (ties at 1e-6)
      expect(b.accuracyLost).toBeCloseTo(r.baseAccuracy - b.accuracy, 12);
    }
    expect(r.blocks[1].cut).toBeGreaterThan(r.blocks[0].cut);
  });

  it('is 0 for every block at rate 0 (scores folded), and stops when cancelled', async () => {
    const scores = scoresWith(CFG, 12, null);
    const settings = { ...BASE, rate: 0, fold: true };
    const mask = previewMask(CFG, scores, settings);
    const params = vitParams(CFG, HOST);
    const reference = await topPredictions(params, DATA, NORM, { limit: 60 });
    disposeVitParams(params);
    const r = await blockSensitivity(CFG, HOST, mask.keep, scores.blocks, DATA, NORM, { limit: 60, reference });
    expect(r.blocks.map((b) => [b.agreementLost, b.accuracyLost, b.macsSaved])).toEqual(Array.from({ length: 3 }, () => [0, 0, 0]));
    const stop = new AbortController();
    const cut = await blockSensitivity(CFG, HOST, mask.keep, scores.blocks, DATA, NORM, {
      limit: 60, batchSize: 20, reference, signal: stop.signal, onProgress: (p) => { if (p.done >= 100) stop.abort(); },
    });
    expect(cut.cancelled).toBe(true);
    expect(cut.blocks.length).toBeLessThan(3);
  });
});

describe('suggestedBlockRates', () => {
  const rand = seededRandom(3);
  const demoScores = (): ScoreSet => {
    const s = onesScores(DEMO);
    for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => (rand() < 0.4 ? rand() * 0.02 : rand() * 2 - 0.5));
    return s;
  };
  const cases: [string, Partial<PruneSettings>][] = [
    ['rate 0.4', { rate: 0.4 }], ['60% of MACs', { rate: 0.6, unit: 'macs' }], ['50% of MACs, heads', { rate: 0.5, unit: 'macs', heads: true }],
    ['30% of params, rounded to 4', { rate: 0.3, unit: 'params', roundTo: 4 }], ['rate 0.5 with an override', { rate: 0.5, blockRates: { 2: 0.1 } }],
  ];
  for (const [name, patch] of cases) {
    it(`lands on the current MACs saving within 1% and never gives a larger loss a higher rate: ${name}`, () => {
      const scores = demoScores();
      const settings = { ...BASE, fold: true, ...patch };
      const losses = Array.from({ length: 6 }, () => (rand() < 0.2 ? 0 : rand() * 0.2 - 0.01));
      const s = suggestedBlockRates(DEMO, scores, settings, losses);
      const current = prunePreview(DEMO, scores, settings).macsSaved;
      const applied = prunePreview(DEMO, scores, { ...settings, blockRates: s.blockRates }).macsSaved;
      expect(s.reached).toBe(true);
      expect(s.target).toBe(current);
      expect(applied).toBe(s.macsSaved);
      expect(applied).toBeGreaterThanOrEqual(current);
      expect(applied - current).toBeLessThan(0.01 * current + 1e-12);
      expect(Object.keys(s.blockRates).map(Number)).toEqual([0, 1, 2, 3, 4, 5]);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (losses[i] > losses[j]) expect(s.blockRates[i]).toBeLessThanOrEqual(s.blockRates[j]);
      const most = losses.indexOf(Math.max(...losses));
      const least = losses.indexOf(Math.min(...losses));
      expect(s.blockRates[most]).toBeLessThan(s.blockRates[least]);
    });
  }

  it('gives equal rates for equal losses, zero rates at rate 0, and says when the target is out of reach', () => {
    const scores = demoScores();
    const even = suggestedBlockRates(DEMO, scores, { ...BASE, rate: 0.4 }, [0.05, 0.05, 0.05, 0.05, 0.05, 0.05]);
    expect(new Set(Object.values(even.blockRates)).size).toBe(1);
    expect(Object.values(suggestedBlockRates(DEMO, scores, { ...BASE, rate: 0 }, [0.1, 0, 0, 0, 0, 0]).blockRates)).toEqual([0, 0, 0, 0, 0, 0]);
    const far = suggestedBlockRates(DEMO, scores, { ...BASE, rate: 0.8, unit: 'macs' }, [0.9, 0, 0, 0, 0, 0], { maxRate: 0.5 });
    expect(far.reached).toBe(false);
    expect(far.macsSaved).toBeLessThan(far.target);
    expect(() => suggestedBlockRates(DEMO, scores, BASE, [0.1])).toThrow(/1 block losses for a model of 6 blocks/);
  });

  it('weights: exp(−loss / mean loss), negative losses count as 0', () => {
    const w = sensitivityWeights([0, 0.1, 0.2, -0.05]);
    const t = 0.3 / 4;
    [1, Math.exp(-0.1 / t), Math.exp(-0.2 / t), 1].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 12));
  });
});
