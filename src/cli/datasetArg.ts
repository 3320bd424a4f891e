import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { classMapGiven } from '../data/classMapFile';
import { matchClasses, modelClassNames, type ClassMatch, type LabelMode } from '../data/classMatch';
import { FOLDER_SPLIT_DEFAULTS, loadDatasetPart, SPLIT_NAMES, type SplitName } from '../data/datasetPart';
import { readNodeFiles } from '../data/nodeFiles';
import { nodeImageDecoder } from '../data/nodeImageDecoder';
import type { ImageDataset } from '../data/imageDataset';
import { relabelDataset } from '../data/relabelDataset';
import type { VitConfig } from '../model/vitConfig';
import { UsageError, type CliContext } from './cliContext';
import { countFlag, numberFlag } from './cliFlags';

/** Path of the Fashion-MNIST sample shipped with the app (`--data sample`). */
export const SHIPPED_SAMPLE = fileURLToPath(new URL('../../public/data/fmnist-sample.safetensors', import.meta.url));

/** Dataset split names the CLI accepts: `val` and `test` both pick the held-out part; `all` every image of a folder. */
export type SplitArg = SplitName;

/** The flags every command with `--data` reads. */
export interface DataArgs {
  data?: string; split?: string; 'val-fraction'?: string; 'split-seed'?: string; 'class-map'?: string; 'match-by-position'?: boolean;
}

/** Checks a --split value. */
export function splitArg(value: string | undefined, fallback: SplitArg): SplitArg {
  const split = value ?? fallback;
  if (!(SPLIT_NAMES as readonly string[]).includes(split)) throw new UsageError(`--split must be train, val, test or all, got "${value}"`);
  return split as SplitArg;
}

/** The held-out fraction and seed of the folder split (--val-fraction, --split-seed). */
function folderSplitArgs(args: DataArgs): { valFraction: number; seed: number } {
  const valFraction = numberFlag(args['val-fraction'], '--val-fraction', FOLDER_SPLIT_DEFAULTS.valFraction);
  if (!(valFraction > 0 && valFraction < 1)) throw new UsageError(`--val-fraction must be between 0 and 1 (exclusive), got "${args['val-fraction']}"`);
  return { valFraction, seed: countFlag(args['split-seed'], '--split-seed', FOLDER_SPLIT_DEFAULTS.seed) };
}

/** Up to `n` names joined, with a count of the rest. */
function someNames(names: string[], n = 4): string {
  return names.length > n ? `${names.slice(0, n).join(', ')}, ... (${names.length} in all)` : names.join(', ');
}

/** The one-line error for dataset classes that match no model class. */
function unmatchedError(match: ClassMatch, modelNames: string[]): Error {
  const ambiguous = match.ambiguous.map((a) => `${a.name} (fits ${a.candidates.join(' and ')})`);
  const plain = match.unmatched.filter((n) => !match.ambiguous.some((a) => a.name === n));
  const parts = [
    plain.length > 0 ? `the dataset classes ${someNames(plain, 8)} match none of the model's classes (${someNames(modelNames)})` : '',
    ambiguous.length > 0 ? `ambiguous: ${ambiguous.join('; ')}` : '',
  ].filter(Boolean);
  return new Error(`${parts.join('; ')}; say what to do with --class-map map.json ({"dataset class": "model class", ...}) or --match-by-position (pairs classes by order)`);
}

/** The dataset relabelled onto the model's classes: by name, then --class-map, or --match-by-position; never silently. */
export function matchedDataset(ctx: CliContext, ds: ImageDataset, cfg: VitConfig, args: DataArgs): ImageDataset {
  const modelNames = modelClassNames(cfg.classNames, cfg.numClasses);
  const mapFile = args['class-map'];
  let given: number[] | null = null;
  if (mapFile) {
    if (!existsSync(mapFile)) throw new UsageError(`--class-map ${mapFile}: no such file`);
    given = classMapGiven(readFileSync(mapFile, 'utf8'), mapFile, ds.classNames, modelNames);
  }
  const match = matchClasses(ds.classNames, modelNames, { rule: args['match-by-position'] ? 'position' : 'name', given });
  if (match.unmatched.length > 0) throw unmatchedError(match, modelNames);
  if (args['match-by-position']) {
    ctx.log(`classes paired by position: ${someNames(ds.classNames.map((n, i) => `${n} -> ${modelNames[match.mapping[i]]}`), 10)}`);
  }
  return relabelDataset(ds, match.mapping, modelNames);
}

/** The path `--data` names (`sample` = the shipped sample); a usage error when missing or not there. */
export function dataArgPath(data: string | undefined): string {
  if (!data) throw new UsageError('this command needs --data <dataset> (a folder of class folders, IDX files, a .zip, or "sample")');
  const path = data === 'sample' ? SHIPPED_SAMPLE : data;
  if (!existsSync(path)) throw new UsageError(`--data ${data}: no such file or folder`);
  return path;
}

/**
 * Loads `--data` (a folder of class folders, IDX files, a .zip, a dataset .safetensors, or `sample`) for `cfg`'s
 * input: the `split` part, its classes matched to the model's. `labelMode` other than 'labels' (a new head,
 * label-free training) keeps the dataset's own classes and skips matching; 'label-free' also accepts loose
 * images without class folders (unlabelled, split like one class).
 */
export function datasetArg(ctx: CliContext, args: DataArgs, cfg: VitConfig, split: SplitArg, labelMode: LabelMode = 'labels'): ImageDataset {
  const data = args.data;
  const path = dataArgPath(data);
  const how = folderSplitArgs(args);
  const { dataset: ds, kind } = loadDatasetPart(readNodeFiles(path), { shape: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]] }, split, {
    decoder: nodeImageDecoder, allowUnlabelled: labelMode === 'label-free', ...how,
  });
  if (ds.skipped.length > 0) {
    ctx.log(`skipped ${ds.skipped.length} files: ${ds.skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ')}${ds.skipped.length > 3 ? '; ...' : ''}`);
  }
  if (kind === 'image-folder') {
    const part = split === 'all' ? 'all' : split === 'train' ? 'the training part' : 'the held-out part';
    ctx.log(`--data ${data}: ${part === 'all' ? 'every image' : `${part} of a stratified split (val fraction ${how.valFraction}, seed ${how.seed})`}: ${ds.labels.length} images`);
  }
  return labelMode === 'labels' ? matchedDataset(ctx, ds, cfg, args) : ds;
}
