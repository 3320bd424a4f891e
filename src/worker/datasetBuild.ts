/** Building the session's dataset: read (sample file or uploaded files), split, match its classes to the model's, relabel. */
import { isMapping, matchClasses, mappingComplete, modelClassNames, type LabelMode } from '../data/classMatch';
import { stratifiedSplit } from '../data/datasetSplit';
import { datasetSize, hasLabels, withoutLabels, type ImageDataset } from '../data/imageDataset';
import type { ImageDecoder } from '../data/imageFolder';
import { expandZips, loadDataset } from '../data/loadDataset';
import { relabelDataset } from '../data/relabelDataset';
import { readSampleDataset } from '../data/sampleDataset';
import type { VitConfig } from '../model/vitConfig';
import type { DataSource, LoadedData, SplitDataset } from './session';

/** Prepares a synchronous decoder for the image files among `files` (decoding them ahead, asynchronously). */
export type DecoderFactory = (files: { name: string; bytes: Uint8Array }[]) => Promise<ImageDecoder>;

/** Options of building a dataset. */
export interface DataBuildOptions {
  name: string;
  /** Validation fraction; null keeps the split a sample file ships with. */
  valFraction: number | null;
  seed: number;
  decoders: DecoderFactory;
  /** The label mode wanted (default 'labels'); see labelModeFor. */
  labelMode?: LabelMode;
}

/** The label mode a dataset gets: loose images without classes are always 'label-free'; else as wanted. */
export function labelModeFor(own: ImageDataset, wanted: LabelMode): LabelMode {
  return hasLabels(own) ? wanted : 'label-free';
}

/** Two datasets of the same geometry and classes laid end to end. */
export function concatDatasets(a: ImageDataset, b: ImageDataset): ImageDataset {
  const pixels = new Uint8Array(a.pixels.length + b.pixels.length);
  pixels.set(a.pixels);
  pixels.set(b.pixels, a.pixels.length);
  const labels = new Int32Array(a.labels.length + b.labels.length);
  labels.set(a.labels);
  labels.set(b.labels, a.labels.length);
  return { ...a, pixels, labels, skipped: [...a.skipped, ...b.skipped] };
}

/** The model's input geometry [C, H, W]. */
export function inputShape(cfg: VitConfig): [number, number, number] {
  return [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]];
}

/** Reads a source at the model's input size (loose images without classes load unlabelled); a sample file also gives its shipped split. */
export async function readSource(source: DataSource, cfg: VitConfig, decoders: DecoderFactory):
  Promise<{ full: ImageDataset; split: { train: ImageDataset; val: ImageDataset } | null }> {
  const shape = inputShape(cfg);
  if (source.kind === 'sample') {
    const split = readSampleDataset(source.bytes, { shape });
    return { full: concatDatasets(split.train, split.val), split };
  }
  const expanded = expandZips(source.files); // once, so the decoder sees the very entries loadDataset reads
  const decoder = await decoders(expanded.files);
  const ds = loadDataset(expanded.files, { shape }, { decoder, allowUnlabelled: true });
  return { full: { ...ds, skipped: [...expanded.skipped, ...ds.skipped] }, split: null };
}

/** A seeded stratified split, or the shipped one when `valFraction` is null. */
export function splitData(full: ImageDataset, shipped: { train: ImageDataset; val: ImageDataset } | null,
  valFraction: number | null, seed: number): { train: ImageDataset; val: ImageDataset; valFraction: number } {
  if (valFraction === null && shipped) {
    return { ...shipped, valFraction: datasetSize(shipped.val) / datasetSize(full) };
  }
  const split = stratifiedSplit(full, valFraction ?? 0.2, seed);
  return { ...split, valFraction: datasetSize(split.val) / datasetSize(full) };
}

/**
 * `data` with a new class mapping and label mode: full, train and val relabelled onto the model's classes
 * (no file is read again; pixels are shared) once every class is mapped (whatever the mode; labelsIssue says
 * when they may be used). In 'label-free' mode with classes unmapped they are the images without labels
 * (distillation and agreement need none); otherwise, while a class is unmapped, they stay the dataset's own
 * (session.requireData refuses them then). Loose images without classes force 'label-free'.
 */
export function withMapping(data: LoadedData, mapping: number[], wanted: LabelMode, cfg: VitConfig): LoadedData {
  const names = modelClassNames(cfg.classNames, cfg.numClasses);
  if (!isMapping(mapping, data.own.full.classNames.length, names.length)) {
    throw new Error(`a class mapping needs one model class (or -1) per dataset class (${data.own.full.classNames.length})`);
  }
  const labelMode = labelModeFor(data.own.full, wanted);
  const complete = hasLabels(data.own.full) && mappingComplete(mapping, names.length);
  const relabel = (ds: ImageDataset) => (complete ? relabelDataset(ds, mapping, names)
    : labelMode === 'label-free' && hasLabels(ds) ? withoutLabels(ds) : ds);
  const own: SplitDataset = data.own;
  return { ...data, mapping: [...mapping], labelMode, full: relabel(own.full), train: relabel(own.train), val: relabel(own.val) };
}

/** Reads, splits and matches a dataset for the model `cfg` (classes matched by name; unmatched ones stay unmapped). */
export async function buildData(id: string, source: DataSource, cfg: VitConfig, opts: DataBuildOptions): Promise<LoadedData> {
  const read = await readSource(source, cfg, opts.decoders);
  const split = splitData(read.full, read.split, opts.valFraction, opts.seed);
  const customSplit = !(opts.valFraction === null && read.split);
  const match = matchClasses(read.full.classNames, modelClassNames(cfg.classNames, cfg.numClasses));
  const own = { full: read.full, train: split.train, val: split.val };
  const data: LoadedData = {
    id, name: opts.name, source, ...own, own, match, mapping: match.mapping, labelMode: 'labels',
    valFraction: split.valFraction, seed: opts.seed, customSplit, warnings: [],
  };
  return withMapping(data, match.mapping, opts.labelMode ?? 'labels', cfg);
}

/** The same dataset split anew (same mapping). */
export function resplitData(data: LoadedData, valFraction: number, seed: number, cfg: VitConfig): LoadedData {
  const split = splitData(data.own.full, null, valFraction, seed);
  const own = { full: data.own.full, train: split.train, val: split.val };
  const next = { ...data, own, valFraction: split.valFraction, seed, customSplit: true };
  return withMapping(next, data.mapping, data.labelMode, cfg);
}
