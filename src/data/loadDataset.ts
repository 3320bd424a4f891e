/**
 * One entry point for every dataset a person can hand the studio: IDX files, a dataset safetensors
 * file (the shipped sample), an ImageFolder tree, or a .zip of any of these.
 */
import { isZip, unzipFiles, type ArchiveLimits } from './archive';
import { DatasetError } from './datasetError';
import type { ImageDataset, SkippedFile } from './imageDataset';
import { loadIdxDataset, isIdxName, type IdxSplit } from './idxDataset';
import { loadImageFolder, type ImageDecoder } from './imageFolder';
import { isLooseImageFolder, loadLooseImages } from './looseImages';
import { extensionOf, isFolderEntry, isHiddenPath, type NamedBytes } from './namedBytes';
import { isDatasetSafetensors, readSampleDataset } from './sampleDataset';

/** The dataset layouts loadDataset recognises. */
export type DatasetKind = 'idx' | 'safetensors' | 'image-folder';

/** Options for loadDataset. */
export interface LoadDatasetOptions {
  /** IDX: train-* or t10k-* (default train when present); safetensors: train_* or val_* (default train). */
  split?: IdxSplit;
  /** PNG/JPEG decoder; required for image folders (nodeImageDecoder in Node, a canvas decoder in browsers). */
  decoder?: ImageDecoder;
  /** IDX class names (default: Fashion-MNIST's when it looks like Fashion-MNIST, else "0".."9"). */
  classNames?: string[];
  /** Image folders: largest width × height decoded (default 50 MP). */
  maxPixels?: number;
  /** Caps for .zip / .gz expansion. */
  archive?: ArchiveLimits;
  /** Image folders: called after each file with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Loose images with no class folders load as an unlabelled dataset (label-free mode) instead of an error. */
  allowUnlabelled?: boolean;
}

/** Replaces every .zip among `files` by its entries (prefixed by the zip's folder); returns refused entries too. */
export function expandZips(
  files: NamedBytes[], limits?: ArchiveLimits,
): { files: NamedBytes[]; skipped: SkippedFile[] } {
  const out: NamedBytes[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    if (isFolderEntry(file) || !(extensionOf(file.name) === '.zip' || isZip(file.bytes))) { out.push(file); continue; }
    const folder = file.name.includes('/') ? file.name.slice(0, file.name.lastIndexOf('/') + 1) : '';
    const inner = unzipFiles(file.bytes, file.name, limits);
    for (const entry of inner.files) out.push({ name: folder + entry.name, bytes: entry.bytes });
    for (const s of inner.skipped) skipped.push({ file: `${file.name}:${s.file}`, reason: s.reason });
  }
  return { files: out, skipped };
}

/** True for a *.safetensors file holding a train_images tensor. */
function isDatasetFile(f: NamedBytes): boolean {
  return extensionOf(f.name) === '.safetensors' && isDatasetSafetensors(f.bytes, f.name);
}

/** Which loader a file list needs: IDX names win, then a dataset safetensors file, else an image folder. */
export function detectDatasetKind(files: NamedBytes[]): DatasetKind {
  const visible = files.filter((f) => !isHiddenPath(f.name) && !isFolderEntry(f));
  if (visible.some((f) => isIdxName(f.name))) return 'idx';
  return visible.some(isDatasetFile) ? 'safetensors' : 'image-folder';
}

/** Loads the dataset in `files`, resized to `target.shape` [C, H, W]; unusable files are listed in `skipped`. */
export function loadDataset(
  files: NamedBytes[], target: { shape: [number, number, number] }, options: LoadDatasetOptions = {},
): ImageDataset {
  if (files.length === 0) {
    throw new DatasetError('empty',
      'no files were chosen; pick a dataset folder, a .zip, IDX files or a dataset .safetensors file.');
  }
  const expanded = expandZips(files, options.archive);
  const ds = loadExpanded(expanded.files, target.shape, options);
  return { ...ds, skipped: [...expanded.skipped, ...ds.skipped] };
}

/** Dispatches on the detected kind. */
function loadExpanded(files: NamedBytes[], shape: [number, number, number], options: LoadDatasetOptions): ImageDataset {
  const kind = detectDatasetKind(files);
  if (kind === 'idx') {
    const { split, classNames } = options;
    return loadIdxDataset(files, shape, { split, classNames, maxBytes: options.archive?.maxBytes });
  }
  if (kind === 'safetensors') {
    const file = files.find(isDatasetFile)!;
    const both = readSampleDataset(file.bytes, { shape }, file.name);
    return options.split === 'test' ? both.val : both.train;
  }
  if (!options.decoder) {
    throw new DatasetError('options', 'loading an image folder needs an image decoder (nodeImageDecoder in Node).');
  }
  const { decoder, maxPixels, onProgress } = options;
  if (options.allowUnlabelled && isLooseImageFolder(files)) return loadLooseImages(files, shape, { decoder, maxPixels, onProgress });
  return loadImageFolder(files, shape, { decoder, maxPixels, onProgress });
}
