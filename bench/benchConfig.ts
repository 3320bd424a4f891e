/**
 * What `npm run bench` measures and how often, from environment variables:
 *   RUNS=n           timed runs per measurement (default 7; 1 with BENCH_QUICK)
 *   BENCH_QUICK=1    a smoke run: one timed run, small batches, fewer images and steps (checks the scripts, not the figures)
 *   BENCH_TABLES=1,4 only these tables (1 slim speedup, 2 tfjs vs onnxruntime-web, 3 training vs PyTorch, 4 browser, 5 scale,
 *                    6 whole heads against widths only at equal MACs, 7 latency budgets)
 *   DEIT_BATCH=n     the small batch of the DeiT-Tiny/Small slim-speedup rows (default 8)
 *   HEADS_BATCH=n    the large batch of table 6 (default 64; 8 in a quick run)
 *   HEADS_TARGETS=0.4,0.5  the MACs-saved targets of table 6
 *   SCALE_STEP_BATCH=n  batch of the scale table's score step (default 2)
 *   BENCH_SKIP_BASE=1  no DeiT-Base anywhere (scale row and browser import)
 *   BENCH_NO_BUILD=1   reuse the browser bundle in bench/.dist-browser
 */

/** A smoke run: the scripts work, the figures mean nothing. */
export const QUICK = process.env.BENCH_QUICK === '1';

/** Timed runs per measurement. */
export const RUNS = Number(process.env.RUNS ?? (QUICK ? 1 : 7));

const wanted = (process.env.BENCH_TABLES ?? '1,2,3,4,5,6,7').split(',').map((s) => Number(s.trim()));

/** Whether table `n` (1..5, issue 6's numbering; 6, issue 14's heads against widths) is to be measured. */
export function tableWanted(n: number): boolean {
  return wanted.includes(n);
}

/** Skip every DeiT-Base measurement. */
export const SKIP_BASE = process.env.BENCH_SKIP_BASE === '1';

/** Batches of the demo model's slim-speedup rows: 1, 64 and 512 (1 and 8 in a quick run). */
export const DEMO_BATCHES = QUICK ? [1, 8] : [1, 64, 512];

/** Batches of the demo model's onnxruntime-web rows (table 2): 1 and 64 (1 and 8 in a quick run). */
export const ORT_BATCHES = [1, QUICK ? 8 : 64];

/**
 * Small batch of the DeiT-Tiny/Small rows. 8, not 64: one DeiT-Small forward at batch 64 is ~295 GMACs,
 * tens of seconds on one wasm thread, and each row runs 2 + RUNS times.
 */
export const DEIT_BATCH = Number(process.env.DEIT_BATCH ?? (QUICK ? 2 : 8));

/** Large batch of table 6 (whole heads against widths only, DeiT-Tiny): 64 (issue 14), 8 in a quick run. */
export const HEADS_BATCH = Number(process.env.HEADS_BATCH ?? (QUICK ? 8 : 64));

/** MACs-saved targets of table 6: at 0.4 the heads budget drops 4 of DeiT-Tiny's 36 heads with these scores, at 0.5 nine. */
export const HEADS_TARGETS = (process.env.HEADS_TARGETS ?? '0.4,0.5').split(',').map(Number);

/** Batch of the demo model's score-training step against PyTorch (issue 6: 64). */
export const STEP_BATCH = 64;

/**
 * Scale table: forward at batch 1, score step at batch 2 (1 in a quick run); 1 warm-up, 3 timed runs.
 * Not batch 4: a DeiT-Base step there needs more than the wasm backend's 4 GB heap (~3 GB at batch 2).
 */
export const SCALE = { forwardBatch: 1, stepBatch: Number(process.env.SCALE_STEP_BATCH ?? (QUICK ? 1 : 2)), counts: { warmup: 1, runs: QUICK ? 1 : 3 } };

/** Browser table: accuracy images, training steps and batch, slider moves timed, accuracy changes timed. */
export const BROWSER = {
  evalLimit: QUICK ? 200 : 1000,
  trainSteps: QUICK ? 10 : 50,
  trainBatch: 16,
  costMoves: QUICK ? 4 : 20,
  accuracyMoves: QUICK ? 1 : 3,
  port: Number(process.env.BENCH_PORT ?? 4180),
};
