import { existsSync } from 'node:fs';
import { loadDataset } from '../data/loadDataset';
import { detectDatasetKind } from '../data/loadDataset';
import { isLooseImageFolder } from '../data/looseImages';
import { readNodeFiles } from '../data/nodeFiles';
import { nodeImageDecoder } from '../data/nodeImageDecoder';
import type { ImageDataset } from '../data/imageDataset';
import type { VitConfig } from '../model/vitConfig';
import { datasetArg, SHIPPED_SAMPLE, type SplitArg } from './datasetArg';
import { UsageError, type CliContext } from './cliContext';

/** The path `--data` names (`sample` = the shipped sample); a usage error when missing. */
function dataPath(data: string | undefined): string {
  if (!data) throw new UsageError('this command needs --data <dataset> (a folder of class folders, IDX files, a .zip, or "sample")');
  const path = data === 'sample' ? SHIPPED_SAMPLE : data;
  if (!existsSync(path)) throw new UsageError(`--data ${data}: no such file or folder`);
  return path;
}

/**
 * Loads `--data` for `cfg`'s input WITHOUT matching its classes to the model's: labels are the dataset's
 * own (class names = folder names), or none for loose images when `allowUnlabelled` (label-free mode).
 * For the new-head command (the dataset's classes define the head) and distillation (labels unused).
 */
export function unmatchedDataArg(ctx: CliContext, data: string | undefined, cfg: VitConfig, split: SplitArg,
  allowUnlabelled = false): ImageDataset {
  const files = readNodeFiles(dataPath(data));
  const ds = loadDataset(files, { shape: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]] }, {
    split: split === 'train' ? 'train' : 'test', decoder: nodeImageDecoder, allowUnlabelled,
  });
  if (ds.skipped.length > 0) {
    ctx.log(`skipped ${ds.skipped.length} files: ${ds.skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ')}${ds.skipped.length > 3 ? '; ...' : ''}`);
  }
  if (ds.unlabelled) ctx.log(`unlabelled: ${ds.labels.length} images, label-free mode`);
  return ds;
}

/** True when `--data` is a folder of loose images with no class folders (read from the paths only, no decoding). */
export function isLooseDataArg(data: string | undefined): boolean {
  const files = readNodeFiles(dataPath(data));
  return detectDatasetKind(files) === 'image-folder' && isLooseImageFolder(files);
}

/** `--data` for evaluation: loose images load unlabelled (agreement only), anything else through datasetArg (matched). */
export function evalDataArg(ctx: CliContext, data: string | undefined, cfg: VitConfig, split: SplitArg): ImageDataset {
  return isLooseDataArg(data) ? unmatchedDataArg(ctx, data, cfg, split, true) : datasetArg(ctx, data, cfg, split);
}
