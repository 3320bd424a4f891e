import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../data/loadDataset';
import { readNodeFiles } from '../data/nodeFiles';
import { nodeImageDecoder } from '../data/nodeImageDecoder';
import type { ImageDataset } from '../data/imageDataset';
import { alignClasses } from '../data/alignClasses';
import type { VitConfig } from '../model/vitConfig';
import { UsageError, type CliContext } from './cliContext';

/** Path of the Fashion-MNIST sample shipped with the app (`--data sample`). */
export const SHIPPED_SAMPLE = fileURLToPath(new URL('../../public/data/fmnist-sample.safetensors', import.meta.url));

/** Dataset split names the CLI accepts; `val` and `test` both pick the held-out half. */
export type SplitArg = 'train' | 'test' | 'val';

/** Checks a --split value. */
export function splitArg(value: string | undefined, fallback: SplitArg): SplitArg {
  const split = value ?? fallback;
  if (split !== 'train' && split !== 'test' && split !== 'val') throw new UsageError(`--split must be train, val or test, got "${value}"`);
  return split;
}

/** Loads `--data` (a folder of class folders, IDX files, a .zip, a dataset .safetensors, or `sample`) for `cfg`'s input. */
export function datasetArg(ctx: CliContext, data: string | undefined, cfg: VitConfig, split: SplitArg): ImageDataset {
  if (!data) throw new UsageError('this command needs --data <dataset> (a folder of class folders, IDX files, a .zip, or "sample")');
  const path = data === 'sample' ? SHIPPED_SAMPLE : data;
  if (!existsSync(path)) throw new UsageError(`--data ${data}: no such file or folder`);
  const files = readNodeFiles(path);
  const ds = loadDataset(files, { shape: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]] }, {
    split: split === 'train' ? 'train' : 'test',
    decoder: nodeImageDecoder,
  });
  if (ds.skipped.length > 0) {
    ctx.log(`skipped ${ds.skipped.length} files: ${ds.skipped.slice(0, 3).map((s) => `${s.file} (${s.reason})`).join('; ')}${ds.skipped.length > 3 ? '; ...' : ''}`);
  }
  const aligned = alignClasses(ds, cfg.classNames, cfg.numClasses);
  if (aligned.note) ctx.log(`warning: ${aligned.note}`);
  return aligned.dataset;
}
