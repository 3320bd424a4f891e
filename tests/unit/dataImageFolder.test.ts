import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { codeOf } from './helpers/datasetErrorCode';
import { unsafeZipPath } from '../../src/data/archive';
import { classCounts } from '../../src/data/datasetSplit';
import { imageHeaderProblem, jpegSize } from '../../src/data/imageHeader';
import { imageFolderLayout, loadImageFolder, type ImageDecoder } from '../../src/data/imageFolder';
import { detectDatasetKind, loadDataset } from '../../src/data/loadDataset';
import type { NamedBytes } from '../../src/data/namedBytes';
import { readNodeFiles } from '../../src/data/nodeFiles';
import { nodeImageDecoder } from '../../src/data/nodeImageDecoder';
import { forgedPngHeader, grayPngBytes, jpegBytes, noise, pngBytes, zipBytes } from '../fixtures/data/makeData';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/data/tiny-folder');
const solid = (v: number) => pngBytes(4, 4, () => [v, v, v, 255]);
const file = (name: string, bytes: Uint8Array): NamedBytes => ({ name, bytes });
const opts = { decoder: nodeImageDecoder };

describe('loadImageFolder', () => {
  it('sorts classes alphabetically, strips the common root and decodes PNG and JPEG', () => {
    const files = [
      file('pets/dog/b.png', solid(200)), file('pets/cat/x.jpg', jpegBytes(8, 8, () => [100, 100, 100, 255])),
      file('pets/dog/a.png', solid(50)), file('pets/bird/1.png', grayPngBytes(2, 2, [10, 10, 10, 10])),
    ];
    const ds = loadImageFolder(files, [1, 4, 4], opts);
    expect(ds.classNames).toEqual(['bird', 'cat', 'dog']);
    expect([...ds.labels]).toEqual([0, 1, 2, 2]);
    expect(ds.pixels[0]).toBe(10);
    expect(Math.abs(ds.pixels[16] - 100)).toBeLessThanOrEqual(2);
    expect([ds.pixels[32], ds.pixels[48]]).toEqual([50, 200]); // dog/a before dog/b
    expect(ds.skipped).toEqual([]);
    expect(loadImageFolder(files, [3, 2, 2], opts).pixels.length).toBe(4 * 12);
  });

  it('skips bad files with reasons, ignores hidden ones, never decodes absurd headers', () => {
    const decoder = vi.fn(nodeImageDecoder);
    const truncated = solid(9).subarray(0, 40);
    const files = [
      file('a/ok.png', solid(1)), file('b/ok.png', solid(2)), file('a/empty.png', new Uint8Array(0)),
      file('a/readme.txt', new TextEncoder().encode('hello')), file('a/noise.jpg', noise(64)),
      file('b/huge.png', forgedPngHeader(20000, 20000)), file('b/trunc.png', truncated),
      file('b/anim.gif', new TextEncoder().encode('GIF89a....')), file('a/.DS_Store', noise(10)),
      file('__MACOSX/a/._ok.png', noise(10)), file('b/zero.png', forgedPngHeader(0, 5)), file('loose.png', solid(3)),
    ];
    const ds = loadImageFolder(files, [1, 4, 4], { decoder });
    expect(ds.labels.length).toBe(2);
    const reasons = Object.fromEntries(ds.skipped.map((s) => [s.file, s.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      ['a/empty.png', 'a/noise.jpg', 'a/readme.txt', 'b/anim.gif', 'b/huge.png', 'b/trunc.png', 'b/zero.png', 'loose.png']);
    expect(reasons['a/empty.png']).toMatch(/0 bytes/);
    expect(reasons['a/readme.txt']).toMatch(/not a PNG or JPEG/);
    expect(reasons['b/huge.png']).toMatch(/20000×20000.*limit/);
    expect(reasons['b/trunc.png']).toMatch(/could not decode/);
    expect(reasons['b/anim.gif']).toMatch(/GIF/);
    expect(reasons['loose.png']).toMatch(/not inside a class folder/);
    expect(decoder.mock.calls.map((c) => c[1]).sort()).toEqual(['a/ok.png', 'b/ok.png', 'b/trunc.png']);
  });

  it('skips decoder failures and inconsistent decoder output', () => {
    const decoder: ImageDecoder = (bytes, name) => {
      if (name.includes('throws')) throw new Error('boom');
      if (name.includes('short')) return { width: 4, height: 4, channels: 4, data: new Uint8Array(3) };
      return nodeImageDecoder(bytes, name);
    };
    const files = [file('a/1.png', solid(1)), file('a/throws.png', solid(1)), file('b/short.png', solid(1)), file('b/2.png', solid(2))];
    const ds = loadImageFolder(files, [1, 2, 2], { decoder });
    expect(ds.skipped.map((s) => s.reason)).toEqual(['could not decode: boom', expect.stringMatching(/3 bytes/)]);
  });

  it('refuses fewer than 2 classes, no images, and empty class folders', () => {
    expect(codeOf(() => loadImageFolder([file('cat/1.png', solid(1)), file('cat/2.png', solid(1))], [1, 2, 2], opts))).toBe('empty');
    expect(codeOf(() => loadImageFolder([file('x/cat/1.png', solid(1)), file('x/notes.txt', noise(3))], [1, 2, 2], opts))).toBe('classes');
    expect(codeOf(() => loadImageFolder([], [1, 2, 2], opts))).toBe('empty');
    expect(codeOf(() => loadImageFolder([file('.DS_Store', noise(4))], [1, 2, 2], opts))).toBe('empty');
    expect(codeOf(() => loadImageFolder([file('a/1.txt', noise(4)), file('b/1.txt', noise(4))], [1, 2, 2], opts))).toBe('empty');
    const emptyFolder = [file('a/1.png', solid(1)), file('b/1.png', solid(1)), file('c/', new Uint8Array(0))];
    expect(imageFolderLayout(emptyFolder).classNames).toEqual(['a', 'b', 'c']);
    expect(codeOf(() => loadImageFolder(emptyFolder, [1, 2, 2], opts))).toBe('classes');
    const allBad = [file('a/1.png', solid(1)), file('b/1.png', solid(1)), file('c/1.png', noise(9))];
    expect(() => loadImageFolder(allBad, [1, 2, 2], opts)).toThrow(/"c".*no usable/);
  });
});

describe('image headers', () => {
  it('reads JPEG frame sizes and caps megapixels', () => {
    expect(jpegSize(jpegBytes(7, 5, () => [0, 0, 0, 255]))).toEqual({ width: 7, height: 5 });
    expect(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
    expect(imageHeaderProblem(forgedPngHeader(100, 100), 5000)).toMatch(/limit/);
    expect(imageHeaderProblem(forgedPngHeader(100, 100))).toBeNull();
  });
});

describe('zips and the Node folder reader', () => {
  it('loads a zip of class folders and refuses unsafe entry paths', () => {
    const zip = zipBytes({ 'data/a/1.png': solid(1), 'data/b/1.png': solid(2), 'data/b/2.png': solid(3) });
    const ds = loadDataset([file('data.zip', zip)], { shape: [1, 2, 2] }, opts);
    expect(ds.classNames).toEqual(['a', 'b']);
    expect(classCounts(ds)).toEqual([1, 2]);
    expect(unsafeZipPath('../evil.png')).toMatch(/\.\./);
    expect(unsafeZipPath('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeZipPath('C:\\x.png')).toMatch(/absolute/);
    expect(unsafeZipPath('a/b.png')).toBeNull();
    const evil = zipBytes({ 'a/1.png': solid(1), 'b/1.png': solid(1), 'a/../../evil.png': solid(1) });
    const loaded = loadDataset([file('evil.zip', evil)], { shape: [1, 2, 2] }, opts);
    expect(loaded.skipped).toEqual([{ file: 'evil.zip:a/../../evil.png', reason: 'refused: ".." in zip path' }]);
  });

  it('enforces zip caps and reports a corrupt zip', () => {
    const zip = zipBytes({ 'a/1.png': solid(1), 'b/1.png': solid(1), 'b/2.png': solid(1) });
    expect(codeOf(() => loadDataset([file('d.zip', zip)], { shape: [1, 2, 2] }, { ...opts, archive: { maxEntries: 2 } }))).toBe('too-large');
    expect(codeOf(() => loadDataset([file('d.zip', zip)], { shape: [1, 2, 2] }, { ...opts, archive: { maxBytes: 100 } }))).toBe('too-large');
    expect(codeOf(() => loadDataset([file('d.zip', noise(50))], { shape: [1, 2, 2] }, opts))).toBe('format');
  });

  it('needs a decoder for image folders and files at all', () => {
    expect(codeOf(() => loadDataset([file('a/1.png', solid(1))], { shape: [1, 2, 2] }))).toBe('options');
    expect(codeOf(() => loadDataset([], { shape: [1, 2, 2] }, opts))).toBe('empty');
  });

  it('reads the fixture folder from disk', () => {
    const files = readNodeFiles(FIXTURE);
    expect(files.some((f) => f.name.includes('.DS_Store'))).toBe(false);
    expect(detectDatasetKind(files)).toBe('image-folder');
    const ds = loadDataset(files, { shape: [3, 12, 12] }, opts);
    expect(ds.classNames).toEqual(['circle', 'square']);
    expect(classCounts(ds)).toEqual([2, 2]);
    expect(ds.skipped.map((s) => s.file).sort()).toEqual(['notes.txt', 'square/broken.png']);
    expect(readNodeFiles(path.join(FIXTURE, 'circle/001.png'))[0].name).toBe('001.png');
    expect(codeOf(() => readNodeFiles(path.join(FIXTURE, 'nope')))).toBe('missing-file');
    expect(codeOf(() => readNodeFiles(FIXTURE, { maxFiles: 2 }))).toBe('too-large');
  });
});
