import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/datasetError';
import { classCounts, stratifiedSplit, stratifiedSplitIndices } from '../../src/data/datasetSplit';
import type { ImageDataset } from '../../src/data/imageDataset';

function dataset(counts: number[]): ImageDataset {
  const labels = Int32Array.from(counts.flatMap((n, c) => new Array(n).fill(c)));
  const pixels = Uint8Array.from(labels, (_, i) => i % 256);
  return { pixels, labels, classNames: counts.map((_, i) => `c${i}`), shape: [1, 1, 1], skipped: [{ file: 'x', reason: 'y' }] };
}

describe('stratifiedSplit', () => {
  it('keeps class proportions, is seeded and covers every index once', () => {
    const ds = dataset([100, 50, 10, 1]);
    const { train, val } = stratifiedSplit(ds, 0.2, 7);
    expect(classCounts(val)).toEqual([20, 10, 2, 0]);
    expect(classCounts(train)).toEqual([80, 40, 8, 1]);
    const a = stratifiedSplitIndices(ds.labels, 0.2, 7);
    const b = stratifiedSplitIndices(ds.labels, 0.2, 7);
    const c = stratifiedSplitIndices(ds.labels, 0.2, 8);
    expect(a).toEqual(b);
    expect([...a.val]).not.toEqual([...c.val]);
    expect([...a.train, ...a.val].sort((x, y) => x - y)).toEqual(Array.from({ length: 161 }, (_, i) => i));
    expect(train.skipped).toEqual(ds.skipped);
    expect(val.pixels[0]).toBe(ds.pixels[a.val[0]]);
  });

  it('puts at least one image of a class of 2+ in validation but never all', () => {
    const { val, train } = stratifiedSplitIndices(Int32Array.from([0, 0, 1, 1, 1]), 0.01);
    expect(val.length).toBe(2);
    expect(train.length).toBe(3);
    expect(stratifiedSplitIndices(Int32Array.from([0, 0]), 0.99).train.length).toBe(1);
  });

  it('rejects fractions outside (0, 1)', () => {
    for (const f of [0, 1, -0.5, Number.NaN]) expect(() => stratifiedSplitIndices([0, 1], f)).toThrow(DatasetError);
  });
});
