/**
 * Table 6, whole heads against widths only at equal MACs: DeiT-Tiny shape (random weights, 224×224×3, seeded scores
 * with per-head offsets, benchCommon unevenScores) pruned to the same fraction of MACs saved by the budget machinery,
 * once with whole heads ranked as units (`--heads`) and once with dims only, against the full model; tfjs wasm in
 * Node, batch 1 and HEADS_BATCH, the runs of all models of one batch alternating; 1 warm-up, RUNS timed runs (5 × RUNS at batch 1).
 */
import { pruneModel, type PrunedModel } from '../src/prune/pruneModel';
import { unevenScores } from './benchCommon';
import { HEADS_BATCH, HEADS_TARGETS, RUNS } from './benchConfig';
import { markdownTable } from './markdown';
import { randomDeit } from './modelShapes';
import { alternatingLatency } from './timing';

/** One model of the table: its MACs-saved target (0 = full), whether heads were units, heads kept of all. */
export interface HeadsRow {
  variant: 'full' | 'widths only' | 'whole heads'; target: number; batch: number; macs: number; headsKept: number; heads: number;
  medianMs: number; minMs: number; maxMs: number; ratioToFirst: number;
}

/** Heads kept over all blocks of a pruned model (the full model's count when nothing was cut). */
function headsKept(p: PrunedModel, full: number): number {
  return p.config.blocks ? p.config.blocks.reduce((n, b) => n + b.heads.length, 0) : full;
}

/** Rows of table 6: the full model, then widths only and whole heads at every target, both batches. */
export async function headsSpeedRows(): Promise<HeadsRow[]> {
  const m = randomDeit('tiny');
  const scores = unevenScores(m.cfg);
  const allHeads = m.cfg.depth * m.cfg.numHeads;
  const models: { variant: HeadsRow['variant']; target: number; p: PrunedModel }[] = [{ variant: 'full', target: 0, p: pruneModel(m.cfg, m.tensors, scores, { rate: 0 }) }];
  for (const target of HEADS_TARGETS) {
    for (const heads of [false, true]) {
      const p = pruneModel(m.cfg, m.tensors, scores, { rate: target, unit: 'macs', heads });
      models.push({ variant: heads ? 'whole heads' : 'widths only', target, p });
    }
    const [widths, whole] = models.slice(-2).map((v) => v.p.after.total.macs);
    if (Math.abs(whole - widths) > 0.01 * widths) process.stderr.write(`warning: at ${target} of MACs the two models differ by more than 1% of MACs\n`);
  }
  const rows: HeadsRow[] = [];
  for (const batch of [1, HEADS_BATCH]) {
    const t0 = performance.now();
    // Batch 1 runs are short and the noisiest: five times as many (as table 1).
    const times = await alternatingLatency(models.map(({ p }) => ({ cfg: p.config, tensors: p.tensors })), batch, { warmup: 1, runs: batch === 1 ? 5 * RUNS : RUNS });
    models.forEach(({ variant, target, p }, i) => rows.push({ variant, target, batch, macs: p.after.total.macs, headsKept: headsKept(p, allHeads), heads: allHeads, ...times[i] }));
    process.stderr.write(`heads vs widths, batch ${batch}: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  return rows;
}

/** Table 6 as Markdown: latency ratio to the full model of the same batch, next to the MACs ratio and heads kept. */
export function headsTable(rows: HeadsRow[]): string {
  const full = (r: HeadsRow) => rows.find((f) => f.variant === 'full' && f.batch === r.batch)!;
  const f1 = (x: number) => x.toFixed(1);
  return markdownTable(
    ['DeiT-Tiny', 'MACs saved (target)', 'heads kept', 'batch', 'MACs ratio', 'latency ms (median, min–max)', 'latency ratio to full'],
    rows.map((r) => [r.variant, r.target === 0 ? '–' : `${Math.round(100 * r.target)}%`, `${r.headsKept}/${r.heads}`, r.batch,
      (r.macs / full(r).macs).toFixed(3), `${f1(r.medianMs)} (${f1(r.minMs)}–${f1(r.maxMs)})`, r.ratioToFirst.toFixed(2)]),
  );
}
