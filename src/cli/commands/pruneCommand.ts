import { disposeVitParams, vitParams } from '../../model/vitParams';
import { vitLogits } from '../../model/vitForward';
import { paramsToHost } from '../../model/paramsToHost';
import { pruneModel, type PrunedModel } from '../../prune/pruneModel';
import { evaluateAccuracy, type EvaluateResult } from '../../train/evaluate';
import { finetune } from '../../train/finetune';
import { hasLabels, type ImageDataset } from '../../data/imageDataset';
import type { VitConfig } from '../../model/vitConfig';
import type { HostTensors } from '../../model/hostTensor';
import type { DistillOptions } from '../../train/teacher';
import { loadModelDir } from '../modelDir';
import { datasetArg, splitArg, type DataArgs } from '../datasetArg';
import { wilsonInterval } from '../../data/wilsonInterval';
import { evalDataArg, isLooseDataArg } from '../unmatchedDataArg';
import { distillArgs, distillDataset } from '../distillArgs';
import { referencePredictions } from '../referencePredictions';
import { figuresText, jsonAccuracy } from '../figures';
import { blockRatesFlag, countFlag, criterionFlag, foldFlag, intFlag } from '../cliFlags';
import { budgetChoice, type BudgetArgs, type BudgetChoice } from '../budgetArgs';
import { predictLatency } from '../../prune/latencyTable';
import { backendTiming, landLatency, LATENCY_LANDING_DEFAULTS } from '../latencyLanding';
import { scoreSource } from '../scoreSource';
import { saveModelDir } from '../saveModelDir';
import { si } from '../modelSummary';
import { removedSublayers, removedSublayersText } from '../../prune/sublayerRemoval';
import { UsageError, type CliContext } from '../cliContext';

/** Options of `vtp prune`. */
export interface PruneArgs extends DataArgs, BudgetArgs {
  scores?: string; criterion?: string; 'no-fold'?: boolean; fold?: boolean; 'round-to'?: string; 'block-rates'?: string;
  'finetune-steps'?: string; batch?: string; limit?: string; out?: string; seed?: string;
  'finetune-distill'?: boolean; 'distill-alpha'?: string; temperature?: string; 'latency-corrections'?: string;
}

/** Top-1 accuracy (NaN without labels) and agreement with `reference` of a model on a dataset. */
async function figuresOf(cfg: VitConfig, tensors: HostTensors, ds: ImageDataset, limit: number | null, reference: Int32Array): Promise<EvaluateResult> {
  const params = vitParams(cfg, tensors);
  try {
    return await evaluateAccuracy(params, ds, cfg, { limit, reference });
  } finally {
    disposeVitParams(params);
  }
}

/** Finetunes the slim model on `train` (CE, or distillation from the unpruned model); returns the trained weights. */
async function finetuneSlim(ctx: CliContext, slim: PrunedModel, train: ImageDataset, steps: number, args: PruneArgs,
  distill: Omit<DistillOptions, 'teacher'> | null, unpruned: { config: VitConfig; tensors: HostTensors }): Promise<HostTensors> {
  const params = vitParams(slim.config, slim.tensors, true);
  const teacherParams = distill ? vitParams(unpruned.config, unpruned.tensors) : null;
  const every = Math.max(1, Math.round(steps / 10));
  try {
    const result = await finetune(params, train, {
      steps, batchSize: intFlag(args.batch, '--batch', 64), augment: { shift: 2, flip: false }, seed: countFlag(args.seed, '--seed', 0),
      distill: distill && teacherParams ? { ...distill, teacher: (x) => vitLogits(teacherParams, x) } : null,
    }, { onProgress: (p) => { if (p.step % every === 0) ctx.log(`finetune step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  batch ${hasLabels(train) ? 'acc' : 'agreement'} ${(100 * p.accuracy).toFixed(1)}%`); } });
    if (result.stopped) ctx.log(`finetuning stopped: ${result.stopped}`);
    return await paramsToHost(params);
  } finally {
    disposeVitParams(params);
    if (teacherParams) disposeVitParams(teacherParams);
  }
}

