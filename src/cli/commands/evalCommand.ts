import { evaluateAccuracy } from '../../train/evaluate';
import { disposeVitParams, vitParams } from '../../model/vitParams';
import { loadModelDir } from '../modelDir';
import { datasetArg, splitArg, type DataArgs } from '../datasetArg';
import type { CliContext } from '../cliContext';
import { intFlag } from '../cliFlags';
import { accuracyEvidence, wilsonInterval } from '../../data/wilsonInterval';

/** Options of `vtp eval`. */
export interface EvalArgs extends DataArgs { limit?: string; batch?: string }

/** `vtp eval <model-dir> --data <dataset> [--split train|val|test] [--limit N]` -> top-1 with its 95% interval (top-5), n (a stratified sample when limited). */
export async function evalCommand(ctx: CliContext, dir: string, args: EvalArgs): Promise<void> {
  const model = await loadModelDir(dir, ctx);
  const ds = datasetArg(ctx, args, model.config, splitArg(args.split, 'test'));
  const params = vitParams(model.config, model.tensors);
  const started = performance.now();
  const result = await evaluateAccuracy(params, ds, model.config, {
    limit: args.limit ? intFlag(args.limit, '--limit', 0) : null,
    batchSize: intFlag(args.batch, '--batch', 256),
  });
  disposeVitParams(params);
  const seconds = (performance.now() - started) / 1000;
  if (ctx.json) {
    ctx.print(JSON.stringify({ accuracy: result.top1, ci95: wilsonInterval(result.top1, result.n), top5: result.top5, n: result.n, loss: result.loss, seconds }) + '\n');
  } else {
    const top5 = result.top5 === null ? '' : `, top-5 ${(100 * result.top5).toFixed(2)}%`;
    ctx.print(`accuracy ${(100 * result.top1).toFixed(2)}%${top5} on ${accuracyEvidence(result.top1, result.n)} (loss ${result.loss.toFixed(4)}, ${seconds.toFixed(1)} s, ${ctx.backend})\n`);
  }
}
