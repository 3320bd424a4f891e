import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { codeOf } from './helpers/datasetErrorCode';
import { classCounts } from '../../src/data/datasetSplit';
import { FASHION_MNIST_CLASSES } from '../../src/data/idxDataset';
import { detectDatasetKind, loadDataset } from '../../src/data/loadDataset';
import { isDatasetSafetensors, readSampleDataset } from '../../src/data/sampleDataset';
import { u8Safetensors, type RawTensor } from '../fixtures/data/makeData';

const NAMES = JSON.stringify(['zero', 'one', 'two']);

/** A sample file with nTrain/nVal 2×2 images; image i is filled with i, label i % 3. */
function sample(nTrain = 6, nVal = 3, override: Partial<Record<string, Partial<RawTensor>>> = {}, meta: Record<string, string> | null = { class_names: NAMES }) {
  const images = (n: number) => Uint8Array.from({ length: n * 4 }, (_, k) => Math.floor(k / 4));
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 3);
  const tensors: RawTensor[] = [
    { name: 'train_images', shape: [nTrain, 2, 2], data: images(nTrain) },
    { name: 'train_labels', shape: [nTrain], data: labels(nTrain) },
    { name: 'val_images', shape: [nVal, 2, 2], data: images(nVal) },
    { name: 'val_labels', shape: [nVal], data: labels(nVal) },
  ].map((t) => ({ ...t, ...override[t.name] }));
  return u8Safetensors(tensors.filter((t) => t.shape.length > 0), meta ?? undefined);
}

describe('readSampleDataset', () => {
  it('reads train and val halves with class names, at their own size or resized', () => {
    const { train, val } = readSampleDataset(sample());
    expect(train.shape).toEqual([1, 2, 2]);
    expect(train.classNames).toEqual(['zero', 'one', 'two']);
    expect([...train.labels]).toEqual([0, 1, 2, 0, 1, 2]);
    expect([...train.pixels.subarray(20, 24)]).toEqual([5, 5, 5, 5]);
    expect(val.labels.length).toBe(3);
    const big = readSampleDataset(sample(), { shape: [3, 4, 4] });
    expect(big.train.pixels.length).toBe(6 * 48);
    expect(new Set(big.train.pixels.subarray(5 * 48))).toEqual(new Set([5]));
  });

  it('accepts [N, C, H, W] images and falls back to numeric class names', () => {
    const chw = { train_images: { shape: [2, 3, 2, 2], data: new Uint8Array(24).fill(7) }, train_labels: { shape: [2], data: Uint8Array.from([0, 1]) } };
    const { train } = readSampleDataset(sample(2, 3, chw, null), { shape: [1, 2, 2] });
    expect(new Set(train.pixels)).toEqual(new Set([7]));
    expect(train.classNames).toEqual(['0', '1', '2']);
  });

  it('refuses missing tensors, wrong dtypes, shapes, counts, labels and class names', () => {
    expect(codeOf(() => readSampleDataset(sample(6, 3, { val_labels: { shape: [] } })))).toBe('format');
    expect(codeOf(() => readSampleDataset(sample(6, 3, { train_labels: { dtype: 'I8' } })))).toBe('format');
    expect(codeOf(() => readSampleDataset(sample(6, 3, { train_labels: { shape: [5], data: new Uint8Array(5) } })))).toBe('mismatch');
    expect(codeOf(() => readSampleDataset(sample(6, 3, { train_images: { shape: [6, 4], data: new Uint8Array(24) } })))).toBe('mismatch');
    expect(codeOf(() => readSampleDataset(sample(6, 3, { val_labels: { data: Uint8Array.from([0, 1, 3]) } })))).toBe('labels');
    expect(codeOf(() => readSampleDataset(sample(6, 3, {}, { class_names: '[oops' })))).toBe('format');
    expect(codeOf(() => readSampleDataset(sample(6, 3, {}, { class_names: '["only"]' })))).toBe('classes');
    expect(codeOf(() => readSampleDataset(sample(0, 3)))).toBe('empty');
    expect(codeOf(() => readSampleDataset(new Uint8Array([1, 2, 3])))).toBe('format');
    expect(codeOf(() => readSampleDataset(sample().subarray(0, 100)))).toBe('format');
    expect(isDatasetSafetensors(new Uint8Array(3))).toBe(false);
  });

  it('is detected by loadDataset; split test gives the val half', () => {
    const files = [{ name: 'my-data.safetensors', bytes: sample() }];
    expect(detectDatasetKind(files)).toBe('safetensors');
    expect(loadDataset(files, { shape: [1, 2, 2] }).labels.length).toBe(6);
    expect(loadDataset(files, { shape: [1, 2, 2] }, { split: 'test' }).labels.length).toBe(3);
  });
});

const SHIPPED = 'public/data/fmnist-sample.safetensors';

describe('shipped sample', () => {
  it.skipIf(!existsSync(SHIPPED))('has 2,000 train and 1,000 val Fashion-MNIST images', () => {
    const { train, val } = readSampleDataset(new Uint8Array(readFileSync(SHIPPED)), { shape: [1, 28, 28] });
    expect(train.labels.length).toBe(2000);
    expect(val.labels.length).toBe(1000);
    expect(train.classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(classCounts(train).every((c) => c > 0)).toBe(true);
  });
});
