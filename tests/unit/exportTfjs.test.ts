/**
 * TF.js export verified by TensorFlow.js's own loader: tf.loadGraphModel over the exported
 * model.json + shard (from memory) must reproduce the studio's slim logits within 1e-4.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { META } from '../../src/io/export/exportMetadata';
import { TFJS_SHARD, tfjsModelFiles, type TfjsModelJson } from '../../src/io/export/tfjsExport';
import type { KeptInputs } from '../../src/io/export/tfjsVitGraph';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';
import { demoModel, distilledModel, oddModel, pruned, studioLogits, sublayerPruned, testImages, type TestModel } from './exportFixtures';

const TOLERANCE = 1e-4;

let demo: TestModel;

beforeAll(async () => {
  await useCpuBackend();
  demo = await demoModel();
});

/** Loads the exported files with the standard loader (an IOHandler from memory, as from disk or HTTP). */
async function load(m: TestModel, keptInputs?: KeptInputs): Promise<{ model: tf.GraphModel; json: TfjsModelJson }> {
  const files = tfjsModelFiles(m.cfg, m.tensors, { report: { note: 'test' }, keptInputs });
  const json = JSON.parse(files['model.json']) as TfjsModelJson;
  const shard = files[TFJS_SHARD];
  expect(json.weightsManifest[0].paths).toEqual([TFJS_SHARD]);
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy,
    weightSpecs: json.weightsManifest[0].weights, weightData: shard.slice().buffer,
    signature: json.signature, userDefinedMetadata: json.userDefinedMetadata,
  }));
  return { model, json };
}

/** Exports, loads and runs `m` on `batch` images (and the first of them alone), comparing with the studio. */
async function checkAgainstStudio(m: TestModel, batch: number, keptInputs?: KeptInputs): Promise<tf.GraphModel> {
  const { model } = await load(m, keptInputs);
  const images = testImages(m.cfg, batch);
  const expected = await studioLogits(m, images);
  for (const b of [batch, 1]) {
    const x = tf.tensor4d(images.data.slice(0, (images.data.length / batch) * b), [b, ...images.shape.slice(1)] as [number, number, number, number]);
    const y = model.execute({ pixel_values: x }, 'logits') as tf.Tensor;
    expect(y.shape).toEqual([b, m.cfg.numClasses]);
    expect(maxAbsDiff(await y.data(), expected.subarray(0, b * m.cfg.numClasses))).toBeLessThan(TOLERANCE);
    tf.dispose([x, y]);
  }
  return model;
}

describe('TF.js graph model export: tf.loadGraphModel reproduces the studio logits', () => {
  it('rate 0 (full model)', async () => {
    const model = await checkAgainstStudio(demo, 2);
    expect(model.inputs[0].name).toBe('pixel_values');
    expect((model.metadata as Record<string, unknown>)[META.classNames]).toHaveLength(10);
    model.dispose();
  });

  it('rate 0.4', async () => {
    (await checkAgainstStudio(pruned(demo, 0.4), 2)).dispose();
  });

  it('rate 0.7 (uneven heads, pruned residual inputs), kept inputs as zero-row weights (default) and by GatherV2', async () => {
    const m = pruned(demo, 0.7);
    expect(m.cfg.blocks!.some((b) => b.qkvIn !== null)).toBe(true);
    const widened = await checkAgainstStudio(m, 2);
    const ops = (mode?: KeptInputs) => JSON.parse(tfjsModelFiles(m.cfg, m.tensors, { keptInputs: mode })['model.json']).modelTopology.node.map((n: { op: string }) => n.op);
    expect(ops().filter((op: string) => op === 'GatherV2').length).toBeLessThan(ops('gather').filter((op: string) => op === 'GatherV2').length);
    widened.dispose();
    (await checkAgainstStudio(m, 2, 'gather')).dispose();
  });

  it('a distilled model with a dropped head, pruned at 0.4', async () => {
    const m = pruned(distilledModel(), 0.4, { dropHead: true });
    expect(m.cfg.blocks![1].heads).toHaveLength(3);
    (await checkAgainstStudio(m, 2)).dispose();
  });

  it('a tiny model without q/k/v biases on images cropped to whole patches, pruned at 0.5', async () => {
    (await checkAgainstStudio(pruned(oddModel(), 0.5), 3)).dispose();
  });

  it('whole sublayers: a removed attention, a removed MLP and a dropped block; a distilled model with its first attention removed', async () => {
    (await checkAgainstStudio(sublayerPruned(demo), 2)).dispose();
    (await checkAgainstStudio(sublayerPruned(distilledModel(), 0.2, { 0: 'attn', 5: 'both' }), 2)).dispose();
  });

  it('model.json is a graph model whose weights all come from the one shard', async () => {
    const m = pruned(demo, 0.4);
    const files = tfjsModelFiles(m.cfg, m.tensors);
    const json = JSON.parse(files['model.json']) as TfjsModelJson;
    expect(json.format).toBe('graph-model');
    const consts = json.modelTopology.node.filter((n) => n.op === 'Const').map((n) => n.name);
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toEqual(consts);
    const bytes = json.weightsManifest[0].weights.reduce((n, w) => n + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    expect(files[TFJS_SHARD].length).toBe(bytes);
    expect(json.modelTopology.node.filter((n) => n.op === 'Softmax')).toHaveLength(m.cfg.depth);
  });
});
