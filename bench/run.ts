/**
 * `npm run bench`: every engine benchmark in one run on this machine, as ratios (the machines are
 * shared and noisy; absolute figures only matter within one run). Writes bench/results.json and
 * prints Markdown tables (quoted in the README).
 */
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { writeFileSync } from 'node:fs';
import { benchSetup, scoreStepMs, slimSpeedRows, type SpeedRow } from './engineSpeed';

const OUT = new URL('./results.json', import.meta.url).pathname;
const TORCH_SCRIPT = new URL('../tools/torch_step_bench.py', import.meta.url).pathname;

/** PyTorch's score-training step on the same CPU (Debian python3-torch), or null with the reason. */
function torchStep(): { medianMs: number; minMs: number; maxMs: number } | { skipped: string } {
  try {
    return JSON.parse(execFileSync('/usr/bin/python3', [TORCH_SCRIPT, '--batch', '64', '--runs', '5', '--threads', '1'], { encoding: 'utf8' }));
  } catch (err) {
    return { skipped: `PyTorch not available (${(err as Error).message.split('\n')[0]}); apt-get install python3-torch` };
  }
}

const f1 = (x: number) => x.toFixed(1);

function slimTable(rows: SpeedRow[]): string {
  const full = (batch: number) => rows.find((r) => r.rate === 0 && r.batch === batch)!;
  const lines = ['| model | rate | batch | MACs ratio | latency ms (median, min–max) | latency ratio | onnxruntime-web ms | tfjs / ort |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    const f = full(r.batch);
    const ort = r.ortMedianMs ? `${f1(r.ortMedianMs)} | ${(r.medianMs / r.ortMedianMs).toFixed(2)}` : '– | –';
    lines.push(`| ${r.model} | ${r.rate} | ${r.batch} | ${(r.macs / f.macs).toFixed(2)} | ${f1(r.medianMs)} (${f1(r.minMs)}–${f1(r.maxMs)}) | ${(r.medianMs / f.medianMs).toFixed(2)} | ${ort} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  await benchSetup();
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, tfjs wasm (SIMD, 1 thread)`;
  console.error(`benchmarking on ${machine}`);
  const slim = await slimSpeedRows();
  const step = await scoreStepMs(64);
  const torch = torchStep();
  const results = { date: new Date().toISOString(), machine, model: slim.source, slim: slim.rows, scoreStep: { batch: 64, ...step }, torchScoreStep: torch };
  writeFileSync(OUT, JSON.stringify(results, null, 2) + '\n');
  console.log(`### Inference latency, ${slim.source} (${machine})\n\n${slimTable(slim.rows)}\n`);
  const torchLine = 'skipped' in torch ? torch.skipped
    : `PyTorch ${f1(torch.medianMs)} ms (${f1(torch.minMs)}–${f1(torch.maxMs)}); tfjs / PyTorch = ${(step.medianMs / torch.medianMs).toFixed(2)}`;
  console.log(`### Score-training step, batch 64, weights frozen\n\ntfjs wasm ${f1(step.medianMs)} ms (${f1(step.minMs)}–${f1(step.maxMs)}), ` +
    `${f1(64000 / step.medianMs)} images/s; ${torchLine}\n`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
