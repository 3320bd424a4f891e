/**
 * Whole sublayers (issue 14 item 2): a removed attention or MLP is skipped by the slim forward, its output bias
 * folded exactly into the previous sublayer (or pos_embed), a block with both removed is dropped. Every slim
 * model here is checked against the full model with the removed sublayers' gates at zero (the masked model).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { randomVitTensors, seededRandom } from '../../src/model/vitInit';
import { GATE_NAMES, gateLengths } from '../../src/model/vitGates';
import type { HostTensors } from '../../src/model/hostTensor';
import { slimWeights, type BlockKeep } from '../../src/prune/slimWeights';
import { modelCost } from '../../src/prune/costs';
import { keptBlockDims } from '../../src/prune/keptDims';
import { projectModelFiles } from '../../src/io/projectModel';
import { importCheckpoint } from '../../src/io/checkpoint';
import type { ScoreSet } from '../../src/prune/scoreSet';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';
import { gatedLogits } from './helpers/gatedLogits';
import { scoresOnBackend } from './helpers/scoresOnBackend';
import { magnitudeScores } from '../../src/prune/magnitudeScores';
import { readScoreFile, scoreFileBytes } from '../../src/io/scoreFile';
import { pruneModel } from '../../src/prune/pruneModel';
import { randomDataset } from '../../bench/scoreStep';
import { demoConfig, demoModel, paramCount, sublayerKeep, sublayerPruned, testImages, type SublayerPlan, type TestModel } from './exportFixtures';
import { exportReadme, exportSummary, prunedFraction } from '../../src/io/export/exportReadme';

/** Random weights on the demo architecture (the README/report checks need no trained weights). */
const demoLike: TestModel = { cfg: demoConfig(), tensors: randomVitTensors(demoConfig(), { seed: 3 }) };

beforeAll(useCpuBackend);

/** Logits of `cfg`/`host` on seeded images, with optional gates (host values; the tensors are made and freed there). */
function logits(cfg: VitConfig, host: HostTensors, gateValues?: ScoreSet['blocks'], batch = 2): Promise<Float32Array> {
  return gatedLogits(cfg, host, testImages(cfg, batch), gateValues);
}

/** Gate values of the masked model: kept dims their score (folded), removed dims 0; learned sublayer gates as they are. */
function maskedGates(keep: BlockKeep[], scores: ScoreSet['blocks']): ScoreSet['blocks'] {
  return keep.map((k, i) => ({
    ...Object.fromEntries(GATE_NAMES.map((g) => [g, Float32Array.from(k[g], (on, j) => (on ? scores[i][g][j] : 0))])),
    ...(scores[i].sublayer ? { sublayer: scores[i].sublayer } : {}),
  })) as unknown as ScoreSet['blocks'];
}

/** Slim logits against masked logits, and the slim model's depth and costs. */
async function expectSlimEqualsMasked(m: TestModel, keep: BlockKeep[], scores: ScoreSet['blocks'], plan: SublayerPlan): Promise<TestModel> {
  const masked = await logits(m.cfg, m.tensors, maskedGates(keep, scores));
  const slim = slimWeights(m.cfg, m.tensors, keep, scores);
  const both = Object.values(plan).filter((p) => p === 'both').length;
  expect(slim.config.depth).toBe(m.cfg.depth - both);
  expect((slim.config.droppedBlocks ?? []).length).toBe((m.cfg.droppedBlocks ?? []).length + both);
  expect(maxAbsDiff(await logits(slim.config, slim.tensors), masked)).toBeLessThan(1e-4);
  // Costs: the params of the formula are the floats the slim model really holds; previewed dims give the same.
  expect(modelCost(slim.config).total.params).toBe(paramCount({ cfg: slim.config, tensors: slim.tensors }));
  expect(modelCost({ ...m.cfg, blocks: keptBlockDims(m.cfg, keep) }).total).toEqual(modelCost(slim.config).total);
  return { cfg: slim.config, tensors: slim.tensors };
}

