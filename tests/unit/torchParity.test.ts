import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModelDir } from '../../src/cli/modelDir';
import { readSafetensors } from '../../src/io/safetensors';
import { vitLogits } from '../../src/model/vitForward';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { GATE_NAMES, type BlockGates } from '../../src/model/vitGates';
import { maxAbsDiff, useCpuBackend } from './helpers/backend';

/** Logits tolerance against the PyTorch float64 reference (float32 compute here). */
const TOLERANCE = 1e-4;

const FIXTURES = ['timm-vit', 'timm-vit-bf16', 'timm-vit-noqkvbias', 'timm-deit-distilled', 'hf-v4-vit', 'hf-v4-vit-f16',
  'hf-v4-deit-teacher', 'hf-v5-vit', 'hf-v5-deit-teacher', 'vtp-slim'];

const fixture = (name: string, file = '') => new URL(`../fixtures/${name}/${file}`, import.meta.url).pathname;

function reference(name: string) {
  return readSafetensors(new Uint8Array(readFileSync(fixture(name, 'reference.safetensors')))).tensors;
}

beforeAll(useCpuBackend);

describe('logits match the PyTorch reference within 1e-4', () => {
  for (const name of FIXTURES) {
    it(name, async () => {
      const model = await loadModelDir(fixture(name));
      const ref = reference(name);
      const pixels = ref.get('pixel_values')!;
      const params = vitParams(model.config, model.tensors);
      const x = tf.tensor4d(pixels.data, pixels.shape as [number, number, number, number]);
      const y = vitLogits(params, x);
      expect(y.shape).toEqual(ref.get('logits')!.shape);
      expect(maxAbsDiff(await y.data(), ref.get('logits')!.data)).toBeLessThan(TOLERANCE);
      tf.dispose([x, y]);
      disposeVitParams(params);
    });
  }

  it('timm-vit with VTP gates (gated forward)', async () => {
    const model = await loadModelDir(fixture('timm-vit'));
    const ref = reference('timm-vit');
    const gateFile = readSafetensors(new Uint8Array(readFileSync(fixture('timm-vit', 'gates.safetensors')))).tensors;
    const gates: BlockGates[] = Array.from({ length: model.config.depth }, (_, i) =>
      Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tensor1d(gateFile.get(`blocks.${i}.gate.${g}`)!.data)])));
    const params = vitParams(model.config, model.tensors);
    const pixels = ref.get('pixel_values')!;
    const x = tf.tensor4d(pixels.data, pixels.shape as [number, number, number, number]);
    const y = vitLogits(params, x, gates);
    expect(maxAbsDiff(await y.data(), ref.get('gated_logits')!.data)).toBeLessThan(TOLERANCE);
    expect(maxAbsDiff(await y.data(), ref.get('logits')!.data)).toBeGreaterThan(1e-2); // the gates do matter
    tf.dispose([x, y, ...gates.flatMap((g) => Object.values(g))]);
    disposeVitParams(params);
  });
});
