#!/usr/bin/env node
// Writes Fashion-MNIST IDX images as an ImageFolder of PNGs, one folder per class, named as a file system allows
// ("T-shirt/top" -> "T-shirt_top", "Ankle boot" -> "Ankle_boot"): the way people bring their own data.
//
//   node tools/idx_to_folder.mjs --idx /usr/share/datasets/fashion-mnist --split t10k --out /tmp/fmnist-test [--limit N]
//
// --split train|t10k picks train-*-ubyte(.gz) or t10k-*-ubyte(.gz); --limit keeps the first N images (IDX order).
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { PNG } from 'pngjs';

const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

/** A class name as a folder name: no slashes, spaces as underscores. */
const folderName = (name) => name.replace(/[\\/]/g, '_').replace(/\s+/g, '_');

/** The bytes of an IDX file, gunzipped when it ends in .gz. */
function readIdx(dir, base) {
  const plain = join(dir, base);
  const path = existsSync(plain) ? plain : `${plain}.gz`;
  const raw = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(raw) : raw;
}

/** Dimensions and data offset of an unsigned-byte IDX buffer. */
function idxDims(buf) {
  if (buf[0] !== 0 || buf[1] !== 0 || buf[2] !== 0x08) throw new Error('not an unsigned-byte IDX file');
  const ndim = buf[3];
  const dims = Array.from({ length: ndim }, (_, i) => buf.readUInt32BE(4 + 4 * i));
  return { dims, offset: 4 + 4 * ndim };
}

const { values } = parseArgs({ options: { idx: { type: 'string' }, split: { type: 'string' }, out: { type: 'string' }, limit: { type: 'string' } } });
if (!values.idx || !values.out || !['train', 't10k'].includes(values.split ?? '')) {
  console.error('usage: node tools/idx_to_folder.mjs --idx <dir> --split train|t10k --out <folder> [--limit N]');
  process.exit(2);
}
const images = readIdx(values.idx, `${values.split}-images-idx3-ubyte`);
const labels = readIdx(values.idx, `${values.split}-labels-idx1-ubyte`);
const im = idxDims(images);
const lb = idxDims(labels);
const [n, h, w] = im.dims;
if (lb.dims[0] !== n) throw new Error(`${n} images but ${lb.dims[0]} labels`);
const count = Math.min(n, values.limit ? Number(values.limit) : n);
for (const name of CLASSES) mkdirSync(join(values.out, folderName(name)), { recursive: true });
const perClass = new Array(CLASSES.length).fill(0);
for (let i = 0; i < count; i++) {
  const label = labels[lb.offset + i];
  const png = new PNG({ width: w, height: h, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(images.subarray(im.offset + i * h * w, im.offset + (i + 1) * h * w));
  const file = join(values.out, folderName(CLASSES[label]), `${String(i).padStart(5, '0')}.png`);
  writeFileSync(file, PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false }));
  perClass[label] += 1;
}
console.error(`wrote ${count} images to ${values.out}: ${CLASSES.map((c, k) => `${folderName(c)} ${perClass[k]}`).join(', ')}`);
