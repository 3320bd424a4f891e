/**
 * `npm run bench`: every benchmark of issue 6 in one run on this machine, as ratios (the machines are
 * shared and noisy; absolute figures only matter within one run). Writes bench/results.json and prints
 * Markdown tables (quoted in the README):
 *   1. slim speedup: the demo model pruned with scores trained on the shipped sample at 0.2/0.4/0.6, batch 1/64/512,
 *      and DeiT-Tiny/Small shapes with seeded uneven-width scores (Node, wasm)
 *   2. tfjs against onnxruntime-web on the studio's ONNX export
 *   3. score-training step against PyTorch on the same CPU
 *   4. the prune slider and training in Chromium on WASM, the slim demo model's speed there (the studio's "Measure speed"),
 *      and a DeiT-Base-sized import (bench/browser/)
 *   5. scale: time and peak memory of a forward and a score step against model size
 *   6. whole heads against widths only at equal MACs (DeiT-Tiny shape, batch 1 and 64)
 *   7. latency budgets: the table's prediction against the measured saving, and where `prune --latency-ms` lands
 * Which tables, and how many runs: bench/benchConfig.ts (RUNS, BENCH_QUICK=1, BENCH_TABLES=1,5, ...).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { DEIT_BATCH, QUICK, RUNS, STEP_BATCH, tableWanted } from './benchConfig';
import { browserBench } from './browser/browserBench';
import { browserMarkdown } from './browser/browserTables';
import { deitSpeedRows } from './deitSpeed';
import { benchSetup, scoreStepMs, slimSpeedRows } from './engineSpeed';
import { ortTable, scaleTable, slimTable, stepTable } from './markdown';
import { scaleRows } from './scaleBench';
import { headsSpeedRows, headsTable } from './headsSpeed';
import { latencyBudgetRows, latencyBudgetTable } from './latencyBudget';

const OUT = new URL('./results.json', import.meta.url).pathname;
const TORCH_SCRIPT = new URL('../tools/torch_step_bench.py', import.meta.url).pathname;

/** PyTorch's score-training step on the same CPU (Debian python3-torch), or null with the reason. */
function torchStep(): { medianMs: number; minMs: number; maxMs: number } | { skipped: string } {
  try {
    const args = [TORCH_SCRIPT, '--batch', String(STEP_BATCH), '--runs', String(Math.min(RUNS, 5)), '--threads', '1'];
    return JSON.parse(execFileSync('/usr/bin/python3', args, { encoding: 'utf8' }));
  } catch (err) {
    return { skipped: `PyTorch not available (${(err as Error).message.split('\n')[0]}); apt-get install python3-torch` };
  }
}

/** Runs `part` when its table is wanted, printing how long it took. */
async function timed<T>(tables: number[], name: string, part: () => Promise<T>): Promise<T | undefined> {
  if (!tables.some(tableWanted)) return undefined;
  const t0 = performance.now();
  console.error(`${name}…`);
  const result = await part();
  console.error(`${name} took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  return result;
}

async function main(): Promise<void> {
  await benchSetup();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, tfjs wasm (SIMD, 1 thread)`;
  console.error(`benchmarking on ${machine}${QUICK ? ' (BENCH_QUICK: smoke run, figures meaningless)' : ''}`);
  const slim = await timed([1, 2], 'demo model slim speedup and onnxruntime-web', () => slimSpeedRows());
  const deit = await timed([1], 'DeiT-Tiny/Small slim speedup', () => deitSpeedRows());
  const step = await timed([3], 'score-training step', async () => ({ tfjs: await scoreStepMs(STEP_BATCH, Math.min(RUNS, 6)), torch: torchStep() }));
  const scale = await timed([5], 'scale', () => scaleRows());
  const heads = await timed([6], 'whole heads against widths only (DeiT-Tiny)', () => headsSpeedRows());
  const latency = await timed([7], 'latency budgets (demo model)', () => latencyBudgetRows());
  const browser = await timed([4], 'browser (slider, training, DeiT-Base import)', () => browserBench());
  const results = { date: new Date().toISOString(), machine, quick: QUICK, runs: RUNS, model: slim?.source, slimScores: slim?.scores, slim: slim?.rows, deit,
    scoreStep: step && { batch: STEP_BATCH, ...step.tfjs }, torchScoreStep: step?.torch, scale, browser, heads, latency };
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  if (slim && tableWanted(1)) console.log(`### 1. Inference latency, ${slim.source}, scores ${slim.scores} (${machine})\n\n${slimTable(slim.rows)}\n`);
  if (deit) console.log(`### 1. Inference latency, DeiT-Tiny and DeiT-Small shapes (random weights, 224×224×3, seeded scores giving uneven widths), batch 1 and ${DEIT_BATCH} (not 64: a DeiT-Small forward at batch 64 is ~295 GMACs, tens of seconds per run on one wasm thread)\n\n${slimTable(deit)}\n`);
  if (slim && tableWanted(2)) console.log(`### 2. tfjs against onnxruntime-web (wasm, 1 thread), same model and batch\n\n${ortTable(slim.rows)}\n`);
  if (step) console.log(`### 3. Score-training step, weights frozen, demo model\n\n${stepTable(STEP_BATCH, step.tfjs, step.torch)}\n`);
  if (browser) console.log(browserMarkdown(browser, '4. '));
  if (scale) console.log(`### 5. Scale: one forward and one score-training step against model size (Node, wasm)\n\n${scaleTable(scale)}\n`);
  if (latency) console.log(`### 7. Latency budgets, ${slim?.source ?? 'demo model'}: the table's predicted saving against the measured one (slim and full alternating), and where \`prune --latency-ms\` lands (${machine})\n\n${latencyBudgetTable(latency)}\n`);
  if (heads) console.log(`### 6. Whole heads against widths only at equal MACs, DeiT-Tiny shape (random weights, 224×224×3, seeded scores with per-head offsets), tfjs wasm (${machine})\n\n${headsTable(heads)}\n`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
