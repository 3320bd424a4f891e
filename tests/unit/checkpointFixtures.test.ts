/**
 * Every fixture folder under tests/fixtures (written by tools/make_fixtures.py from PyTorch) imports
 * with the expected config. Numerical parity of the logits is the model's test, not this one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCheckpoint, type CheckpointFile, type ImportedCheckpoint } from '../../src/io/checkpoint';
import type { VitConfig } from '../../src/model/vitConfig';
import { expectedShapes } from '../../src/model/vitWeights';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** All files of a fixture folder (reference.safetensors and gates.safetensors included, as a user would drop them). */
function load(name: string): CheckpointFile[] {
  const dir = path.join(FIXTURES, name);
  return readdirSync(dir).map((file) => ({ name: `${name}/${file}`, bytes: new Uint8Array(readFileSync(path.join(dir, file))) }));
}

const TINY: Partial<VitConfig> = {
  imageSize: [16, 16], patchSize: 4, inChans: 3, embedDim: 24, depth: 2, numHeads: 3, headDim: 8, mlpHidden: 48,
  numClasses: 5, qkvBias: true, distilled: false, blocks: null,
};
const TIMM = { ...TINY, layerNormEps: 1e-6, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], architecture: 'vit_tiny_patch16_224' };
const HF = { ...TINY, layerNormEps: 1e-12, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
const CATS = ['tabby cat', 'tiger cat', 'Persian cat', 'Siamese cat', 'Egyptian cat'];
const BIRDS = ['cock', 'hen', 'ostrich', 'brambling', 'goldfinch'];
const DEIT = { ...HF, distilled: true, classNames: BIRDS, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

function withoutBlocks(cfg: Partial<VitConfig>): Partial<VitConfig> {
  const { blocks: _, ...rest } = cfg;
  return rest;
}

const CASES: [string, ImportedCheckpoint['source'], Partial<VitConfig>][] = [
  ['timm-vit', 'timm', { ...TIMM, classNames: ['tench', 'goldfish', 'great white shark', 'tiger shark', 'hammerhead'] }],
  ['timm-vit-bf16', 'timm', TIMM],
  ['timm-vit-noqkvbias', 'timm', { ...TIMM, numHeads: 2, headDim: 12, qkvBias: false }],
  ['timm-deit-distilled', 'timm', {
    ...TIMM, imageSize: [12, 16], inChans: 1, distilled: true, mean: [0.286], std: [0.353], classNames: BIRDS,
    architecture: 'deit_tiny_distilled_patch16_224',
  }],
  ['hf-v4-vit', 'hf-v4', { ...HF, classNames: CATS, architecture: 'ViTForImageClassification' }],
  ['hf-v4-vit-f16', 'hf-v4', { ...HF, classNames: CATS }],
  ['hf-v4-deit-teacher', 'hf-v4', { ...DEIT, architecture: 'DeiTForImageClassificationWithTeacher' }],
  ['hf-v5-vit', 'hf-v5', { ...HF, classNames: CATS }],
  ['hf-v5-deit-teacher', 'hf-v5', DEIT],
  ['vtp-slim', 'vtp', {
    ...withoutBlocks(TIMM), depth: 3, classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat'],
  }],
];

describe('fixture checkpoints', () => {
  it.each(CASES)('%s imports as %s', (name, source, expected) => {
    const result = importCheckpoint(load(name));
    expect(result.source).toBe(source);
    expect(result.ignoredKeys).toEqual([]);
    expect(result.config).toMatchObject(expected);
    const shapes = expectedShapes(result.config);
    expect([...result.tensors.keys()].sort()).toEqual([...shapes.keys()].sort());
    for (const [key, shape] of shapes) expect(result.tensors.get(key)!.shape, key).toEqual(shape);
  });

  it('vtp-slim keeps its uneven block dims', () => {
    const { config } = importCheckpoint(load('vtp-slim'));
    expect(config.blocks!.map((b) => b.heads)).toEqual([[0, 1, 2], [0, 2], [1]]);
    expect(config.blocks!.map((b) => b.valueWidths)).toEqual([[8, 8, 8], [5, 8], [3]]);
    expect(config.blocks!.map((b) => b.hidden)).toEqual([48, 30, 7]);
    expect(config.blocks![1].qkvIn).toHaveLength(17);
  });

  it.each([['timm-vit-bf16', 'timm-vit', 2 ** -8], ['hf-v4-vit-f16', 'hf-v4-vit', 2 ** -11]])(
    '%s holds the weights of %s rounded to half precision', (half, full, eps) => {
      const a = importCheckpoint(load(half)).tensors;
      const b = importCheckpoint(load(full)).tensors;
      for (const [key, t] of b) {
        const h = a.get(key)!.data;
        for (let i = 0; i < t.data.length; i++) {
          expect(Math.abs(h[i] - t.data[i]), key).toBeLessThanOrEqual(eps * Math.abs(t.data[i]) + 1e-7);
        }
      }
    });
});
