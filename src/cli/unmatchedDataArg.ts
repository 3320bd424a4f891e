import { detectDatasetKind } from '../data/loadDataset';
import { isLooseImageFolder } from '../data/looseImages';
import { readNodeFiles } from '../data/nodeFiles';
import type { ImageDataset } from '../data/imageDataset';
import type { VitConfig } from '../model/vitConfig';
import { dataArgPath, datasetArg, type DataArgs, type SplitArg } from './datasetArg';
import type { CliContext } from './cliContext';

/**
 * Loads the `split` part of `--data` for `cfg`'s input WITHOUT matching its classes to the model's (datasetArg
 * in label mode 'new-head', or 'label-free' when `allowUnlabelled`): labels are the dataset's own (class names =
 * folder names), or none for loose images. For the new-head command (the dataset's classes define the head)
 * and distillation (labels unused). Same split as every other command (--split, --val-fraction, --split-seed).
 */
export function unmatchedDataArg(ctx: CliContext, args: DataArgs, cfg: VitConfig, split: SplitArg,
  allowUnlabelled = false): ImageDataset {
  const ds = datasetArg(ctx, args, cfg, split, allowUnlabelled ? 'label-free' : 'new-head');
  if (ds.unlabelled) ctx.log(`unlabelled: ${ds.labels.length} images, label-free mode`);
  return ds;
}

/** True when `--data` is a folder of loose images with no class folders (read from the paths only, no decoding). */
export function isLooseDataArg(data: string | undefined): boolean {
  const files = readNodeFiles(dataArgPath(data));
  return detectDatasetKind(files) === 'image-folder' && isLooseImageFolder(files);
}

/** True when `--data` is class folders or a zip of them (split by --val-fraction/--split-seed, `--split all` allowed). */
export function isFolderDataArg(data: string | undefined): boolean {
  return detectDatasetKind(readNodeFiles(dataArgPath(data))) === 'image-folder';
}

/** `--data` for evaluation: loose images load unlabelled (agreement only), anything else through datasetArg (matched). */
export function evalDataArg(ctx: CliContext, args: DataArgs, cfg: VitConfig, split: SplitArg): ImageDataset {
  return isLooseDataArg(args.data) ? unmatchedDataArg(ctx, args, cfg, split, true) : datasetArg(ctx, args, cfg, split);
}
