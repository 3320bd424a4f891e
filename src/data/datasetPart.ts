/**
 * The part of a dataset a command works on. Class folders and zips have no split of their own: they get one
 * seeded, stratified split (the studio's: validation fraction 0.2, seed 0), so that `scores` trains on the
 * training part while `eval`, `sweep` and `prune` measure on the held-out part. IDX files keep their
 * train-/t10k- files and a dataset .safetensors file its shipped train/val parts.
 */
import { stratifiedSplit } from './datasetSplit';
import { DatasetError } from './datasetError';
import type { ImageDataset } from './imageDataset';
import { detectDatasetKind, expandZips, loadDataset, type DatasetKind, type LoadDatasetOptions } from './loadDataset';
import type { NamedBytes } from './namedBytes';

/** Which part: the training part, the held-out part (`val`; `test` means the same for folders), or all images (folders only). */
export type SplitName = 'train' | 'val' | 'test' | 'all';

/** Every split name, as the CLI lists them. */
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'val', 'test', 'all'];

/** How class folders and zips are split: the held-out fraction and the seed. */
export interface FolderSplit { valFraction: number; seed: number }

/** The studio's split: 20% held out, seed 0. */
export const FOLDER_SPLIT_DEFAULTS: FolderSplit = { valFraction: 0.2, seed: 0 };

/** The `split` part of an image-folder dataset under a seeded stratified split (`all`: every image). */
export function folderPart(ds: ImageDataset, split: SplitName, how: FolderSplit = FOLDER_SPLIT_DEFAULTS): ImageDataset {
  if (split === 'all') return ds;
  const parts = stratifiedSplit(ds, how.valFraction, how.seed);
  return split === 'train' ? parts.train : { ...parts.val, skipped: ds.skipped };
}

/** Loads the `split` part of the dataset in `files` at `target.shape` [C, H, W], and says which kind it was. */
export function loadDatasetPart(
  files: NamedBytes[], target: { shape: [number, number, number] }, split: SplitName,
  options: LoadDatasetOptions & Partial<FolderSplit> = {},
): { dataset: ImageDataset; kind: DatasetKind } {
  const expanded = expandZips(files, options.archive);
  const kind = detectDatasetKind(expanded.files);
  const how = { ...FOLDER_SPLIT_DEFAULTS, ...definedOnly({ valFraction: options.valFraction, seed: options.seed }) };
  if (kind === 'image-folder') {
    const all = loadDataset(expanded.files, target, options);
    const dataset = folderPart({ ...all, skipped: [...expanded.skipped, ...all.skipped] }, split, how);
    return { dataset, kind };
  }
  if (split === 'all') {
    throw new DatasetError('options', `split "all" is for class folders and zips; ${kind === 'idx' ? 'IDX files' : 'a dataset file'} keeps its own train and test parts.`);
  }
  const ds = loadDataset(expanded.files, target, { ...options, split: split === 'train' ? 'train' : 'test' });
  return { dataset: { ...ds, skipped: [...expanded.skipped, ...ds.skipped] }, kind };
}

/** The fields of `o` that are not undefined. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
