/**
 * A latency budget landed by measurement (`vtp prune --latency-ms`): the model is pruned to the table's prediction,
 * then the slim model is timed against the full one, alternating on the backend. While the measured saving falls
 * short of the target by more than the tolerance, the prediction is aimed higher by the shortfall and the model
 * pruned again (at most `corrections` times); the table alone is a model of the backend, the timing is the fact.
 */
import type { VitConfig } from '../model/vitConfig';
import type { PrunedModel } from '../prune/pruneModel';
import { predictLatency, type LatencyTable } from '../prune/latencyTable';
import { LATENCY_PROBE_DEFAULTS, modelsLatency } from '../prune/latencyProbe';
import type { CliContext } from './cliContext';

/** How a latency budget is landed: re-prunes at most `corrections` times while the measured saving is short by more than `tolerance` (a fraction of the full model's time). */
export interface LatencyLandingOptions { corrections: number; tolerance: number }

/** Defaults: up to 2 corrections, 1 point of the full model's time. */
export const LATENCY_LANDING_DEFAULTS: LatencyLandingOptions = { corrections: 2, tolerance: 0.01 };

/** The landed slim model: the predicted saving it was pruned to, the measured times (ms per batch) and saving, and the corrections made. */
export interface LandedLatency { slim: PrunedModel; aimed: number; slimMs: number; fullMs: number; measuredSaved: number; corrections: number }

/** What timing a slim model gives: its fastest ms per batch, the full model's, and the saving (the median over alternating rounds). */
export interface LatencyTiming { slimMs: number; fullMs: number; saved: number }

/** Times `slim` against `full` on the current backend, alternating, at `batch` images per pass. */
export function backendTiming(full: VitConfig, batch: number): (slim: PrunedModel) => Promise<LatencyTiming> {
  return async (slim) => {
    const [f, s] = await modelsLatency([full, slim.config], { batch });
    return { slimMs: s.minMs, fullMs: f.minMs, saved: 1 - s.ratioToFirst };
  };
}

/** What landing needs: the table and the full model's config, the target (fraction of its time to save), the model pruned to it, how to prune to another predicted saving (null: out of the table's reach), how to time a slim model. */
export interface LatencyLandingTask {
  table: LatencyTable; full: VitConfig; target: number; first: PrunedModel;
  prune: (aim: number) => PrunedModel | null; time: (slim: PrunedModel) => Promise<LatencyTiming>;
}

/** Lands the task's target: the first model, re-pruned while it measures short (the last model in reach, or the one that measured better, stays). */
export async function landLatency(ctx: CliContext, task: LatencyLandingTask, options: Partial<LatencyLandingOptions> = {}): Promise<LandedLatency> {
  const opts = { ...LATENCY_LANDING_DEFAULTS, ...options };
  const { table, target } = task;
  const fullPredicted = predictLatency(table, task.full);
  const attempt = async (slim: PrunedModel, aim: number) => {
    const t = { slim, aim, ...(await task.time(slim)) };
    ctx.log(`measured: ${t.slimMs.toFixed(1)} ms per batch of ${table.batch}, the full model ${t.fullMs.toFixed(1)} ms (fastest of ${LATENCY_PROBE_DEFAULTS.runs}, ` +
      `alternating): ${pct(t.saved)} saved (median of the rounds), predicted ${pct(1 - predictLatency(table, slim.config) / fullPredicted)}`);
    return t;
  };
  let best = await attempt(task.first, target);
  let corrections = 0;
  while (corrections < opts.corrections && best.saved < target - opts.tolerance) {
    const aim = best.aim + (target - best.saved);
    ctx.log(`short of the target (${pct(target)}) by ${(100 * (target - best.saved)).toFixed(1)} points: pruning again to a predicted ${pct(aim)}`);
    const slim = aim < 1 ? task.prune(aim) : null;
    if (!slim) { ctx.log(`a predicted ${pct(aim)} is out of the table's reach: keeping the last model`); break; }
    corrections++;
    const next = await attempt(slim, aim);
    if (next.saved <= best.saved) break; // no closer (measurement noise): the model that measured better stays
    best = next;
  }
  return { slim: best.slim, aimed: best.aim, slimMs: best.slimMs, fullMs: best.fullMs, measuredSaved: best.saved, corrections };
}

/** "42.4%". */
function pct(f: number): string {
  return `${(100 * f).toFixed(1)}%`;
}
