/**
 * IDX files (the MNIST / Fashion-MNIST format): big-endian magic 0x00000803 for uint8 images
 * [N, H, W] and 0x00000801 for uint8 labels [N], optionally gzipped.
 */
import { maybeGunzip } from './archive';
import { DatasetError } from './datasetError';
import type { ImageDataset } from './imageDataset';
import { baseName, type NamedBytes } from './namedBytes';
import { allocatePixels } from './pixelBuffer';
import { checkTargetShape, resizeChw } from './resizeImage';

/** Fashion-MNIST class names, index = label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** Which half of an IDX dataset: train-* or t10k-* (also test-*). */
export type IdxSplit = 'train' | 'test';

/** A parsed IDX array of unsigned bytes. */
export interface IdxArray { dims: number[]; data: Uint8Array }

/** Options for loading IDX files. */
export interface IdxOptions {
  /** Which pair to load; default 'train' when train files are present, else 'test'. */
  split?: IdxSplit;
  /** Class names (index = label); default: Fashion-MNIST's when the data looks like it, else "0".."9". */
  classNames?: string[];
  /** Cap on each file's gunzipped size in bytes. */
  maxBytes?: number;
}

const IDX_NAME = /(train|t10k|test)-(images|labels)[-.]idx([13])-ubyte(?:\.gz)?$/i;

/** True for names like train-images-idx3-ubyte(.gz), t10k-labels-idx1-ubyte(.gz). */
export function isIdxName(name: string): boolean {
  return IDX_NAME.test(baseName(name));
}

/** Parses an IDX file of uint8 data (gunzipping first when needed); checks magic, dims and exact byte count. */
export function parseIdx(bytes: Uint8Array, file: string, maxBytes?: number): IdxArray {
  const raw = maybeGunzip(bytes, file, maxBytes);
  const fail = (code: 'format' | 'mismatch', why: string) => new DatasetError(code, `${file}: ${why}`, file);
  if (raw.length < 4 || raw[0] !== 0 || raw[1] !== 0) throw fail('format', 'not an IDX file (bad magic number).');
  if (raw[2] !== 0x08) {
    throw fail('format', `IDX element type 0x${raw[2].toString(16)} is not supported (only unsigned bytes, 0x08).`);
  }
  const ndim = raw[3];
  const headerBytes = 4 + 4 * ndim;
  if (ndim === 0 || raw.length < headerBytes) throw fail('format', `truncated IDX header (${ndim} dimensions).`);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  if (raw.length - headerBytes !== expected) {
    throw fail('mismatch', `header dims [${dims.join(', ')}] need ${expected} data bytes but the file has ` +
      `${raw.length - headerBytes}; the file is truncated or corrupt.`);
  }
  return { dims, data: raw.subarray(headerBytes) };
}

/** Picks the images and labels files of `split` from a file list; throws naming the missing file. */
export function findIdxPair(
  files: NamedBytes[], split?: IdxSplit,
): { images: NamedBytes; labels: NamedBytes; split: IdxSplit } {
  const idx = files.filter((f) => isIdxName(f.name));
  const part = (f: NamedBytes, group: number) => IDX_NAME.exec(baseName(f.name))![group].toLowerCase();
  const splitOf = (f: NamedBytes) => (part(f, 1) === 'train' ? 'train' : 'test');
  const chosen: IdxSplit = split ?? (idx.some((f) => splitOf(f) === 'train') ? 'train' : 'test');
  const pick = (kind: string) => idx.find((f) => splitOf(f) === chosen && part(f, 2) === kind);
  const prefix = chosen === 'train' ? 'train' : 't10k';
  const images = pick('images');
  const labels = pick('labels');
  if (!images || !labels) {
    const missing = !images ? `${prefix}-images-idx3-ubyte(.gz)` : `${prefix}-labels-idx1-ubyte(.gz)`;
    throw new DatasetError('missing-file',
      `the ${chosen} split needs ${missing}, which is not among the chosen files.`, missing);
  }
  return { images, labels, split: chosen };
}

