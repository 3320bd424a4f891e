import { disposeVitParams, vitParams } from '../../model/vitParams';
import { pruneModel, type PruneCriterion } from '../../prune/pruneModel';
import { evaluateAccuracy } from '../../train/evaluate';
import { loadModelDir } from '../modelDir';
import { datasetArg, splitArg, type DataArgs } from '../datasetArg';
import { accuracyEvidence, wilsonInterval } from '../../data/wilsonInterval';
import { intFlag, ratesFlag } from '../cliFlags';
import { scoreSource } from '../scoreSource';
import type { CliContext } from '../cliContext';

/** Options of `vtp sweep`. */
export interface SweepArgs extends DataArgs { scores?: string; rates?: string; limit?: string; 'round-to'?: string; 'no-fold'?: boolean }

/** One point of the accuracy/cost curve. */
export interface SweepRow { criterion: PruneCriterion; rate: number; accuracy: number; n: number; ci95: [number, number]; params: number; macs: number; paramsSaved: number; macsSaved: number }

/** `vtp sweep <model-dir> --scores f --data d --rates 0,0.2,...`: accuracy, params, MACs per rate, both criteria. */
export async function sweepCommand(ctx: CliContext, dir: string, args: SweepArgs): Promise<void> {
  const rates = ratesFlag(args.rates);
  const model = await loadModelDir(dir, ctx);
  const scores = await scoreSource(args.scores, model.config, 'vtp');
  const ds = datasetArg(ctx, args, model.config, splitArg(args.split, 'test'));
  const limit = args.limit ? intFlag(args.limit, '--limit', 1) : null;
  const rows: SweepRow[] = [];
  for (const criterion of ['vtp', 'magnitude'] as const) {
    for (const rate of rates) {
      const slim = pruneModel(model.config, model.tensors, scores, { rate, criterion, fold: !args['no-fold'], roundTo: intFlag(args['round-to'], '--round-to', 1) });
      const params = vitParams(slim.config, slim.tensors);
      const { top1, n } = await evaluateAccuracy(params, ds, model.config, { limit });
      disposeVitParams(params);
      const row = { criterion, rate, accuracy: top1, n, ci95: wilsonInterval(top1, n), params: slim.after.total.params, macs: slim.after.total.macs,
        paramsSaved: 1 - slim.after.total.params / slim.before.total.params, macsSaved: 1 - slim.after.total.macs / slim.before.total.macs };
      rows.push(row);
      ctx.log(`${criterion.padEnd(9)} rate ${rate.toFixed(2)}  accuracy ${(100 * top1).toFixed(2)}% (${accuracyEvidence(top1, n)})  params -${(100 * row.paramsSaved).toFixed(1)}%  MACs -${(100 * row.macsSaved).toFixed(1)}%`);
    }
  }
  if (ctx.json) ctx.print(JSON.stringify({ n: Math.min(limit ?? Infinity, ds.labels.length), points: rows }) + '\n');
  else {
    ctx.print('| criterion | rate | accuracy | images | 95% CI | params saved | MACs saved |\n|---|---|---|---|---|---|---|\n');
    for (const r of rows) ctx.print(`| ${r.criterion} | ${r.rate} | ${(100 * r.accuracy).toFixed(2)}% | ${r.n} | ${(100 * r.ci95[0]).toFixed(1)}–${(100 * r.ci95[1]).toFixed(1)}% | ${(100 * r.paramsSaved).toFixed(1)}% | ${(100 * r.macsSaved).toFixed(1)}% |\n`);
  }
}
