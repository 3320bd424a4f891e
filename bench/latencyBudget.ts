/**
 * Table 7, latency budgets as users get them: the demo model's latency table measured on tfjs wasm in Node at batch 1
 * and 64, the model pruned (trained scores, bench/trainedScores.ts) to 30% and 50% of the table's predicted full
 * latency, then each slim model timed against the full one, alternating: what the table's model measured, and what
 * `vtp prune --latency-ms` lands on after its corrections (src/cli/latencyLanding.ts).
 */
import { backendTiming, landLatency } from '../src/cli/latencyLanding';
import type { CliContext } from '../src/cli/cliContext';
import { measureLatencyTable } from '../src/prune/latencyProbe';
import { predictLatency } from '../src/prune/latencyTable';
import { pruneModel } from '../src/prune/pruneModel';
import { baseModel, unevenScores } from './benchCommon';
import { QUICK } from './benchConfig';
import { markdownTable } from './markdown';
import { trainedScores } from './trainedScores';

/** One latency budget: its batch and target (fraction of the predicted full latency saved), the table's prediction, the first and the landed model's measured saving. */
export interface LatencyBudgetRow {
  batch: number; target: number; fullPredictedMs: number; fullMs: number; firstSaved: number; landedSaved: number; landedMs: number; corrections: number; macsSaved: number;
}

/** Batches and targets of table 7 (batch 8 in a quick run). */
const BATCHES = QUICK ? [1, 8] : [1, 64];
const TARGETS = [0.3, 0.5];

/** Rows of table 7. */
export async function latencyBudgetRows(): Promise<LatencyBudgetRow[]> {
  const base = await baseModel();
  const scores = base.dir ? trainedScores(base.dir, base.cfg).scores : unevenScores(base.cfg);
  const quiet = { log: () => {} } as unknown as CliContext;
  const rows: LatencyBudgetRow[] = [];
  for (const batch of BATCHES) {
    const table = await measureLatencyTable(base.cfg, { batch });
    const fullPredictedMs = predictLatency(table, base.cfg);
    const prune = (aim: number) => pruneModel(base.cfg, base.tensors, scores, { rate: aim, unit: 'latency', latency: table });
    for (const target of TARGETS) {
      const first = prune(target);
      let firstSaved = NaN;
      const time = backendTiming(base.cfg, batch);
      const landed = await landLatency(quiet, { table, full: base.cfg, target, first, prune, time: async (slim) => {
        const t = await time(slim);
        if (slim === first) firstSaved = t.saved;
        return t;
      } });
      const macsSaved = 1 - landed.slim.after.total.macs / landed.slim.before.total.macs;
      rows.push({ batch, target, fullPredictedMs, fullMs: landed.fullMs, firstSaved, landedSaved: landed.measuredSaved, landedMs: landed.slimMs, corrections: landed.corrections, macsSaved });
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  return rows;
}

/** Table 7 as Markdown. */
export function latencyBudgetTable(rows: LatencyBudgetRow[]): string {
  const pct = (f: number) => `${(100 * f).toFixed(1)}%`;
  return markdownTable(
    ['batch', 'target saved', 'full: predicted / measured ms', "table's model: measured saved", 'landed: measured saved (ms)', 'corrections', 'MACs saved'],
    rows.map((r) => [r.batch, pct(r.target), `${r.fullPredictedMs.toFixed(1)} / ${r.fullMs.toFixed(1)}`, pct(r.firstSaved), `${pct(r.landedSaved)} (${r.landedMs.toFixed(1)})`, r.corrections, pct(r.macsSaved)]),
  );
}