/** The JSON report fields of one evaluation: accuracy (null without labels) and agreement, each with its 95% interval. */
function jsonFigures(r: EvaluateResult, accuracyKey: string, ciKey: string, agreementKey: string): Record<string, unknown> {
  const accuracy = jsonAccuracy(r.top1);
  return {
    [accuracyKey]: accuracy, [ciKey]: accuracy === null ? null : wilsonInterval(accuracy, r.n),
    [agreementKey]: r.agreement, [`${agreementKey}Ci95`]: r.agreement === null ? null : wilsonInterval(r.agreement, r.n),
  };
}

const pct = (a: number, b: number) => `${(100 * (1 - b / a)).toFixed(1)}%`;

/** Distillation settings of the finetune: on by default for loose images (no labels), else with --finetune-distill. */
function finetuneDistill(args: PruneArgs, finetuneSteps: number): Omit<DistillOptions, 'teacher'> | null {
  const wanted = args['finetune-distill'] ?? false;
  if (wanted && finetuneSteps === 0) throw new UsageError('--finetune-distill needs --finetune-steps N');
  const on = wanted || (finetuneSteps > 0 && isLooseDataArg(args.data));
  return distillArgs(args, on, '--finetune-distill');
}

/** Fraction of the budget's cost the slim model saves (params, MACs, or predicted latency). */
function savedOf(budget: BudgetChoice, slim: PrunedModel): number {
  if (budget.unit === 'latency') return 1 - predictLatency(budget.latency!, slim.config) / budget.fullMs!;
  const key = budget.unit === 'params' ? 'params' : 'macs';
  return 1 - slim.after.total[key] / slim.before.total[key];
}

/** The report's target fields; refuses a budget out of reach (every gate keeps one dim) with the most that can be saved. */
function budgetReport(ctx: CliContext, budget: BudgetChoice, slim: PrunedModel): Record<string, unknown> {
  const base = { rate: budget.unit === 'rate' ? budget.rate : null, unit: budget.unit, rank: budget.rank, heads: budget.heads, sublayers: budget.sublayers };
  if (budget.unit === 'rate') return base;
  const saved = savedOf(budget, slim);
  const what = budget.unit === 'macs' ? 'MACs' : budget.unit;
  if (saved < budget.rate - 1e-9) {
    throw new UsageError(`the budget is out of reach: at most ${(100 * saved).toFixed(1)}% of ${what} can be saved (every gate keeps one dim)`);
  }
  if (budget.unit !== 'latency') {
    ctx.log(`budget: ${(100 * budget.rate).toFixed(1)}% of ${what} saved, ranked by ${budget.rank === 'cost' ? '|a| per unit of cost' : '|a|'}: ${(100 * saved).toFixed(2)}%`);
    return { ...base, target: budget.rate, saved };
  }
  ctx.log(`budget: ${budget.latencyMs} ms per batch of ${budget.latency!.batch} on ${budget.latency!.backend}; predicted ${budget.fullMs!.toFixed(1)} -> ${predictLatency(budget.latency!, slim.config).toFixed(1)} ms`);
  return { ...base, target: budget.rate, latencyTargetMs: budget.latencyMs, latencyBeforeMs: budget.fullMs, latencyBatch: budget.latency!.batch };
}

/** For a latency budget: the final slim model's predicted saving and ms (after any corrections). */
function latencyPrediction(budget: BudgetChoice, slim: PrunedModel): Record<string, number> {
  if (budget.unit !== 'latency') return {};
  return { saved: savedOf(budget, slim), latencyPredictedMs: predictLatency(budget.latency!, slim.config) };
}

/** For a latency budget: the slim model landed by measurement (latencyLanding.ts) and its report fields; otherwise `slim` as it is. */
async function landedSlim(ctx: CliContext, budget: BudgetChoice, full: VitConfig, slim: PrunedModel, pruneAt: (rate: number) => PrunedModel,
  corrections: number): Promise<{ slim: PrunedModel; fields: Record<string, number> }> {
  if (budget.unit !== 'latency') return { slim, fields: {} };
  const inReach = (aim: number) => { const s = pruneAt(aim); return savedOf({ ...budget, rate: aim }, s) >= aim - 1e-9 ? s : null; };
  const task = { table: budget.latency!, full, target: budget.rate, first: slim, prune: inReach, time: backendTiming(full, budget.latency!.batch) };
  const l = await landLatency(ctx, task, { corrections });
  return { slim: l.slim, fields: { latencyMeasuredMs: l.slimMs, latencyMeasuredFullMs: l.fullMs, latencyMeasuredSaved: l.measuredSaved, latencyAimedSaved: l.aimed, latencyCorrections: l.corrections } };
}

