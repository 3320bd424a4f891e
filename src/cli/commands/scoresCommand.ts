import { writeFile } from 'node:fs/promises';
import { scoreFileBytes } from '../../io/scoreFile';
import { disposeVitParams, vitParams } from '../../model/vitParams';
import { trainScores, ungatedTeacher, type ScoreStepInfo } from '../../train/scoreTraining';
import { distillArgs, distillDataset, scoreTargetArg } from '../distillArgs';
import { loadModelDir } from '../modelDir';
import { datasetArg, splitArg, type DataArgs } from '../datasetArg';
import { intFlag, numberFlag, countFlag } from '../cliFlags';
import { UsageError, type CliContext } from '../cliContext';
import { saveModelDir } from '../saveModelDir';
import { paramsToHost } from '../../model/paramsToHost';
import type { ScoreSet } from '../../prune/scoreSet';
import { SUBLAYER_PARTS, type SublayerPart } from '../../model/gateLayout';

/** Options of `vtp scores`. */
export interface ScoresArgs extends DataArgs {
  steps?: string; batch?: string; lr?: string; l1?: string; seed?: string; out?: string;
  'train-weights'?: boolean; 'no-augment'?: boolean; limit?: string; 'sublayer-gates'?: boolean;
  distill?: boolean; target?: string; 'distill-alpha'?: string; temperature?: string;
}

/** One progress line every `every` steps. */
function progressLine(p: ScoreStepInfo): string {
  const near = Object.values(p.scoreStats).map((s) => s.nearZero);
  const eta = (p.elapsedMs / p.step) * (p.steps - p.step) / 1000;
  return `step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)} (data ${p.ce.toFixed(4)}, L1 ${p.l1.toFixed(1)})  batch acc ${(100 * p.accuracy).toFixed(1)}%  ` +
    `near-zero qkv/attn/fc1/hidden ${near.map((n) => (100 * n).toFixed(0) + '%').join('/')}  ${(p.elapsedMs / 1000).toFixed(0)} s, ${eta.toFixed(0)} s left`;
}

/** "block 0 attention 0.981 MLP 0.854, ..." for learned sublayer gates, or '' when there are none. */
function sublayerGatesText(scores: ScoreSet): string {
  const partText = (part: SublayerPart, g: number | undefined) => (g === undefined ? '' : ` ${part === 'attn' ? 'attention' : 'MLP'} ${g.toFixed(3)}`);
  return scores.blocks.flatMap((b, i) => (b.sublayer ? [`block ${i}${SUBLAYER_PARTS.map((p) => partText(p, b.sublayer?.[p])).join('')}`] : [])).join(', ');
}

/** `vtp scores <model-dir> --data <dataset> --steps N ... --out scores.safetensors`: VTP score training. */
export async function scoresCommand(ctx: CliContext, dir: string, args: ScoresArgs): Promise<void> {
  if (!args.out) throw new UsageError('scores needs --out <scores.safetensors>');
  const model = await loadModelDir(dir, ctx);
  const distillFlags = distillArgs(args, scoreTargetArg(args) === 'original', '--target original (or --distill)');
  const split = splitArg(args.split, 'train');
  const train = distillFlags ? distillDataset(ctx, args, model.config, distillFlags.alpha, split) : datasetArg(ctx, args, model.config, split);
  const trainWeights = args['train-weights'] ?? false;
  const params = vitParams(model.config, model.tensors, trainWeights);
  // The teacher is the unpruned, ungated model; when the weights train too it needs its own frozen copy.
  const teacherParams = distillFlags && trainWeights ? vitParams(model.config, model.tensors) : null;
  const distill = distillFlags ? { ...distillFlags, teacher: ungatedTeacher(teacherParams ?? params) } : null;
  if (distill) ctx.log(`distilling from the unpruned model: T = ${distill.temperature}, alpha = ${distill.alpha}`);
  const steps = countFlag(args.steps, '--steps', 300);
  const every = Math.max(1, Math.round(steps / 30));
  const result = await trainScores(params, train, {
    steps, batchSize: intFlag(args.batch, '--batch', 64), lr: numberFlag(args.lr, '--lr', 1e-2),
    l1: numberFlag(args.l1, '--l1', 1e-4), seed: countFlag(args.seed, '--seed', 0), trainWeights, sublayerGates: args['sublayer-gates'] ?? false,
    augment: args['no-augment'] ? null : { shift: 2, flip: false }, distill,
  }, { onProgress: (p) => { if (p.step % every === 0 || p.step === p.steps) ctx.log(progressLine(p)); } });
  if (result.stopped) ctx.log(`training stopped: ${result.stopped}; keeping the last good scores (after ${result.steps} steps)`);
  await writeFile(args.out, scoreFileBytes(result.scores, { steps: String(result.steps), model: model.config.architecture }));
  ctx.log(`wrote scores of ${model.config.depth} blocks to ${args.out}`);
  const gates = sublayerGatesText(result.scores);
  if (gates) ctx.log(`learned sublayer gates: ${gates}`);
  if (trainWeights) {
    const modelOut = args.out.replace(/\.safetensors$/, '') + '-model';
    await saveModelDir(modelOut, model.config, await paramsToHost(params));
    ctx.log(`weights were trained too: wrote the updated model to ${modelOut}`);
  }
  disposeVitParams(params);
  if (teacherParams) disposeVitParams(teacherParams);
  if (ctx.json) ctx.print(JSON.stringify({ out: args.out, steps: result.steps, stopped: result.stopped, history: result.history }) + '\n');
}

