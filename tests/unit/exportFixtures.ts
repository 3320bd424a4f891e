/**
 * Models for the export tests: the demo model (public/models/fmnist-vit-s, when it has been trained
 * and shipped) or random weights on the same architecture, pruned with made-up VTP scores, and the
 * studio's own logits (tfjs cpu backend) as the reference every runtime must reproduce.
 */
import * as tf from '@tensorflow/tfjs-core';
import { existsSync } from 'node:fs';
import { loadModelDir } from '../../src/cli/modelDir';
import type { HostTensors } from '../../src/model/hostTensor';
import { vitConfig, type VitConfig } from '../../src/model/vitConfig';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES } from '../../src/model/vitGates';
import { randomVitTensors, seededNormal, seededRandom } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { pruneModel } from '../../src/prune/pruneModel';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import { pruneMask } from '../../src/prune/pruneMask';
import { slimWeights, type BlockKeep } from '../../src/prune/slimWeights';

/** A config and its canonical weights. */
export interface TestModel { cfg: VitConfig; tensors: HostTensors }

/** Where the demo model is shipped (timm layout); VTP_DEMO_DIR overrides it (a folder path ending in /). */
export const DEMO_DIR = process.env.VTP_DEMO_DIR ?? new URL('../../public/models/fmnist-vit-s/', import.meta.url).pathname;

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** The demo architecture: 28x28x1, patch 4, D 128, 6 blocks, 4 heads, MLP 512, 10 classes. */
export function demoConfig(partial: Partial<VitConfig> = {}): VitConfig {
  return vitConfig({
    imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10,
    classNames: FASHION, mean: [0.286], std: [0.353], architecture: 'fmnist-vit-s', ...partial,
  });
}

/** True when the trained demo model is present. */
export function hasDemoModel(): boolean {
  return existsSync(DEMO_DIR + 'config.json') && existsSync(DEMO_DIR + 'model.safetensors');
}

/** The trained demo model when shipped, else random weights on its architecture (weights N(0, 0.05), biases N(0, 0.02)). */
export async function demoModel(): Promise<TestModel> {
  if (hasDemoModel()) {
    const m = await loadModelDir(DEMO_DIR);
    return { cfg: m.config, tensors: m.tensors };
  }
  const cfg = demoConfig();
  return { cfg, tensors: randomVitTensors(cfg, { seed: 7, weightStd: 0.05, biasStd: 0.02 }) };
}

/** A random distilled model on the demo architecture (DeiT-style second head). */
export function distilledModel(): TestModel {
  const cfg = demoConfig({ distilled: true, architecture: 'fmnist-deit-s-distilled' });
  return { cfg, tensors: randomVitTensors(cfg, { seed: 8, weightStd: 0.05, biasStd: 0.02 }) };
}

/** A tiny odd model: 10x9 images cropped to whole 4-pixel patches, 2 channels, no q/k/v biases. */
export function oddModel(): TestModel {
  const cfg = vitConfig({
    imageSize: [10, 9], patchSize: 4, inChans: 2, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 24, numClasses: 3,
    qkvBias: false, layerNormEps: 1e-12, mean: [0.5, 0.5], std: [0.5, 0.5], architecture: 'odd-vit',
  });
  return { cfg, tensors: randomVitTensors(cfg, { seed: 9, weightStd: 0.3, biasStd: 0.1 }) };
}

/**
 * Made-up positive VTP scores: value and hidden dims in (0.05, 1.05), residual gates (qkv, fc1)
 * in (0.35, 1.35) so that they are pruned less often but still sometimes (gathers get exercised).
 */
export function randomScores(cfg: VitConfig, seed: number): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(cfg);
  for (const b of s.blocks) {
    for (const g of GATE_NAMES) b[g] = b[g].map(() => 0.05 + rand() + (g === 'qkv' || g === 'fc1' ? 0.3 : 0));
  }
  return s;
}

/** The model pruned at `rate` with random scores (folded); `dropHead` sends one head of block 1 to ~0. */
export function pruned(m: TestModel, rate: number, opts: { roundTo?: number; dropHead?: boolean; seed?: number } = {}): TestModel {
  const scores = randomScores(m.cfg, opts.seed ?? 3);
  if (opts.dropHead) {
    const hd = m.cfg.headDim;
    scores.blocks[1].attn.fill(1e-4, 2 * hd, 3 * hd); // every value dim of head 2 in block 1
  }
  const p = pruneModel(m.cfg, m.tensors, scores, { rate, fold: true, roundTo: opts.roundTo ?? 1 });
  return { cfg: p.config, tensors: p.tensors };
}

/** Seeded normal images [B, C, H, W] (already "normalised"). */
export function testImages(cfg: VitConfig, batch: number, seed = 11): { data: Float32Array; shape: [number, number, number, number] } {
  const normal = seededNormal(seed);
  const shape: [number, number, number, number] = [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]];
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => normal()), shape };
}

/** The studio's slim logits [B, classes] (row-major) on the current tfjs backend. */
export async function studioLogits(m: TestModel, images: { data: Float32Array; shape: [number, number, number, number] }): Promise<Float32Array> {
  const params = vitParams(m.cfg, m.tensors);
  const x = tf.tensor4d(images.data, images.shape);
  const y = vitLogits(params, x);
  const out = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  disposeVitParams(params);
  return out;
}

/** Parameter count of a model: the number of float values in its canonical tensors. */
export function paramCount(m: TestModel): number {
  let n = 0;
  for (const t of m.tensors.values()) n += t.data.length;
  return n;
}

/** Sublayers to remove per (current) block index: 'attn', 'mlp' or 'both' (the block is dropped). */
export type SublayerPlan = Record<number, 'attn' | 'mlp' | 'both'>;

/** The keep mask of pruning `m` at `rate` with random scores, with the sublayers of `plan` removed whole (both gates of each). */
export function sublayerKeep(m: TestModel, rate: number, plan: SublayerPlan, seed = 5): { keep: BlockKeep[]; scores: ScoreSet } {
  const scores = randomScores(m.cfg, seed);
  const keep = pruneMask(scores, { rate }).keep;
  for (const [b, what] of Object.entries(plan)) {
    const k = keep[Number(b)];
    if (what !== 'mlp') { k.qkv.fill(false); k.attn.fill(false); }
    if (what !== 'attn') { k.fc1.fill(false); k.hidden.fill(false); }
  }
  return { keep, scores };
}

/** `m` pruned at `rate` (folded) with the sublayers of `plan` removed: default, attention of block 1, MLP of block 3, block 4 dropped. */
export function sublayerPruned(m: TestModel, rate = 0.3, plan: SublayerPlan = { 1: 'attn', 3: 'mlp', 4: 'both' }): TestModel {
  const { keep, scores } = sublayerKeep(m, rate, plan);
  const slim = slimWeights(m.cfg, m.tensors, keep, scores.blocks);
  return { cfg: slim.config, tensors: slim.tensors };
}
