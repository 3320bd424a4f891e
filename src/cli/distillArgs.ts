import { withoutLabels, type ImageDataset } from '../data/imageDataset';
import type { VitConfig } from '../model/vitConfig';
import { DISTILL_DEFAULTS, type DistillOptions } from '../train/teacher';
import { numberFlag } from './cliFlags';
import { UsageError, type CliContext } from './cliContext';
import { datasetArg, type DataArgs, type SplitArg } from './datasetArg';
import { isLooseDataArg, unmatchedDataArg } from './unmatchedDataArg';

/**
 * What `vtp scores` trains on when neither --target nor --distill is given: the unpruned model's predictions, measured
 * better than the labels on the demo model (README "VTP on the demo model"); the studio's default is the same.
 */
export const CLI_SCORE_TARGET_DEFAULT: 'labels' | 'original' = 'original';

/** --target labels|original of `vtp scores` (--distill means original); the default when neither is given. */
export function scoreTargetArg(args: { target?: string; distill?: boolean }): 'labels' | 'original' {
  if (args.target !== undefined && args.target !== 'labels' && args.target !== 'original') throw new UsageError(`--target must be labels or original, got "${args.target}"`);
  if (args.distill && args.target === 'labels') throw new UsageError('--distill trains on the original model: it contradicts --target labels');
  return args.distill ? 'original' : (args.target as 'labels' | 'original' | undefined) ?? CLI_SCORE_TARGET_DEFAULT;
}

/** The distillation flags of a command. */
export interface DistillArgs { distill?: boolean; 'distill-alpha'?: string; temperature?: string }

/** Temperature and α from --distill [--distill-alpha a] [--temperature T]; null when not distilling (`on` overrides --distill). */
export function distillArgs(args: DistillArgs, on = args.distill ?? false, flag = '--distill'): Omit<DistillOptions, 'teacher'> | null {
  if (!on) {
    if (args['distill-alpha'] !== undefined || args.temperature !== undefined) throw new UsageError(`--distill-alpha and --temperature need ${flag}`);
    return null;
  }
  const alpha = numberFlag(args['distill-alpha'], '--distill-alpha', DISTILL_DEFAULTS.alpha);
  if (alpha < 0 || alpha > 1) throw new UsageError(`--distill-alpha must be in [0, 1], got "${args['distill-alpha']}"`);
  const temperature = numberFlag(args.temperature, '--temperature', DISTILL_DEFAULTS.temperature);
  if (!(temperature > 0)) throw new UsageError(`--temperature must be > 0, got "${args.temperature}"`);
  return { alpha, temperature };
}

/**
 * The training images for distillation: with α = 0 any dataset, labels ignored and classes never matched
 * (loose images without class folders too); with α > 0 a labelled dataset matched to the model as usual.
 * The `split` part (the training part by default), as every command splits.
 */
export function distillDataset(ctx: CliContext, args: DataArgs, cfg: VitConfig, alpha: number, split: SplitArg = 'train'): ImageDataset {
  if (alpha > 0) {
    if (isLooseDataArg(args.data)) throw new UsageError(`--distill-alpha ${alpha} mixes in cross-entropy, which needs labels; ${args.data} holds loose images without class folders (use --distill-alpha 0)`);
    return datasetArg(ctx, args, cfg, split);
  }
  const ds = unmatchedDataArg(ctx, args, cfg, split, true);
  return ds.unlabelled ? ds : withoutLabels(ds);
}