/** `vtp prune <model-dir> --scores f --rate r ... --out slim-dir`: threshold, fold, slim, optionally finetune, save. */
export async function pruneCommand(ctx: CliContext, dir: string, args: PruneArgs): Promise<void> {
  if (!args.out) throw new UsageError('prune needs --out <slim-dir>');
  const model = await loadModelDir(dir, ctx);
  const criterion = criterionFlag(args.criterion);
  const scores = await scoreSource(args.scores, model.config, criterion);
  const finetuneSteps = countFlag(args['finetune-steps'], '--finetune-steps', 0);
  if (finetuneSteps > 0 && !args.data) throw new UsageError('--finetune-steps needs --data <dataset>');
  const distill = finetuneDistill(args, finetuneSteps);
  const corrections = countFlag(args['latency-corrections'], '--latency-corrections', LATENCY_LANDING_DEFAULTS.corrections);
  const budget = await budgetChoice(ctx, model.config, args);
  const pruneAt = (rate: number) => pruneModel(model.config, model.tensors, scores, {
    rate, unit: budget.unit, rank: budget.rank, latency: budget.latency, heads: budget.heads, sublayers: budget.sublayers, criterion, fold: foldFlag(args),
    roundTo: intFlag(args['round-to'], '--round-to', 1), blockRates: blockRatesFlag(args['block-rates'], model.config.depth),
  });
  const first = pruneAt(budget.rate);
  const budgetFields = budgetReport(ctx, budget, first); // refuses a budget out of reach before anything is timed
  const { slim, fields: latencyFields } = await landedSlim(ctx, budget, model.config, first, pruneAt, corrections);
  const { before, after } = slim;
  ctx.log(`params ${si(before.total.params)} -> ${si(after.total.params)} (-${pct(before.total.params, after.total.params)}), ` +
    `MACs ${si(before.total.macs)} -> ${si(after.total.macs)} (-${pct(before.total.macs, after.total.macs)})`);
  const removed = removedSublayers(model.config, slim.config);
  if (budget.sublayers) ctx.log(`sublayers removed: ${removedSublayersText(removed)}`);
  const report: Record<string, unknown> = { ...budgetFields, ...latencyPrediction(budget, slim), removedSublayers: removed, droppedBlocks: slim.config.droppedBlocks ?? [], ...latencyFields, criterion, fold: foldFlag(args), threshold: slim.mask.threshold,
    paramsBefore: before.total.params, paramsAfter: after.total.params, macsBefore: before.total.macs, macsAfter: after.total.macs };
  let tensors = slim.tensors;
  if (args.data) {
    const limit = args.limit ? intFlag(args.limit, '--limit', 1) : null;
    const evalSet = evalDataArg(ctx, args, model.config, splitArg(args.split, 'test'));
    const reference = await referencePredictions(model.config, model.tensors, evalSet, limit);
    const pruned = await figuresOf(slim.config, tensors, evalSet, limit, reference);
    Object.assign(report, { ...jsonFigures(pruned, 'accuracy', 'accuracyCi95', 'agreement'), accuracyImages: pruned.n });
    ctx.log(`slim model: ${figuresText(pruned.top1, pruned.n, pruned.agreement)}`);
    if (finetuneSteps > 0) {
      const train = distill ? distillDataset(ctx, args, model.config, distill.alpha) : datasetArg(ctx, args, model.config, 'train');
      if (distill) ctx.log(`finetuning with distillation from the unpruned model: T = ${distill.temperature}, alpha = ${distill.alpha}`);
      tensors = await finetuneSlim(ctx, slim, train, finetuneSteps, args, distill, model);
      const tuned = await figuresOf(slim.config, tensors, evalSet, limit, reference);
      Object.assign(report, { ...jsonFigures(tuned, 'finetunedAccuracy', 'finetunedCi95', 'finetunedAgreement'), finetuneDistill: distill !== null });
      ctx.log(`after finetuning: ${figuresText(tuned.top1, tuned.n, tuned.agreement)}`);
    }
  }
  await saveModelDir(args.out, slim.config, tensors);
  ctx.log(`wrote the slim model to ${args.out}`);
  if (ctx.json) ctx.print(JSON.stringify({ ...report, blocks: slim.config.blocks, out: args.out }) + '\n');
}
