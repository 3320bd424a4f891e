/**
 * The dataset safetensors file shipped with the app (public/data/fmnist-sample.safetensors): U8
 * tensors train_images [N, H, W] (or [N, C, H, W]), train_labels [N], val_images, val_labels, and
 * `__metadata__.class_names`, a JSON array of strings.
 */
import { CheckpointError } from '../io/checkpointError';
import { readSafetensorsHeader, type SafetensorsEntry, type SafetensorsHeader } from '../io/safetensors';
import { DatasetError } from './datasetError';
import type { ImageDataset } from './imageDataset';
import { allocatePixels } from './pixelBuffer';
import { checkTargetShape, resizeChw } from './resizeImage';

/** Where the shipped sample lives, relative to the app's public/ folder (and base URL). */
export const SAMPLE_DATASET_PATH = 'data/fmnist-sample.safetensors';

/** The two halves of a dataset safetensors file. */
export interface SampleDataset { train: ImageDataset; val: ImageDataset }

/** Parses the header, turning checkpoint errors into dataset errors. */
function header(bytes: Uint8Array, file: string): SafetensorsHeader {
  try {
    return readSafetensorsHeader(bytes, file);
  } catch (error) {
    if (error instanceof CheckpointError) throw new DatasetError('format', error.message, file);
    throw error;
  }
}

/** True when `bytes` are a safetensors file with a `train_images` tensor (never throws). */
export function isDatasetSafetensors(bytes: Uint8Array, file = 'dataset.safetensors'): boolean {
  try {
    return header(bytes, file).entries.some((e) => e.name === 'train_images');
  } catch {
    return false;
  }
}

/** The class names from metadata (validated JSON string array), or "0".."K-1" when absent. */
function classNamesOf(meta: Record<string, string>, maxLabel: number, file: string): string[] {
  const raw = meta['class_names'];
  if (raw === undefined) return Array.from({ length: Math.max(2, maxLabel + 1) }, (_, i) => String(i));
  let names: unknown;
  try {
    names = JSON.parse(raw);
  } catch {
    throw new DatasetError('format', `${file}: __metadata__.class_names is not valid JSON.`, file);
  }
  if (!Array.isArray(names) || names.length < 2 || !names.every((n) => typeof n === 'string')) {
    throw new DatasetError('classes',
      `${file}: __metadata__.class_names must be a JSON array of at least 2 strings.`, file);
  }
  return names as string[];
}

/** The named U8 entry, with a clear error when it is absent or of another dtype. */
function u8Entry(head: SafetensorsHeader, name: string, file: string): SafetensorsEntry {
  const entry = head.entries.find((e) => e.name === name);
  if (!entry) {
    throw new DatasetError('format', `${file}: tensor "${name}" is missing; a dataset file needs ` +
      'train_images, train_labels, val_images and val_labels.', file);
  }
  if (entry.dtype !== 'U8') {
    throw new DatasetError('format', `${file}: tensor "${name}" has dtype ${entry.dtype}; expected U8.`, file);
  }
  return entry;
}

/** Source geometry [C, H, W] of an images entry shaped [N, H, W] or [N, C, H, W] with C = 1 or 3. */
function geometry(entry: SafetensorsEntry, file: string): [number, number, number] {
  const s = entry.shape;
  if (s.length === 3 && s[1] > 0 && s[2] > 0) return [1, s[1], s[2]];
  if (s.length === 4 && (s[1] === 1 || s[1] === 3) && s[2] > 0 && s[3] > 0) return [s[1], s[2], s[3]];
  throw new DatasetError('mismatch',
    `${file}: "${entry.name}" has shape [${s.join(', ')}]; expected [N, H, W] or [N, C, H, W].`, file);
}

/** Reads one half ("train" or "val") into an ImageDataset resized to `shape` (or kept at its own size). */
function readHalf(
  bytes: Uint8Array, head: SafetensorsHeader, prefix: string, file: string, shape?: [number, number, number],
): { pixels: Uint8Array; labels: Int32Array; shape: [number, number, number]; maxLabel: number } {
  const imgs = u8Entry(head, `${prefix}_images`, file);
  const labs = u8Entry(head, `${prefix}_labels`, file);
  const src = geometry(imgs, file);
  const n = imgs.shape[0];
  if (labs.shape.length !== 1 || labs.shape[0] !== n) {
    throw new DatasetError('mismatch', `${file}: ${prefix}_images holds ${n} images but ${prefix}_labels ` +
      `has shape [${labs.shape.join(', ')}].`, file);
  }
  if (n === 0) throw new DatasetError('empty', `${file}: ${prefix}_images holds no images.`, file);
  const target = shape ?? src;
  const data = bytes.subarray(head.dataStart + imgs.begin, head.dataStart + imgs.end);
  const per = target[0] * target[1] * target[2];
  const srcPer = src[0] * src[1] * src[2];
  const pixels = allocatePixels(n, target, file);
  for (let i = 0; i < n; i++) resizeChw(data.subarray(i * srcPer, (i + 1) * srcPer), src, target, pixels, i * per);
  const labels = Int32Array.from(bytes.subarray(head.dataStart + labs.begin, head.dataStart + labs.end));
  const maxLabel = labels.reduce((m, l) => Math.max(m, l), 0);
  return { pixels, labels, shape: [...target], maxLabel };
}

/** Reads a dataset safetensors file into train and validation datasets, resized to `target.shape` when given. */
export function readSampleDataset(
  bytes: Uint8Array, target?: { shape: [number, number, number] }, file = 'fmnist-sample.safetensors',
): SampleDataset {
  if (target) checkTargetShape(target.shape);
  const head = header(bytes, file);
  const train = readHalf(bytes, head, 'train', file, target?.shape);
  const val = readHalf(bytes, head, 'val', file, target?.shape);
  const maxLabel = Math.max(train.maxLabel, val.maxLabel);
  const classNames = classNamesOf(head.metadata, maxLabel, file);
  if (maxLabel >= classNames.length) {
    throw new DatasetError('labels', `${file}: label ${maxLabel} is out of range for ${classNames.length} classes.`, file);
  }
  const make = (h: typeof train): ImageDataset =>
    ({ pixels: h.pixels, labels: h.labels, classNames: [...classNames], shape: h.shape, skipped: [] });
  return { train: make(train), val: make(val) };
}
