import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { maybeGunzip } from '../../src/data/archive';
import { DatasetError } from '../../src/data/datasetError';
import { classCounts } from '../../src/data/datasetSplit';
import { FASHION_MNIST_CLASSES, findIdxPair, isIdxName, loadIdxDataset, parseIdx } from '../../src/data/idxDataset';
import { loadDataset } from '../../src/data/loadDataset';
import type { NamedBytes } from '../../src/data/namedBytes';
import { idxBytes, noise } from '../fixtures/data/makeData';

/** N images of h×w where image i is filled with value 10*i, and labels i % classes. */
function idxPair(prefix: string, n: number, h: number, w: number, gzip = false, classes = 3): NamedBytes[] {
  const images = new Uint8Array(n * h * w);
  for (let i = 0; i < n; i++) images.fill(10 * i, i * h * w, (i + 1) * h * w);
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  const ext = gzip ? '.gz' : '';
  return [
    { name: `${prefix}-images-idx3-ubyte${ext}`, bytes: idxBytes([n, h, w], images, gzip) },
    { name: `${prefix}-labels-idx1-ubyte${ext}`, bytes: idxBytes([n], labels, gzip) },
  ];
}

function expectDatasetError(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a DatasetError');
}

describe('parseIdx', () => {
  it('reads dims and data, gzipped or not', () => {
    for (const gz of [false, true]) {
      const parsed = parseIdx(idxBytes([2, 1, 3], [1, 2, 3, 4, 5, 6], gz), 'x');
      expect(parsed.dims).toEqual([2, 1, 3]);
      expect([...parsed.data]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('rejects bad magic, other element types, truncated headers and wrong byte counts', () => {
    expectDatasetError(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5]), 'a'), 'format', /magic/);
    expectDatasetError(() => parseIdx(new Uint8Array(0), 'a'), 'format', /magic/);
    expectDatasetError(() => parseIdx(new Uint8Array([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), 'a'), 'format', /element type/);
    expectDatasetError(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0]), 'a'), 'format', /truncated/);
    const good = idxBytes([2, 2, 2], new Array(8).fill(1));
    expectDatasetError(() => parseIdx(good.subarray(0, good.length - 1), 'a'), 'mismatch', /truncated or corrupt/);
    const extra = new Uint8Array(good.length + 1);
    extra.set(good);
    expectDatasetError(() => parseIdx(extra, 'a'), 'mismatch');
  });

  it('rejects corrupt gzip and gzip whose declared size is over the cap', () => {
    const gz = idxBytes([4], [1, 2, 3, 4], true);
    const corrupt = gz.slice();
    corrupt.fill(0xff, 10, gz.length - 8);
    expectDatasetError(() => parseIdx(corrupt, 'c.gz'), 'format', /gzip/);
    expectDatasetError(() => parseIdx(gz.subarray(0, 12), 'c.gz'), 'format', /truncated gzip/);
    const bomb = gzipSync(new Uint8Array(100_000));
    expectDatasetError(() => maybeGunzip(bomb, 'bomb.gz', 50_000), 'too-large', /limit/);
  });
});

