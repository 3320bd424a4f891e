/** What the UI is told about a dataset: counts per split, small thumbnails, skipped files and warnings. */
import { classCounts } from '../data/datasetSplit';
import { datasetSize, hasLabels, type ImageDataset } from '../data/imageDataset';
import { resizeChw } from '../data/resizeImage';
import type { DatasetInfo } from './engineApi';
import { modelClassNames } from '../data/classMatch';
import type { VitConfig } from '../model/vitConfig';
import type { LoadedData } from './session';

/** Options of datasetInfo: thumbnails per class and their largest side in pixels. */
export interface DatasetInfoOptions { perClass: number; maxSide: number; tinyClass: number; imbalance: number }

/** Defaults: 8 thumbnails per class at most 64 px; warn under 10 images or above 3× imbalance. */
export const DATASET_INFO_DEFAULTS: DatasetInfoOptions = { perClass: 8, maxSide: 64, tinyClass: 10, imbalance: 3 };

/** Geometry of a thumbnail: the image shape scaled so that its longer side is at most `maxSide`. */
export function thumbShape(shape: [number, number, number], maxSide: number): [number, number, number] {
  const [c, h, w] = shape;
  const scale = Math.min(1, maxSide / Math.max(h, w));
  return [c, Math.max(1, Math.round(h * scale)), Math.max(1, Math.round(w * scale))];
}

/** A small uint8 [C, h, w] copy of image `index`. */
export function thumbnail(ds: ImageDataset, index: number, maxSide: number): { pixels: Uint8Array; shape: [number, number, number] } {
  const per = ds.shape[0] * ds.shape[1] * ds.shape[2];
  const shape = thumbShape(ds.shape, maxSide);
  const pixels = new Uint8Array(shape[0] * shape[1] * shape[2]);
  resizeChw(ds.pixels.subarray(index * per, (index + 1) * per), ds.shape, shape, pixels, 0);
  return { pixels, shape };
}

/** The first `perClass` training images of every class, as thumbnails. */
function thumbnails(ds: ImageDataset, opts: DatasetInfoOptions): DatasetInfo['thumbnails'] {
  const taken = new Array<number>(ds.classNames.length).fill(0);
  const out: DatasetInfo['thumbnails'] = [];
  ds.labels.forEach((label, i) => {
    if (taken[label] >= opts.perClass) return;
    taken[label] += 1;
    out.push({ label, ...thumbnail(ds, i, opts.maxSide) });
  });
  return out;
}

/** Warnings about tiny, empty or unbalanced classes (only classes the dataset has images of). */
export function classWarnings(names: string[], counts: number[], opts: DatasetInfoOptions): string[] {
  const present = counts.map((n, i) => ({ name: names[i], n })).filter((c) => c.n > 0);
  const out = present.filter((c) => c.n < opts.tinyClass).map((c) => `class '${c.name}' has only ${c.n} image${c.n === 1 ? '' : 's'}`);
  if (present.length < 2) return out;
  const most = present.reduce((a, b) => (b.n > a.n ? b : a));
  const least = present.reduce((a, b) => (b.n < a.n ? b : a));
  if (most.n > opts.imbalance * least.n) {
    out.push(`classes are unbalanced: '${most.name}' has ${most.n} images, '${least.name}' only ${least.n}`);
  }
  return out;
}

/** Name of the one group an unlabelled dataset is shown as. */
export const UNLABELLED_GROUP = 'unlabelled';

/** The ClassMapInfo of the session's dataset onto `cfg`'s classes. */
function classMapInfo(data: LoadedData, cfg: VitConfig): DatasetInfo['classMap'] {
  return {
    modelClasses: modelClassNames(cfg.classNames, cfg.numClasses), mapping: [...data.mapping],
    byName: [...data.match.mapping], ambiguous: data.match.ambiguous, labelMode: data.labelMode,
  };
}

/** The DatasetInfo of the session's dataset, in its own classes, with its mapping onto `cfg`'s classes. */
export function datasetInfo(data: LoadedData, cfg: VitConfig, options: Partial<DatasetInfoOptions> = {}): DatasetInfo {
  const opts = { ...DATASET_INFO_DEFAULTS, ...options };
  const { own } = data;
  if (!hasLabels(own.full)) return unlabelledInfo(data, cfg, opts);
  const trainCounts = classCounts(own.train);
  const valCounts = classCounts(own.val);
  const fullCounts = trainCounts.map((n, i) => n + valCounts[i]);
  const noVal = own.train.classNames.filter((_, i) => trainCounts[i] > 0 && valCounts[i] === 0);
  const warnings = [...data.warnings, ...classWarnings(own.full.classNames, fullCounts, opts)];
  if (noVal.length > 0) warnings.push(`no validation images for ${noVal.map((n) => `'${n}'`).join(', ')}`);
  return {
    id: data.id,
    name: data.name,
    classNames: [...own.full.classNames],
    trainCounts,
    valCounts,
    thumbnails: thumbnails(own.train, opts),
    skipped: [...own.full.skipped],
    warnings,
    valFraction: data.valFraction,
    classMap: classMapInfo(data, cfg),
    trainImages: datasetSize(own.train),
    valImages: datasetSize(own.val),
  };
}

/**
 * DatasetInfo of loose images without classes (unlabelled: true, label mode 'label-free'): shown as one
 * pseudo-class "unlabelled" holding every image (label 0 in counts and thumbnails only; the images carry no label).
 */
function unlabelledInfo(data: LoadedData, cfg: VitConfig, opts: DatasetInfoOptions): DatasetInfo {
  const { own } = data;
  const n = Math.min(datasetSize(own.train), opts.perClass);
  return {
    id: data.id, name: data.name, classNames: [UNLABELLED_GROUP], trainCounts: [datasetSize(own.train)], valCounts: [datasetSize(own.val)],
    thumbnails: Array.from({ length: n }, (_, i) => ({ label: 0, ...thumbnail(own.train, i, opts.maxSide) })),
    skipped: [...own.full.skipped], warnings: [...data.warnings], valFraction: data.valFraction, classMap: classMapInfo(data, cfg),
    unlabelled: true, trainImages: datasetSize(own.train), valImages: datasetSize(own.val),
  };
}
