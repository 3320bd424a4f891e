import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/data/datasetError';
import { classCounts, stratifiedSplit, stratifiedSplitIndices } from '../../src/data/datasetSplit';
import type { ImageDataset } from '../../src/data/imageDataset';
import { stratifiedOrder } from '../../src/data/stratifiedOrder';

/** Largest gap, over every prefix and class, between the class's count in the prefix and its proportional share. */
function worstPrefixGap(labels: ArrayLike<number>, order: ArrayLike<number>, classes: number): number {
  const total = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) total[labels[i]] += 1;
  const seen = new Array<number>(classes).fill(0);
  let worst = 0;
  for (let k = 0; k < order.length; k++) {
    seen[labels[order[k]]] += 1;
    for (let c = 0; c < classes; c++) worst = Math.max(worst, Math.abs(seen[c] - ((k + 1) * total[c]) / labels.length));
  }
  return worst;
}

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

  it('orders validation so that every prefix is stratified (a folder sorted by class is interleaved)', () => {
    const ds = dataset([300, 150, 40, 10]); // labels sorted by class, as an uploaded folder
    const { val } = stratifiedSplitIndices(ds.labels, 0.5, 3);
    const valLabels = Int32Array.from(val, (i) => ds.labels[i]);
    expect(worstPrefixGap(valLabels, Array.from(valLabels, (_, i) => i), 4)).toBeLessThan(2);
    expect(new Set(Array.from(valLabels.subarray(0, 10))).size).toBeGreaterThanOrEqual(2); // sorted by class, all 10 would be class 0
  });

  it('stratifiedOrder: a seeded permutation whose every prefix is within two images per class of proportional', () => {
    const labels = dataset([500, 250, 120, 7, 1]).labels;
    const order = stratifiedOrder(labels, 5);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from(labels, (_, i) => i));
    expect(worstPrefixGap(labels, order, 5)).toBeLessThan(2);
    expect(worstPrefixGap(labels, Array.from(labels, (_, i) => i), 5)).toBeGreaterThan(100); // the sorted order is not
    expect([...stratifiedOrder(labels, 5)]).toEqual([...order]);
    expect([...stratifiedOrder(labels, 6)]).not.toEqual([...order]);
  });

  it('rejects fractions outside (0, 1)', () => {
    for (const f of [0, 1, -0.5, Number.NaN]) expect(() => stratifiedSplitIndices([0, 1], f)).toThrow(DatasetError);
  });
});
