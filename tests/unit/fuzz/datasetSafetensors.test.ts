import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../../src/data/datasetError';
import { readSampleDataset } from '../../../src/data/sampleDataset';
import { u8Safetensors } from '../../fixtures/data/makeData';
import { mutatedBytes } from './byteMutations';
import { FUZZ_CASES } from './fuzzBudget';
import { fuzz, runCase, split } from './fuzzHarness';
import { hostileValue, jsonText, mutatedJson, RawJson } from './jsonMutations';
import { assemble, parts } from './safetensorsParts';

const pixels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 29) & 0xff);

/** A dataset file like the shipped sample: U8 images [N, H, W] / [N, C, H, W], labels [N], class names. */
const SEED = u8Safetensors([
  { name: 'train_images', shape: [3, 4, 4], data: pixels(48) },
  { name: 'train_labels', shape: [3], data: new Uint8Array([0, 2, 1]) },
  { name: 'val_images', shape: [2, 1, 4, 4], data: pixels(32) },
  { name: 'val_labels', shape: [2], data: new Uint8Array([1, 0]) },
], { class_names: JSON.stringify(['zero', 'one', 'two']) });

const { header, data } = parts(SEED);

/** Both halves, resized to 1×6×6, hold consistent pixels and in-range labels. */
function datasetCase(bytes: Uint8Array): void {
  const outcome = runCase(() => readSampleDataset(bytes, { shape: [1, 6, 6] }, 'data.safetensors'), [DatasetError]);
  if (!outcome.ok) return;
  for (const half of [outcome.value.train, outcome.value.val]) {
    expect(half.pixels.length).toBe(half.labels.length * 36);
    expect(half.labels.every((l) => l >= 0 && l < half.classNames.length)).toBe(true);
  }
}

/** The header as is or edited at the JSON level, often with hostile JSON inside the class_names string. */
const edited = fc.tuple(
  fc.oneof(fc.constant(header).map((h) => structuredClone(h)), mutatedJson([header], [['val_labels', 'shape', 1]], 2)),
  fc.option(hostileValue.map((v) => jsonText(v)), { freq: 3 }),
).map(([h, names]) => {
  if (names !== null && typeof h === 'object' && h !== null && !(h instanceof RawJson)) {
    (h as Record<string, unknown>)['__metadata__'] = { class_names: names };
  }
  return assemble(h, data);
});

describe('fuzz: dataset safetensors (the shipped sample format)', () => {
  it(`survives ${FUZZ_CASES.datasetSafetensors} corrupted dataset files`, () => {
    const [bytes, json] = split(FUZZ_CASES.datasetSafetensors, 2);
    let runs = fuzz(mutatedBytes([SEED]), bytes, datasetCase);
    runs += fuzz(edited, json, datasetCase);
    expect(runs).toBe(FUZZ_CASES.datasetSafetensors);
  });
});
