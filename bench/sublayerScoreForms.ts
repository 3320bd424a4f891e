/**
 * Which score should rank a whole sublayer when score training learned a scalar gate g per sublayer (issue 14 item 2)?
 * Prunes to a MACs budget with `--sublayers` for each candidate form (|g|, |g| × mean |a_out|, mean |a_out|) and
 * measures accuracy and agreement on the first `limit` images of a split, folded and with binary masks.
 *
 *   npx tsx bench/sublayerScoreForms.ts <model-dir> <scores.safetensors> <dataset> [target 0.6] [limit 2000]
 */
import { readFileSync } from 'node:fs';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { loadModelDir } from '../src/cli/modelDir';
import { datasetArg } from '../src/cli/datasetArg';
import { referencePredictions } from '../src/cli/referencePredictions';
import { readScoreFile } from '../src/io/scoreFile';
import { disposeVitParams, vitParams } from '../src/model/vitParams';
import { budgetMask } from '../src/prune/budgetMask';
import { macsMeasure } from '../src/prune/costMeasure';
import { slimWeights } from '../src/prune/slimWeights';
import { removedSublayers, removedSublayersText } from '../src/prune/sublayerRemoval';
import type { SublayerScoreForm } from '../src/prune/sublayerScore';
import { evaluateAccuracy } from '../src/train/evaluate';
import type { CliContext } from '../src/cli/cliContext';

const FORMS: SublayerScoreForm[] = ['gate', 'gate-times-mean', 'mean'];

async function main(): Promise<void> {
  const [dir, scoreFile, data, targetArg, limitArg] = process.argv.slice(2);
  if (!dir || !scoreFile || !data) throw new Error('usage: sublayerScoreForms.ts <model-dir> <scores.safetensors> <dataset> [target] [limit]');
  const target = Number(targetArg ?? 0.6);
  const limit = Number(limitArg ?? 2000);
  await useNodeBackend('wasm');
  const ctx: CliContext = { log: (l) => console.error(l), print: (t) => process.stdout.write(t), json: false, backend: 'wasm' };
  const model = await loadModelDir(dir);
  const cfg = model.config;
  const scores = readScoreFile(new Uint8Array(readFileSync(scoreFile)), cfg, scoreFile);
  const ds = datasetArg(ctx, { data, split: 'test' }, cfg, 'test');
  const reference = await referencePredictions(cfg, model.tensors, ds, limit);
  console.log(`| form | fold | MACs saved | accuracy | agreement | sublayers removed |\n|---|---|---|---|---|---|`);
  for (const form of FORMS) {
    const mask = budgetMask(cfg, scores, { target, measure: macsMeasure, rank: 'abs', sublayers: true, sublayerScore: form });
    for (const fold of [true, false]) {
      const slim = slimWeights(cfg, model.tensors, mask.keep, fold ? scores.blocks : null);
      const params = vitParams(slim.config, slim.tensors);
      const r = await evaluateAccuracy(params, ds, cfg, { limit, reference });
      disposeVitParams(params);
      const gone = removedSublayersText(removedSublayers(cfg, slim.config));
      console.log(`| ${form} | ${fold ? 'folded' : 'binary'} | ${(100 * mask.saved).toFixed(1)}% | ${(100 * r.top1).toFixed(2)}% | ${(100 * (r.agreement ?? NaN)).toFixed(2)}% | ${gone} |`);
    }
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
