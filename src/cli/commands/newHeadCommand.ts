import { basename, resolve } from 'node:path';
import { newHeadModel, NEW_HEAD_DEFAULTS } from '../../train/newHead';
import { loadModelDir } from '../modelDir';
import { isFolderDataArg, unmatchedDataArg } from '../unmatchedDataArg';
import { splitArg, type DataArgs } from '../datasetArg';
import { countFlag, numberFlag } from '../cliFlags';
import { saveModelDir } from '../saveModelDir';
import { UsageError, type CliContext } from '../cliContext';

/** Options of `vtp new-head`. */
export interface NewHeadArgs extends DataArgs { out?: string; seed?: string }

/**
 * `vtp new-head <model-dir> --data <dataset> --out <new-model-dir> [--val-fraction f] [--split-seed s]`: a new
 * linear head for the dataset's classes (names = its folder names, never matched to the model's), fitted
 * on frozen features of a seeded stratified training part; prints the head's validation accuracy. Class
 * folders are read whole (`--split all`) and split with the same fraction and seed as every other command,
 * so the head's validation images are exactly the held-out part `eval --split val` measures; IDX files and
 * dataset files use their training part (`--split train`), their test part stays unseen.
 */
export async function newHeadCommand(ctx: CliContext, dir: string, args: NewHeadArgs): Promise<void> {
  if (!args.out) throw new UsageError('new-head needs --out <new-model-dir>');
  const valFraction = numberFlag(args['val-fraction'], '--val-fraction', NEW_HEAD_DEFAULTS.valFraction);
  if (!(valFraction > 0 && valFraction < 1)) throw new UsageError(`--val-fraction must be between 0 and 1, got "${args['val-fraction']}"`);
  const seed = countFlag(args['split-seed'] ?? args.seed, args['split-seed'] !== undefined ? '--split-seed' : '--seed', 0);
  const model = await loadModelDir(dir, ctx);
  const split = splitArg(args.split, isFolderDataArg(args.data) ? 'all' : 'train');
  const ds = unmatchedDataArg(ctx, { ...args, 'split-seed': String(seed) }, model.config, split);
  const name = args.data === 'sample' ? 'sample' : basename(resolve(args.data!));
  ctx.log(`fitting a new head for ${ds.classNames.length} classes (${ds.classNames.slice(0, 5).join(', ')}${ds.classNames.length > 5 ? ', ...' : ''}) on ${ds.labels.length} images`);
  const started = performance.now();
  const result = await newHeadModel(model.config, model.tensors, ds, name, model.config,
    { valFraction, seed },
    (p) => { if (p.phase === 'fit' && p.done === p.total) ctx.log(`features computed, fit ${p.total} steps`); });
  const seconds = (performance.now() - started) / 1000;
  await saveModelDir(args.out, result.config, result.tensors);
  const origin = result.config.headOrigin!;
  const val = result.valAccuracy === null ? 'no validation images' : `validation accuracy ${(100 * result.valAccuracy).toFixed(2)}% on ${origin.valImages} images`;
  ctx.log(`wrote the model with its new head to ${args.out}`);
  if (ctx.json) {
    ctx.print(JSON.stringify({ out: args.out, classes: result.config.classNames, valAccuracy: result.valAccuracy, trainAccuracy: result.trainAccuracy,
      trainImages: origin.trainImages, valImages: origin.valImages, seconds }) + '\n');
  } else {
    ctx.print(`new head: ${val} (training ${(100 * result.trainAccuracy).toFixed(2)}% on ${origin.trainImages}), ${seconds.toFixed(1)} s, ${ctx.backend}\n`);
  }
}
