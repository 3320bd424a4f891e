import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir } from '../../src/cli/modelDir';
import { readSafetensors } from '../../src/io/safetensors';
import { readSampleDataset } from '../../src/data/sampleDataset';
import { normalisedBatch } from '../../src/data/imageDataset';
import { vitLogits } from '../../src/model/vitForward';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { GATE_NAMES, type BlockGates } from '../../src/model/vitGates';
import { seededRandom } from '../../src/model/vitInit';
import { maskedGateValues, pruneModel } from '../../src/prune/pruneModel';
import { onesScores, type ScoreSet } from '../../src/prune/scoreSet';
import type { ImportedCheckpoint } from '../../src/io/checkpoint';
import { maxAbsDiff } from './helpers/backend';
import { useSimdBatchMatMul } from '../../src/model/kernels/wasmBatchMatMul';
import { useColumnGather } from '../../src/model/kernels/wasmColumnGather';

const root = new URL('../../', import.meta.url).pathname;
let model: ImportedCheckpoint;
let images: tf.Tensor4D;

/** VTP-like seeded scores: value and hidden dims spread over (0, 1), residual inputs mostly kept. */
function vtpLikeScores(seed: number): ScoreSet {
  const rand = seededRandom(seed);
  const s = onesScores(model.config);
  for (const b of s.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => rand() + (g === 'qkv' || g === 'fc1' ? 0.6 : 0));
  return s;
}

async function logits(cfg: typeof model.config, tensors: typeof model.tensors, gates?: ScoreSet): Promise<Float32Array> {
  const params = vitParams(cfg, tensors);
  const g: BlockGates[] | undefined = gates?.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((n) => [n, tf.tensor1d(b[n])])));
  const y = vitLogits(params, images, g);
  const out = (await y.data()) as Float32Array;
  tf.dispose([y, ...(g ?? []).flatMap((b) => Object.values(b))]);
  disposeVitParams(params);
  return out;
}

beforeAll(async () => {
  expect(useSimdBatchMatMul()).toBe(true); // the app's wasm kernels, SIMD BatchMatMul included
  expect(useColumnGather()).toBe(true); // and the column gather of kept residual dims
  await tf.setBackend('wasm');
  model = await loadModelDir(root + 'public/models/fmnist-vit-s');
  const { val } = readSampleDataset(new Uint8Array(readFileSync(root + 'public/data/fmnist-sample.safetensors')));
  const indices = Array.from({ length: 256 }, (_, i) => i);
  images = tf.tensor4d(normalisedBatch(val, indices, model.config), [256, 1, 28, 28]); // [256, 1, 28, 28]
});

afterAll(() => images.dispose());

describe('the shipped demo model', () => {
  it('matches its PyTorch logits within 1e-4', async () => {
    const ref = readSafetensors(new Uint8Array(readFileSync(root + 'tests/fixtures/fmnist-vit-s-reference.safetensors'))).tensors;
    const pixels = ref.get('pixel_values')!;
    const params = vitParams(model.config, model.tensors);
    const x = tf.tensor4d(pixels.data, pixels.shape as [number, number, number, number]);
    const y = vitLogits(params, x);
    expect(maxAbsDiff(await y.data(), ref.get('logits')!.data)).toBeLessThan(1e-4);
    tf.dispose([x, y]);
    disposeVitParams(params);
  });

  for (const rate of [0.2, 0.4, 0.6]) {
    for (const [fold, roundTo] of [[true, 1], [false, 1], [true, 8], [false, 8]] as const) {
      it(`slim equals hard-masked on 256 images at rate ${rate}, fold ${fold}, round to ${roundTo}`, async () => {
        const scores = vtpLikeScores(Math.round(rate * 10) + roundTo);
        const slim = pruneModel(model.config, model.tensors, scores, { rate, fold, roundTo });
        const masked = await logits(model.config, model.tensors, maskedGateValues(slim.mask.keep, fold ? scores : null));
        expect(maxAbsDiff(await logits(slim.config, slim.tensors), masked)).toBeLessThan(1e-4);
        expect(slim.after.total.macs / slim.before.total.macs).toBeLessThan(1 - rate * 0.6);
      });
    }
  }

  it('slim equals hard-masked when residual inputs are cut too (trained-score widths: q/k/v and fc1 inputs gathered)', async () => {
    const rand = seededRandom(21);
    const scores = onesScores(model.config);
    for (const b of scores.blocks) for (const g of GATE_NAMES) b[g] = b[g].map(() => 0.8 + 0.3 * rand());
    const slim = pruneModel(model.config, model.tensors, scores, { rate: 0.4 });
    expect(slim.config.blocks!.every((b) => b.qkvIn !== null && b.fc1In !== null)).toBe(true);
    const masked = await logits(model.config, model.tensors, maskedGateValues(slim.mask.keep, scores));
    const before = tf.memory().numTensors;
    const slimLogits = await logits(slim.config, slim.tensors);
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(slimLogits, masked)).toBeLessThan(1e-4);
  });

  it('returns the original model exactly at rate 0', async () => {
    const slim = pruneModel(model.config, model.tensors, vtpLikeScores(1), { rate: 0, fold: false });
    expect(slim.config.blocks).toBeNull();
    expect(maxAbsDiff(await logits(slim.config, slim.tensors), await logits(model.config, model.tensors))).toBe(0);
  });
});
