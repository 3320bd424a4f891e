import { loadModelDir } from '../modelDir';
import { formatSummary, modelSummary } from '../modelSummary';
import type { CliContext } from '../cliContext';

/** `vtp info <model-dir> [--json]`: architecture, per-block dims, params and MACs. */
export async function infoCommand(ctx: CliContext, dir: string): Promise<void> {
  const model = await loadModelDir(dir, ctx);
  const summary = modelSummary(model.config, model.source);
  for (const w of model.warnings) ctx.log(`warning: ${w}`);
  if (model.ignoredKeys.length > 0) ctx.log(`ignored ${model.ignoredKeys.length} unused tensors (${model.ignoredKeys.slice(0, 3).join(', ')}...)`);
  if (ctx.json) ctx.print(JSON.stringify({ ...summary, ignoredKeys: model.ignoredKeys, warnings: model.warnings }) + '\n');
  else ctx.print(formatSummary(summary) + '\n');
}
