import { evaluateAccuracy } from '../../train/evaluate';
import { disposeVitParams, vitParams } from '../../model/vitParams';
import { hasLabels } from '../../data/imageDataset';
import { loadModelDir } from '../modelDir';
import { splitArg, type DataArgs } from '../datasetArg';
import { evalDataArg } from '../unmatchedDataArg';
import { referencePredictions } from '../referencePredictions';
import { figuresText, jsonAccuracy } from '../figures';
import { UsageError, type CliContext } from '../cliContext';
import { intFlag } from '../cliFlags';
import { wilsonInterval } from '../../data/wilsonInterval';

/** Options of `vtp eval`. */
export interface EvalArgs extends DataArgs { limit?: string; batch?: string; 'agreement-with'?: string }

/**
 * `vtp eval <model-dir> --data <dataset> [--split train|val|test|all] [--limit N] [--agreement-with MODEL]` -> top-1
 * with its 95% interval (top-5), agreement, n (a stratified sample when limited).
 */
export async function evalCommand(ctx: CliContext, dir: string, args: EvalArgs): Promise<void> {
  const model = await loadModelDir(dir, ctx);
  const other = args['agreement-with'] ? await loadModelDir(args['agreement-with'], ctx) : null;
  if (other && other.config.numClasses !== model.config.numClasses) {
    throw new UsageError(`--agreement-with ${args['agreement-with']}: it has ${other.config.numClasses} classes, the model ${model.config.numClasses}`);
  }
  const ds = evalDataArg(ctx, args, model.config, splitArg(args.split, 'test'));
  if (!hasLabels(ds) && !other) throw new UsageError(`${args.data} has no labels (loose images): pass --agreement-with <unpruned-model-dir> to measure agreement`);
  const limit = args.limit ? intFlag(args.limit, '--limit', 0) : null;
  const batchSize = intFlag(args.batch, '--batch', 256);
  const reference = other ? await referencePredictions(other.config, other.tensors, ds, limit) : null;
  const params = vitParams(model.config, model.tensors);
  const started = performance.now();
  const result = await evaluateAccuracy(params, ds, model.config, { limit, batchSize, reference });
  disposeVitParams(params);
  const seconds = (performance.now() - started) / 1000;
  if (ctx.json) {
    const accuracy = jsonAccuracy(result.top1);
    const agreementCi95 = result.agreement === null ? null : wilsonInterval(result.agreement, result.n);
    ctx.print(JSON.stringify({ accuracy, ci95: accuracy === null ? null : wilsonInterval(accuracy, result.n), top5: result.top5,
      agreement: result.agreement, agreementCi95, n: result.n, loss: jsonAccuracy(result.loss), seconds }) + '\n');
  } else {
    const top5 = result.top5 === null ? '' : `, top-5 ${(100 * result.top5).toFixed(2)}%`;
    const loss = Number.isNaN(result.loss) ? '' : `loss ${result.loss.toFixed(4)}, `;
    ctx.print(`${figuresText(result.top1, result.n, result.agreement, args['agreement-with'], top5)} (${loss}${seconds.toFixed(1)} s, ${ctx.backend})\n`);
  }
}
