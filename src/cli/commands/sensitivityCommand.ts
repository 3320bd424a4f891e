import { magnitudeScores } from '../../prune/magnitudeScores';
import { previewMask } from '../../prune/prunePreview';
import { assertScoresFit } from '../../prune/pruneModel';
import { suggestedBlockRates, type SuggestedOverrides } from '../../prune/sensitivitySuggestion';
import type { PruneSettings } from '../../prune/pruneSettings';
import { blockSensitivity, type SensitivityResult } from '../../train/blockSensitivity';
import { loadModelDir } from '../modelDir';
import { splitArg, type DataArgs } from '../datasetArg';
import { evalDataArg } from '../unmatchedDataArg';
import { referencePredictions } from '../referencePredictions';
import { blockRatesFlag, countFlag, criterionFlag, foldFlag, intFlag } from '../cliFlags';
import { budgetChoice, type BudgetArgs } from '../budgetArgs';
import { scoreSource } from '../scoreSource';
import { UsageError, type CliContext } from '../cliContext';

/** Options of `vtp sensitivity`. */
export interface SensitivityArgs extends DataArgs, BudgetArgs {
  scores?: string; criterion?: string; 'no-fold'?: boolean; fold?: boolean; 'round-to'?: string; 'block-rates'?: string; limit?: string; batch?: string;
}

/** Images per block by default (the studio's default too). */
export const SENSITIVITY_CLI_LIMIT = 500;

const pct = (f: number, digits = 2) => (Number.isNaN(f) ? '–' : `${(100 * f).toFixed(digits)}%`);

/** The suggested overrides as a --block-rates value ("0:0.412,1:0.3,..."). */
export function blockRatesText(rates: Record<number, number>): string {
  return Object.entries(rates).map(([b, r]) => `${b}:${r}`).join(',');
}

/** The Markdown table of the per-block losses and suggested rates. */
function sensitivityTable(r: SensitivityResult, s: SuggestedOverrides): string {
  const rows = r.blocks.map((b) => `| ${b.block} | ${pct(b.cut, 1)} | ${pct(b.macsSaved, 1)} | ${pct(b.agreement)} | ${pct(b.agreementLost)} | ${r.labelled ? pct(b.accuracyLost) : 'no labels'} | ${pct(s.blockRates[b.block], 1)} |`);
  return ['| block | dims cut | MACs saved (alone) | agreement | agreement lost | accuracy lost | suggested rate |', '|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/**
 * `vtp sensitivity <model-dir> --scores f --rate r|--macs-saved f ... --data d [--limit N]`: agreement (and accuracy) lost by
 * pruning each block alone at the setting, and per-block override rates that save the same MACs but spare sensitive blocks.
 */
export async function sensitivityCommand(ctx: CliContext, dir: string, args: SensitivityArgs): Promise<void> {
  if (!args.data) throw new UsageError('sensitivity needs --data <dataset> (the images each block is measured on)');
  const model = await loadModelDir(dir, ctx);
  const cfg = model.config;
  const criterion = criterionFlag(args.criterion);
  const scores = await scoreSource(args.scores, cfg, criterion);
  assertScoresFit(cfg, scores);
  const budget = await budgetChoice(ctx, cfg, args);
  const settings: PruneSettings = {
    rate: budget.rate, unit: budget.unit, rank: budget.rank, latency: budget.latency, heads: budget.heads, criterion, fold: foldFlag(args),
    roundTo: intFlag(args['round-to'], '--round-to', 1), blockRates: blockRatesFlag(args['block-rates'], cfg.depth),
  };
  const ranking = criterion === 'magnitude' ? magnitudeScores(cfg, model.tensors) : scores;
  const mask = previewMask(cfg, ranking, settings);
  const ds = evalDataArg(ctx, args, cfg, splitArg(args.split, 'val'));
  const limit = countFlag(args.limit, '--limit', SENSITIVITY_CLI_LIMIT) || null;
  const reference = await referencePredictions(cfg, model.tensors, ds, limit);
  let logged = 0;
  const result = await blockSensitivity(cfg, model.tensors, mask.keep, settings.fold && criterion === 'vtp' ? scores.blocks : null, ds, cfg, {
    limit, reference, batchSize: intFlag(args.batch, '--batch', 100),
    onProgress: (p) => {
      const models = Math.floor((p.done * (cfg.depth + 1)) / p.total);
      if (models > logged) { logged = models; ctx.log(`sensitivity: ${models}/${cfg.depth + 1} models measured (the base, then one per block)`); }
    },
  });
  const suggestion = suggestedBlockRates(cfg, ranking, settings, result.blocks.map((b) => b.agreementLost));
  ctx.log(`base (nothing cut${settings.fold && criterion === 'vtp' ? ', scores folded' : ''}): agreement ${pct(result.baseAgreement)}, accuracy ${pct(result.baseAccuracy)} on ${result.n} images`);
  ctx.log(`suggested overrides save ${pct(suggestion.macsSaved)} of MACs (the setting: ${pct(suggestion.target)})${suggestion.reached ? '' : ': out of reach with every block at the highest rate'}`);
  if (ctx.json) {
    const nan = (v: number) => (Number.isNaN(v) ? null : v);
    ctx.print(JSON.stringify({
      n: result.n, labelled: result.labelled, baseAgreement: result.baseAgreement, baseAccuracy: nan(result.baseAccuracy),
      blocks: result.blocks.map((b) => ({ ...b, accuracy: nan(b.accuracy), accuracyLost: nan(b.accuracyLost) })),
      suggested: { ...suggestion, blockRatesFlag: blockRatesText(suggestion.blockRates) },
    }) + '\n');
  } else {
    ctx.print(sensitivityTable(result, suggestion));
    ctx.print(`suggested: --block-rates ${blockRatesText(suggestion.blockRates)}  (MACs saved ${pct(suggestion.macsSaved)}, the setting ${pct(suggestion.target)})\n`);
  }
}
