import { disposeVitParams, vitParams } from '../../model/vitParams';
import { pruneModel, type PruneCriterion } from '../../prune/pruneModel';
import { evaluateAccuracy } from '../../train/evaluate';
import { loadModelDir } from '../modelDir';
import { splitArg, type DataArgs } from '../datasetArg';
import { wilsonInterval } from '../../data/wilsonInterval';
import { evalDataArg } from '../unmatchedDataArg';
import { referencePredictions } from '../referencePredictions';
import { figuresText, jsonAccuracy } from '../figures';
import { foldFlag, intFlag, ratesFlag } from '../cliFlags';
import { scoreSource } from '../scoreSource';
import { UsageError, type CliContext } from '../cliContext';
import { rankFlag } from '../budgetArgs';

/** Options of `vtp sweep`. */
export interface SweepArgs extends DataArgs { scores?: string; rates?: string; limit?: string; 'round-to'?: string; 'no-fold'?: boolean; fold?: boolean; unit?: string; rank?: string; heads?: boolean; sublayers?: boolean; criterion?: string }

/** The --unit flag of sweep: what its rates measure (rate = fraction of gated dims; macs/params = fraction saved). */
function unitFlag(value: string | undefined): 'rate' | 'macs' | 'params' {
  const u = value ?? 'rate';
  if (u !== 'rate' && u !== 'macs' && u !== 'params') throw new UsageError(`--unit must be rate, macs or params, got "${value}"`);
  return u;
}

/** The --criterion flag of sweep: which rankings to sweep (default both, VTP scores first). */
function criteriaFlag(value: string | undefined): PruneCriterion[] {
  if (value === undefined) return ['vtp', 'magnitude'];
  const names = value.split(',').map((c) => c.trim());
  for (const c of names) if (c !== 'vtp' && c !== 'magnitude') throw new UsageError(`--criterion takes vtp, magnitude or both (comma-separated), got "${value}"`);
  return [...new Set(names)] as PruneCriterion[];
}

/**
 * One point of the accuracy/cost curve: accuracy null without labels, agreement = top-1 agreement with the
 * unpruned model, both on n images with their 95% intervals (null without labels).
 */
export interface SweepRow {
  criterion: PruneCriterion; rate: number; unit: 'rate' | 'macs' | 'params'; rank: 'abs' | 'cost'; accuracy: number | null; n: number; ci95: [number, number] | null;
  agreement: number; agreementCi95: [number, number]; params: number; macs: number; paramsSaved: number; macsSaved: number;
}

/** `vtp sweep <model-dir> --scores f --data d --rates 0,0.2,...`: accuracy, params, MACs per rate and criterion (default both). */
export async function sweepCommand(ctx: CliContext, dir: string, args: SweepArgs): Promise<void> {
  const rates = ratesFlag(args.rates);
  const unit = unitFlag(args.unit);
  const rank = rankFlag(args.rank);
  const criteria = criteriaFlag(args.criterion);
  if (args.heads && unit === 'rate') throw new UsageError('--heads needs --unit macs or params: a rate counts dims, not heads');
  const model = await loadModelDir(dir, ctx);
  const scores = await scoreSource(args.scores, model.config, 'vtp');
  const ds = evalDataArg(ctx, args, model.config, splitArg(args.split, 'test'));
  const limit = args.limit ? intFlag(args.limit, '--limit', 1) : null;
  const reference = await referencePredictions(model.config, model.tensors, ds, limit);
  const rows: SweepRow[] = [];
  for (const criterion of criteria) {
    for (const rate of rates) {
      const slim = pruneModel(model.config, model.tensors, scores, { rate, unit, rank, heads: args.heads === true, sublayers: args.sublayers === true, criterion, fold: foldFlag(args), roundTo: intFlag(args['round-to'], '--round-to', 1) });
      const params = vitParams(slim.config, slim.tensors);
      const { top1, n, agreement } = await evaluateAccuracy(params, ds, model.config, { limit, reference });
      disposeVitParams(params);
      const accuracy = jsonAccuracy(top1);
      const agreed = agreement ?? 0;
      const row = { criterion, rate, unit, rank, accuracy, n, ci95: accuracy === null ? null : wilsonInterval(accuracy, n), agreement: agreed,
        agreementCi95: wilsonInterval(agreed, n), params: slim.after.total.params, macs: slim.after.total.macs,
        paramsSaved: 1 - slim.after.total.params / slim.before.total.params, macsSaved: 1 - slim.after.total.macs / slim.before.total.macs };
      rows.push(row);
      ctx.log(`${criterion.padEnd(9)} ${unit === 'rate' ? 'rate' : unit} ${rate.toFixed(2)}  ${figuresText(top1, n, agreement)}  params -${(100 * row.paramsSaved).toFixed(1)}%  MACs -${(100 * row.macsSaved).toFixed(1)}%`);
    }
  }
  if (ctx.json) ctx.print(JSON.stringify({ n: Math.min(limit ?? Infinity, ds.labels.length), points: rows }) + '\n');
  else {
    ctx.print(`| criterion | ${unit === 'rate' ? 'rate' : `${unit} target`} | accuracy | images | 95% CI | agreement | params saved | MACs saved |\n|---|---|---|---|---|---|---|---|\n`);
    const ci = (c: [number, number] | null) => (c === null ? '–' : `${(100 * c[0]).toFixed(1)}–${(100 * c[1]).toFixed(1)}%`);
    for (const r of rows) {
      const acc = r.accuracy === null ? 'no labels' : `${(100 * r.accuracy).toFixed(2)}%`;
      ctx.print(`| ${r.criterion} | ${r.rate} | ${acc} | ${r.n} | ${ci(r.ci95)} | ${(100 * r.agreement).toFixed(2)}% | ${(100 * r.paramsSaved).toFixed(1)}% | ${(100 * r.macsSaved).toFixed(1)}% |\n`);
    }
  }
}