describe('loadIdxDataset', () => {
  it('picks the split by name and resizes to the target', () => {
    const files = [...idxPair('train', 4, 2, 2), ...idxPair('t10k', 3, 2, 2, true)];
    expect(findIdxPair(files).split).toBe('train');
    const test = loadIdxDataset(files, [1, 2, 2], { split: 'test' });
    expect(test.labels.length).toBe(3);
    expect([...test.pixels.subarray(4, 8)]).toEqual([10, 10, 10, 10]);
    const big = loadIdxDataset(files, [3, 4, 4], { split: 'train' });
    expect(big.shape).toEqual([3, 4, 4]);
    expect(big.pixels.length).toBe(4 * 3 * 16);
    expect(new Set(big.pixels.subarray(3 * 48, 4 * 48))).toEqual(new Set([30]));
    expect([...big.labels]).toEqual([0, 1, 2, 0]);
    expect(isIdxName('data/train-images.idx3-ubyte')).toBe(true);
    expect(isIdxName('cat/001.png')).toBe(false);
  });

  it('defaults to the test split when only t10k files exist', () => {
    expect(findIdxPair(idxPair('t10k', 2, 1, 1)).split).toBe('test');
  });

  it('names classes: given, Fashion-MNIST by path hint or brightness, else digits', () => {
    const pair = (prefix: string, value: number) => {
      const n = 10;
      return [
        { name: `${prefix}train-images-idx3-ubyte`, bytes: idxBytes([n, 28, 28], new Uint8Array(n * 784).fill(value)) },
        { name: `${prefix}train-labels-idx1-ubyte`, bytes: idxBytes([n], Array.from({ length: n }, (_, i) => i)) },
      ];
    };
    expect(loadIdxDataset(pair('fashion-mnist/', 0), [1, 28, 28]).classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(loadIdxDataset(pair('mnist/', 200), [1, 28, 28]).classNames[3]).toBe('3');
    expect(loadIdxDataset(pair('', 80), [1, 28, 28]).classNames).toEqual(FASHION_MNIST_CLASSES);
    expect(loadIdxDataset(pair('', 30), [1, 28, 28]).classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const names = 'abcdefghij'.split('');
    expect(loadIdxDataset(pair('', 0), [1, 28, 28], { classNames: names }).classNames).toEqual(names);
    expectDatasetError(() => loadIdxDataset(pair('', 0), [1, 28, 28], { classNames: ['a', 'b'] }), 'labels', /label 9/);
    expectDatasetError(() => loadIdxDataset(pair('', 0), [1, 28, 28], { classNames: ['a'] }), 'options');
  });

  it('rejects missing files, count mismatches and swapped files', () => {
    const [images, labels] = idxPair('train', 4, 2, 2);
    expectDatasetError(() => loadIdxDataset([images], [1, 2, 2]), 'missing-file', /train-labels-idx1-ubyte/);
    expectDatasetError(() => loadIdxDataset([labels], [1, 2, 2]), 'missing-file', /train-images-idx3-ubyte/);
    expectDatasetError(() => loadIdxDataset(idxPair('train', 2, 1, 1), [1, 1, 1], { split: 'test' }), 'missing-file', /t10k/);
    const fewer = { name: labels.name, bytes: idxBytes([3], [0, 1, 2]) };
    expectDatasetError(() => loadIdxDataset([images, fewer], [1, 2, 2]), 'mismatch', /4 images .* 3 labels/);
    const swapped = [{ name: images.name, bytes: labels.bytes }, { name: labels.name, bytes: images.bytes }];
    expectDatasetError(() => loadIdxDataset(swapped, [1, 2, 2]), 'format', /0x00000803/);
    const garbage = [{ name: images.name, bytes: noise(100) }, labels];
    expect(() => loadIdxDataset(garbage, [1, 2, 2])).toThrow(DatasetError);
  });

  it('goes through loadDataset, also from a zip', async () => {
    const { zipSync } = await import('fflate');
    const files = idxPair('train', 5, 3, 3, true);
    const zip = zipSync(Object.fromEntries(files.map((f) => [`mnist/${f.name}`, f.bytes])));
    const ds = loadDataset([{ name: 'mnist.zip', bytes: zip }], { shape: [1, 3, 3] });
    expect(ds.labels.length).toBe(5);
    expect(ds.classNames.length).toBe(10);
  });
});

const REAL = '/usr/share/datasets/fashion-mnist';
const hasReal = existsSync(`${REAL}/t10k-images-idx3-ubyte.gz`) && existsSync(`${REAL}/t10k-labels-idx1-ubyte.gz`);

describe('real Fashion-MNIST', () => {
  it.skipIf(!hasReal)('reads the 10,000 test images with 1,000 per class', () => {
    const files = ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']
      .map((name) => ({ name, bytes: new Uint8Array(readFileSync(`${REAL}/${name}`)) }));
    const ds = loadIdxDataset(files, [1, 28, 28], { split: 'test' });
    expect(ds.labels.length).toBe(10_000);
    expect(ds.pixels.length).toBe(10_000 * 784);
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASSES); // no path hint: recognised by brightness
    expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
  });
});
