/** Building the session's dataset: read (sample file or uploaded files), align to the model's classes, split. */
import { alignClasses } from '../data/alignClasses';
import { stratifiedSplit } from '../data/datasetSplit';
import { datasetSize, hasLabels, type ImageDataset } from '../data/imageDataset';
import type { ImageDecoder } from '../data/imageFolder';
import { expandZips, loadDataset } from '../data/loadDataset';
import { readSampleDataset } from '../data/sampleDataset';
import type { VitConfig } from '../model/vitConfig';
import type { DataSource, LoadedData } from './session';

/** Prepares a synchronous decoder for the image files among `files` (decoding them ahead, asynchronously). */
export type DecoderFactory = (files: { name: string; bytes: Uint8Array }[]) => Promise<ImageDecoder>;

/** Options of building a dataset. */
export interface DataBuildOptions {
  name: string;
  /** Validation fraction; null keeps the split a sample file ships with. */
  valFraction: number | null;
  seed: number;
  decoders: DecoderFactory;
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

/** Labels of `ds` mapped onto the model's classes (by name when possible), with a warning when by position. */
function align(ds: ImageDataset, cfg: VitConfig, warnings: string[]): ImageDataset {
  if (!hasLabels(ds)) return ds; // label-free mode: nothing to match
  const aligned = alignClasses(ds, cfg.classNames, cfg.numClasses);
  if (aligned.note) warnings.push(aligned.note);
  return aligned.dataset;
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

/** Reads, aligns and splits a dataset for the model `cfg`. */
export async function buildData(id: string, source: DataSource, cfg: VitConfig, opts: DataBuildOptions): Promise<LoadedData> {
  const warnings: string[] = [];
  const read = await readSource(source, cfg, opts.decoders);
  const full = align(read.full, cfg, warnings);
  const shipped = read.split ? { train: align(read.split.train, cfg, []), val: align(read.split.val, cfg, []) } : null;
  const split = splitData(full, shipped, opts.valFraction, opts.seed);
  const customSplit = !(opts.valFraction === null && shipped);
  return { id, name: opts.name, source, full, train: split.train, val: split.val, valFraction: split.valFraction, seed: opts.seed, customSplit, warnings };
}

/** The same dataset split anew. */
export function resplitData(data: LoadedData, valFraction: number, seed: number): LoadedData {
  const split = splitData(data.full, null, valFraction, seed);
  return { ...data, train: split.train, val: split.val, valFraction: split.valFraction, seed, customSplit: true };
}