/** A tiny random architecture with 1-3 blocks. */
const tinyConfig = fc.record({
  heads: fc.integer({ min: 1, max: 3 }), headDim: fc.integer({ min: 2, max: 4 }), depth: fc.integer({ min: 1, max: 3 }),
  hidden: fc.integer({ min: 3, max: 10 }), distilled: fc.boolean(), qkvBias: fc.boolean(), seed: fc.nat(),
}).map((r) => vitConfig({
  imageSize: [6, 6], patchSize: 3, inChans: 1, embedDim: r.heads * r.headDim, depth: r.depth, numHeads: r.heads,
  mlpHidden: r.hidden, numClasses: 3, distilled: r.distilled, qkvBias: r.qkvBias, architecture: `seed${r.seed}`,
}));

/**
 * Random keep masks (>= 1 per gate) and scores, with each sublayer removed with probability 0.4; for odd seeds every
 * sublayer also has a learned gate in (-1, 2) (score training with sublayer gates), folded into its proj / fc2.
 */
function randomRemoval(cfg: VitConfig, seed: number): { keep: BlockKeep[]; scores: ScoreSet['blocks']; plan: SublayerPlan } {
  const rand = seededRandom(seed);
  const gateRand = seededRandom(seed + 7);
  const plan: SublayerPlan = {};
  const scores = [] as unknown as ScoreSet['blocks'];
  const keep = Array.from({ length: cfg.depth }, (_, i) => {
    const len = gateLengths(cfg, i);
    const s = Object.fromEntries(GATE_NAMES.map((g) => [g, Float32Array.from({ length: len[g] }, () => 0.2 + rand())])) as unknown as ScoreSet['blocks'][number];
    if (seed % 2 === 1) s.sublayer = { attn: 3 * gateRand() - 1, mlp: 3 * gateRand() - 1 };
    scores.push(s);
    const k = Object.fromEntries(GATE_NAMES.map((g) => {
      const on = Array.from({ length: len[g] }, () => rand() < 0.6);
      on[Math.floor(rand() * len[g])] = true;
      return [g, on];
    })) as unknown as BlockKeep;
    const attn = rand() < 0.4;
    const mlp = rand() < 0.4;
    if (attn) { k.attn.fill(false); if (rand() < 0.5) k.qkv.fill(false); } // the input gate may keep dims: the output gate decides
    if (mlp) { k.hidden.fill(false); if (rand() < 0.5) k.fc1.fill(false); }
    if (attn || mlp) plan[i] = attn && mlp ? 'both' : attn ? 'attn' : 'mlp';
    return k;
  });
  return { keep, scores, plan };
}

describe('whole sublayers: slim equals masked', () => {
  it('random architectures and random removed sublayers (bias folded into the previous sublayer or pos_embed)', async () => {
    await fc.assert(fc.asyncProperty(tinyConfig, async (cfg) => {
      const seed = Number(cfg.architecture.slice(4));
      const host = randomVitTensors(cfg, { seed, weightStd: 0.3, biasStd: 0.3 });
      const { keep, scores, plan } = randomRemoval(cfg, seed + 1);
      await expectSlimEqualsMasked({ cfg, tensors: host }, keep, scores, plan);
    }), { numRuns: 25 });
  });

  it('demo-model weights: attention of block 0 (bias into pos_embed), MLP of block 2, block 4 dropped, and re-pruning the slim model', async () => {
    const demo = await demoModel();
    const plan: SublayerPlan = { 0: 'attn', 2: 'mlp', 4: 'both' };
    const { keep, scores } = sublayerKeep(demo, 0.3, plan);
    const slim = await expectSlimEqualsMasked(demo, keep, scores.blocks, plan);
    expect(slim.cfg.droppedBlocks).toEqual([4]);
    expect(slim.cfg.blocks![0].heads).toEqual([]);
    expect(slim.cfg.blocks![2].hidden).toBe(0);
    expect([...slim.tensors.keys()].some((k) => k.startsWith('blocks.5.'))).toBe(false);
    // Second prune of the slim model: the MLP of its block 0 and the attention of its (new) block 3 go too.
    const again = sublayerKeep(slim, 0.1, { 0: 'mlp', 3: 'attn' }, 6);
    const twice = await expectSlimEqualsMasked(slim, again.keep, again.scores.blocks, { 0: 'both' });
    expect(twice.cfg.droppedBlocks).toEqual([0, 4]);
    expect(twice.cfg.depth).toBe(4);
  });
});

