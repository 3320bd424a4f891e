import { disposeVitParams, vitParams } from '../../model/vitParams';
import { paramsToHost } from '../../model/paramsToHost';
import { pruneModel, type PrunedModel } from '../../prune/pruneModel';
import { evaluateAccuracy } from '../../train/evaluate';
import { finetune } from '../../train/finetune';
import type { ImageDataset } from '../../data/imageDataset';
import type { VitConfig } from '../../model/vitConfig';
import type { HostTensors } from '../../model/hostTensor';
import { loadModelDir } from '../modelDir';
import { datasetArg, splitArg, type DataArgs } from '../datasetArg';
import { accuracyEvidence, wilsonInterval } from '../../data/wilsonInterval';
import { blockRatesFlag, countFlag, criterionFlag, intFlag, rateFlag } from '../cliFlags';
import { scoreSource } from '../scoreSource';
import { saveModelDir } from '../saveModelDir';
import { si } from '../modelSummary';
import { UsageError, type CliContext } from '../cliContext';

/** Options of `vtp prune`. */
export interface PruneArgs extends DataArgs {
  scores?: string; rate?: string; criterion?: string; 'no-fold'?: boolean; 'round-to'?: string; 'block-rates'?: string;
  'finetune-steps'?: string; batch?: string; limit?: string; out?: string; seed?: string;
}

/** Top-1 accuracy of a model on a dataset. */
async function accuracyOf(cfg: VitConfig, tensors: HostTensors, ds: ImageDataset, limit: number | null): Promise<{ top1: number; n: number }> {
  const params = vitParams(cfg, tensors);
  const result = await evaluateAccuracy(params, ds, cfg, { limit });
  disposeVitParams(params);
  return { top1: result.top1, n: result.n };
}

/** Finetunes the slim model on `train` (CE only); returns the trained weights. */
async function finetuneSlim(ctx: CliContext, slim: PrunedModel, train: ImageDataset, steps: number, args: PruneArgs): Promise<HostTensors> {
  const params = vitParams(slim.config, slim.tensors, true);
  const every = Math.max(1, Math.round(steps / 10));
  const result = await finetune(params, train, {
    steps, batchSize: intFlag(args.batch, '--batch', 64), augment: { shift: 2, flip: false }, seed: countFlag(args.seed, '--seed', 0),
  }, { onProgress: (p) => { if (p.step % every === 0) ctx.log(`finetune step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  batch acc ${(100 * p.accuracy).toFixed(1)}%`); } });
  if (result.stopped) ctx.log(`finetuning stopped: ${result.stopped}`);
  const tensors = await paramsToHost(params);
  disposeVitParams(params);
  return tensors;
}

const pct = (a: number, b: number) => `${(100 * (1 - b / a)).toFixed(1)}%`;

/** `vtp prune <model-dir> --scores f --rate r ... --out slim-dir`: threshold, fold, slim, optionally finetune, save. */
export async function pruneCommand(ctx: CliContext, dir: string, args: PruneArgs): Promise<void> {
  if (!args.out) throw new UsageError('prune needs --out <slim-dir>');
  const model = await loadModelDir(dir, ctx);
  const criterion = criterionFlag(args.criterion);
  const scores = await scoreSource(args.scores, model.config, criterion);
  const finetuneSteps = countFlag(args['finetune-steps'], '--finetune-steps', 0);
  if (finetuneSteps > 0 && !args.data) throw new UsageError('--finetune-steps needs --data <dataset>');
  const slim = pruneModel(model.config, model.tensors, scores, {
    rate: rateFlag(args.rate), criterion, fold: !args['no-fold'], roundTo: intFlag(args['round-to'], '--round-to', 1),
    blockRates: blockRatesFlag(args['block-rates'], model.config.depth),
  });
  const { before, after } = slim;
  ctx.log(`params ${si(before.total.params)} -> ${si(after.total.params)} (-${pct(before.total.params, after.total.params)}), ` +
    `MACs ${si(before.total.macs)} -> ${si(after.total.macs)} (-${pct(before.total.macs, after.total.macs)})`);
  const report: Record<string, unknown> = { rate: Number(args.rate), criterion, fold: !args['no-fold'], threshold: slim.mask.threshold,
    paramsBefore: before.total.params, paramsAfter: after.total.params, macsBefore: before.total.macs, macsAfter: after.total.macs };
  let tensors = slim.tensors;
  if (args.data) {
    const limit = args.limit ? intFlag(args.limit, '--limit', 1) : null;
    const evalSet = datasetArg(ctx, args, model.config, splitArg(args.split, 'test'));
    const slimAcc = await accuracyOf(slim.config, tensors, evalSet, limit);
    Object.assign(report, { accuracy: slimAcc.top1, accuracyImages: slimAcc.n, accuracyCi95: wilsonInterval(slimAcc.top1, slimAcc.n) });
    ctx.log(`accuracy of the slim model: ${(100 * slimAcc.top1).toFixed(2)}% on ${accuracyEvidence(slimAcc.top1, slimAcc.n)}`);
    if (finetuneSteps > 0) {
      tensors = await finetuneSlim(ctx, slim, datasetArg(ctx, args, model.config, 'train'), finetuneSteps, args);
      const tuned = await accuracyOf(slim.config, tensors, evalSet, limit);
      Object.assign(report, { finetunedAccuracy: tuned.top1, finetunedCi95: wilsonInterval(tuned.top1, tuned.n) });
      ctx.log(`after finetuning: ${(100 * tuned.top1).toFixed(2)}% on ${accuracyEvidence(tuned.top1, tuned.n)}`);
    }
  }
  await saveModelDir(args.out, slim.config, tensors);
  ctx.log(`wrote the slim model to ${args.out}`);
  if (ctx.json) ctx.print(JSON.stringify({ ...report, blocks: slim.config.blocks, out: args.out }) + '\n');
}
