import { describe, expect, it } from 'vitest';
import { folderPart } from '../../src/data/datasetPart';
import type { ImageDataset } from '../../src/data/imageDataset';

/** A dataset whose pixel i is i (so every image is identifiable), `counts[c]` images of class c in class order. */
function dataset(counts: number[]): ImageDataset {
  const labels = Int32Array.from(counts.flatMap((n, c) => Array<number>(n).fill(c)));
  return { pixels: Uint8Array.from(labels.map((_, i) => i)), labels, classNames: counts.map((_, c) => `c${c}`), shape: [1, 1, 1], skipped: [] };
}

describe('folderPart', () => {
  const ds = dataset([10, 20, 5]);
  it('splits every class: the held-out and training parts are disjoint and together all images', () => {
    const val = [...folderPart(ds, 'val').pixels];
    const train = [...folderPart(ds, 'train').pixels];
    expect(val.filter((p) => train.includes(p))).toEqual([]);
    expect([...val, ...train].sort((a, b) => a - b)).toEqual([...ds.pixels]);
    const valLabels = [...folderPart(ds, 'val').labels];
    expect([0, 1, 2].map((c) => valLabels.filter((l) => l === c).length)).toEqual([2, 4, 1]);
  });

  it('test is the held-out part, all is every image, and the seed and fraction choose the split', () => {
    expect([...folderPart(ds, 'test').pixels]).toEqual([...folderPart(ds, 'val').pixels]);
    expect(folderPart(ds, 'all')).toBe(ds);
    expect([...folderPart(ds, 'val', { valFraction: 0.2, seed: 1 }).pixels]).not.toEqual([...folderPart(ds, 'val').pixels]);
    expect(folderPart(ds, 'val', { valFraction: 0.5, seed: 0 }).labels.length).toBe(18);
  });
});
