/**
 * Slim speedup on DeiT-sized models (table 1, second part): tfjs wasm latency of DeiT-Tiny and DeiT-Small
 * (random weights, 224×224×3) pruned at 0.2/0.4/0.6 with seeded scores that give uneven widths as trained
 * ones do (benchCommon unevenScores), against the full model, at batch 1 and DEIT_BATCH. All rates' runs
 * alternate; one warm-up, RUNS timed runs.
 */
import { pruneModel } from '../src/prune/pruneModel';
import { unevenScores } from './benchCommon';
import { DEIT_BATCH, RUNS } from './benchConfig';
import type { SpeedRow } from './engineSpeed';
import { randomDeit, type DeitSize } from './modelShapes';
import { alternatingLatency } from './timing';

/** Prune rates of the DeiT rows (0 = the full model). */
export const DEIT_RATES = [0, 0.2, 0.4, 0.6];

/** Latency rows of DeiT-`size` at every rate and both batches. */
async function deitRows(size: DeitSize): Promise<SpeedRow[]> {
  const m = randomDeit(size);
  const scores = unevenScores(m.cfg);
  const pruned = DEIT_RATES.map((rate) => ({ rate, p: pruneModel(m.cfg, m.tensors, scores, { rate }) }));
  const rows: SpeedRow[] = [];
  for (const batch of [1, DEIT_BATCH]) {
    const times = await alternatingLatency(pruned.map(({ p }) => ({ cfg: p.config, tensors: p.tensors })), batch, { warmup: 1, runs: RUNS });
    pruned.forEach(({ rate, p }, i) => rows.push({ arch: m.name, model: rate === 0 ? 'full' : 'slim', rate, batch, macs: p.after.total.macs, ...times[i] }));
    process.stderr.write('.');
  }
  return rows;
}

/** Slim-speedup rows of DeiT-Tiny and DeiT-Small. */
export async function deitSpeedRows(): Promise<SpeedRow[]> {
  const rows = [...await deitRows('tiny'), ...await deitRows('small')];
  process.stderr.write('\n');
  return rows;
}