/** Heuristic: Fashion-MNIST vs. digit MNIST by path hints, else by mean brightness (0.286 vs 0.131). */
function looksLikeFashion(names: string[], images: IdxArray): boolean {
  const joined = names.join(' ').toLowerCase();
  if (joined.includes('fashion')) return true;
  if (joined.includes('mnist')) return false;
  const count = Math.min(images.data.length, 2000 * 784);
  let sum = 0;
  for (let i = 0; i < count; i++) sum += images.data[i];
  return count > 0 && sum / count / 255 > 0.22;
}

/** Class names for the labels: the given ones (validated), Fashion-MNIST's, or "0".."K-1" (K ≥ 10). */
function idxClassNames(labels: Uint8Array, images: IdxArray, names: string[], given?: string[]): string[] {
  let maxLabel = 0;
  for (const l of labels) if (l > maxLabel) maxLabel = l;
  if (given) {
    if (given.length < 2) throw new DatasetError('options', `at least 2 class names are needed; got ${given.length}.`);
    if (maxLabel >= given.length) {
      throw new DatasetError('labels',
        `${names[1]}: label ${maxLabel} is out of range for ${given.length} class names.`, names[1]);
    }
    return [...given];
  }
  const [, h, w] = images.dims;
  if (h === 28 && w === 28 && maxLabel < 10 && looksLikeFashion(names, images)) return [...FASHION_MNIST_CLASSES];
  return Array.from({ length: Math.max(10, maxLabel + 1) }, (_, i) => String(i));
}

/** Throws unless images are [N, H, W] and labels [N] with the same N > 0. */
function checkIdxPair(images: IdxArray, labels: IdxArray, files: { images: NamedBytes; labels: NamedBytes }): void {
  const [imagesName, labelsName] = [files.images.name, files.labels.name];
  if (images.dims.length !== 3) {
    throw new DatasetError('format',
      `${imagesName}: expected images [N, H, W] (magic 0x00000803), got ${images.dims.length} dims.`, imagesName);
  }
  if (labels.dims.length !== 1) {
    throw new DatasetError('format',
      `${labelsName}: expected labels [N] (magic 0x00000801), got ${labels.dims.length} dims.`, labelsName);
  }
  if (labels.dims[0] !== images.dims[0]) {
    throw new DatasetError('mismatch', `${imagesName} holds ${images.dims[0]} images but ${labelsName} holds ` +
      `${labels.dims[0]} labels; they must come from the same split.`, labelsName);
  }
  if (images.dims.includes(0)) {
    throw new DatasetError('empty', `${imagesName} holds no images ([${images.dims.join(', ')}]).`, imagesName);
  }
}

/** Loads one split of an IDX dataset, resized to `shape` [C, H, W] (gray replicated for C = 3). */
export function loadIdxDataset(
  files: NamedBytes[], shape: [number, number, number], options: IdxOptions = {},
): ImageDataset {
  checkTargetShape(shape);
  const pair = findIdxPair(files, options.split);
  const images = parseIdx(pair.images.bytes, pair.images.name, options.maxBytes);
  const labels = parseIdx(pair.labels.bytes, pair.labels.name, options.maxBytes);
  checkIdxPair(images, labels, pair);
  const [n, h, w] = images.dims;
  const classNames = idxClassNames(labels.data, images, [pair.images.name, pair.labels.name], options.classNames);
  const per = shape[0] * shape[1] * shape[2];
  const pixels = allocatePixels(n, shape, pair.images.name);
  for (let i = 0; i < n; i++) {
    resizeChw(images.data.subarray(i * h * w, (i + 1) * h * w), [1, h, w], shape, pixels, i * per);
  }
  return { pixels, labels: Int32Array.from(labels.data), classNames, shape: [...shape], skipped: [] };
}
