import { describe, expect, it } from 'vitest';
import { alignClasses } from '../../src/data/alignClasses';
import type { ImageDataset } from '../../src/data/imageDataset';

const ds = (classNames: string[], labels: number[]): ImageDataset => ({
  pixels: new Uint8Array(labels.length), labels: Int32Array.from(labels), classNames, shape: [1, 1, 1], skipped: [],
});

describe('alignClasses', () => {
  it('maps labels onto the model classes by name, whatever the folder order', () => {
    const out = alignClasses(ds(['bag', 'coat'], [0, 1, 1]), ['T-shirt', 'Coat', 'Bag'], 3);
    expect(out.matchedBy).toBe('name');
    expect(Array.from(out.dataset.labels)).toEqual([2, 1, 1]);
    expect(out.dataset.classNames).toEqual(['T-shirt', 'Coat', 'Bag']);
  });

  it('falls back to position with a note when names differ', () => {
    const out = alignClasses(ds(['x', 'y'], [1, 0]), ['a', 'b', 'c'], 3);
    expect(out.matchedBy).toBe('index');
    expect(Array.from(out.dataset.labels)).toEqual([1, 0]);
    expect(out.note).toMatch(/matched by position/);
  });

  it('refuses more dataset classes than model classes', () => {
    expect(() => alignClasses(ds(['a', 'b', 'c'], [0]), null, 2)).toThrow(/3 classes, the model only 2/);
  });
});