describe('whole sublayers: score training of the slim model (to prune it again)', () => {
  it('trains the gates that are left (removed sublayers have empty gates) on cpu and wasm alike, leaking no tensor', async () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 3, numHeads: 2, mlpHidden: 32, numClasses: 3 });
    const m = sublayerPruned({ cfg, tensors: randomVitTensors(cfg, { seed: 7, weightStd: 0.3, biasStd: 0.1 }) }, 0.2, { 0: 'attn', 1: 'mlp', 2: 'both' });
    expect(m.cfg.depth).toBe(2);
    const ds = randomDataset(m.cfg, 16);
    const scores = await scoresOnBackend(m.cfg, m.tensors, ds, 'cpu');
    expect(maxAbsDiff(await scoresOnBackend(m.cfg, m.tensors, ds, 'wasm'), scores)).toBeLessThan(1e-4);
    await useCpuBackend();
    const lengths = [0, 1].map((i) => gateLengths(m.cfg, i));
    expect(lengths.map((l) => [l.qkv, l.attn, l.fc1 > 0, l.hidden > 0])).toEqual([[0, 0, true, true], [lengths[1].qkv, lengths[1].attn, false, false]]);
    expect(scores).toHaveLength(lengths.reduce((n, l) => n + l.qkv + l.attn + l.fc1 + l.hidden, 0));
    expect(Math.max(...scores.map((v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3); // the steps moved the scores
    // The weight-magnitude ranking and a score file of the slim model have the same empty gates.
    const magnitude = magnitudeScores(m.cfg, m.tensors);
    expect(GATE_NAMES.map((g) => magnitude.blocks[0][g].length)).toEqual(GATE_NAMES.map((g) => lengths[0][g]));
    const back = readScoreFile(scoreFileBytes(magnitude), m.cfg);
    expect(back.blocks.map((b) => GATE_NAMES.map((g) => b[g].length))).toEqual(lengths.map((l) => GATE_NAMES.map((g) => l[g])));
    const again = pruneModel(m.cfg, m.tensors, back, { rate: 0.3, sublayers: true });
    expect(again.config.depth).toBeLessThanOrEqual(2);
  });
});

describe('whole sublayers: the project format', () => {
  it('a slim model with removed sublayers and a dropped block round-trips (config, tensors, logits)', async () => {
    const demo = await demoModel();
    const { keep, scores } = sublayerKeep(demo, 0.3, { 1: 'attn', 3: 'mlp', 4: 'both' });
    const slim = slimWeights(demo.cfg, demo.tensors, keep, scores.blocks);
    const files = projectModelFiles(slim.config, slim.tensors);
    const json = JSON.parse(files['config.json']);
    expect(json.depth).toBe(5);
    expect(json.dropped_blocks).toEqual([4]);
    const back = importCheckpoint([{ name: 'config.json', bytes: new TextEncoder().encode(files['config.json']) },
      { name: 'model.safetensors', bytes: files['model.safetensors'] }]);
    expect(back.config.blocks).toEqual(slim.config.blocks);
    expect(back.config.droppedBlocks).toEqual([4]);
    expect(maxAbsDiff(await logits(back.config, back.tensors as HostTensors), await logits(slim.config, slim.tensors))).toBe(0);
  });

  it('the export README and report name the removed sublayers and the dropped block; the full costs count 6 blocks', () => {
    const m = sublayerPruned(demoLike);
    const readme = exportReadme(m.cfg, 'demo', prunedFraction(m.cfg), 'onnx');
    expect(readme).toMatch(/Blocks dropped \(both sublayers removed by pruning; indices of the original model\): 4\. This model has 5 of the original 6 blocks\./);
    expect(readme).toMatch(/Attention removed \(the residual passes through\) in blocks 1\./);
    expect(readme).toMatch(/MLP removed \(the residual passes through\) in blocks 3\./);
    const summary = exportSummary(m.cfg, 'demo', prunedFraction(m.cfg), 'onnx') as { dropped_blocks: number[]; full_macs: number; blocks: { attention: boolean }[] };
    expect(summary.dropped_blocks).toEqual([4]);
    expect(summary.full_macs).toBe(modelCost(demoLike.cfg).total.macs);
    expect(summary.blocks.map((b) => b.attention)).toEqual([true, false, true, true, true]);
    expect(prunedFraction(m.cfg)).toBeGreaterThan(prunedFraction(sublayerPruned(demoLike, 0.3, {}).cfg));
  });
});
