/**
 * ONNX export speed: onnxruntime-web (wasm, 1 thread) latency of the demo model's ONNX export at
 * prune rate 0 versus 0.4 (and 0.4 with widths rounded to multiples of 8), at batch 1 and 64.
 * Median of RUNS timed runs after WARMUP untimed ones, with min and max; the models' runs are
 * interleaved so that background load affects them alike.
 *
 *   npx tsx bench/onnxSpeed.ts            prints a Markdown table, writes bench/results-onnx.json
 *
 * Uses public/models/fmnist-vit-s when it is there, else random weights on its architecture. The
 * pruning scores are random (VTP-like: value and hidden dims pruned far more than residual inputs).
 */
import { writeFileSync } from 'node:fs';
import { baseModel, stats, vtpLikeScores } from './benchCommon';
import * as ort from 'onnxruntime-web';
import { onnxModelBytes } from '../src/io/export/onnxExport';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { seededNormal } from '../src/model/vitInit';
import { modelCost } from '../src/prune/costs';
import { pruneModel } from '../src/prune/pruneModel';

const OUT = new URL('./results-onnx.json', import.meta.url).pathname;
const BATCHES = [1, 64];
const WARMUP = 3;
const RUNS = Number(process.env.RUNS ?? 15);

interface Variant { name: string; rate: number; roundTo: number; cfg: VitConfig; tensors: HostTensors }
interface Row { model: string; rate: number; roundTo: number; batch: number; medianMs: number; minMs: number; maxMs: number; params: number; macs: number; fileBytes: number }

/** The demo model, or random weights on its architecture when it has not been shipped yet. */
/** Seeded images [batch, C, H, W] as an onnxruntime tensor. */
function images(cfg: VitConfig, batch: number): ort.Tensor {
  const normal = seededNormal(batch);
  const shape = [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]];
  return new ort.Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, normal), shape);
}

/**
 * Times every session at one batch size, interleaved (round r runs every model once, in rotating
 * order) so that background load hits all models alike. Returns milliseconds per session.
 */
async function timeInterleaved(sessions: ort.InferenceSession[], cfg: VitConfig, batch: number): Promise<number[][]> {
  const input = images(cfg, batch);
  for (const s of sessions) for (let i = 0; i < WARMUP; i++) await s.run({ pixel_values: input });
  const ms: number[][] = sessions.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (let j = 0; j < sessions.length; j++) {
      const k = (round + j) % sessions.length;
      const t0 = performance.now();
      await sessions[k].run({ pixel_values: input });
      ms[k].push(performance.now() - t0);
    }
  }
  return ms;
}

function table(rows: Row[]): string {
  const lines = ['| model | rate | round to | batch | params | MACs/image | .onnx MB | median ms | min ms | max ms |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.model} | ${r.rate} | ${r.roundTo} | ${r.batch} | ${r.params.toLocaleString('en-US')} | ${(r.macs / 1e6).toFixed(1)}M | ` +
      `${(r.fileBytes / 2 ** 20).toFixed(2)} | ${r.medianMs.toFixed(2)} | ${r.minMs.toFixed(2)} | ${r.maxMs.toFixed(2)} |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  const base = await baseModel();
  const scores = vtpLikeScores(base.cfg);
  const variants: Variant[] = [{ name: 'full', rate: 0, roundTo: 1, cfg: base.cfg, tensors: base.tensors }];
  for (const roundTo of [1, 8]) {
    const p = pruneModel(base.cfg, base.tensors, scores, { rate: 0.4, fold: true, roundTo });
    variants.push({ name: roundTo === 1 ? 'pruned 40%' : 'pruned 40%, widths x8', rate: 0.4, roundTo, cfg: p.config, tensors: p.tensors });
  }
  const bytes = variants.map((v) => onnxModelBytes(v.cfg, v.tensors));
  const sessions = await Promise.all(bytes.map((b) => ort.InferenceSession.create(b, { executionProviders: ['wasm'] })));
  const rows: Row[] = [];
  for (const batch of BATCHES) {
    const ms = await timeInterleaved(sessions, base.cfg, batch);
    variants.forEach((v, k) => {
      const cost = modelCost(v.cfg).total;
      rows.push({ model: v.name, rate: v.rate, roundTo: v.roundTo, batch, ...stats(ms[k]), params: cost.params, macs: cost.macs, fileBytes: bytes[k].length });
    });
    process.stderr.write('.');
  }
  for (const s of sessions) await s.release();
  process.stderr.write('\n');
  const row = (name: string, batch: number) => rows.find((r) => r.model === name && r.batch === batch)!;
  const speedups = BATCHES.flatMap((b) => variants.slice(1).map((v) => ({
    model: v.name, batch: b,
    speedup: row('full', b).medianMs / row(v.name, b).medianMs,
    speedupOfMin: row('full', b).minMs / row(v.name, b).minMs,
    macRatio: row('full', b).macs / row(v.name, b).macs,
  })));
  console.log(`ONNX export in onnxruntime-web ${ort.env.versions?.web ?? ''} (wasm, 1 thread), ${base.source}; median of ${RUNS} runs after ${WARMUP} warm-up.\n`);
  console.log(table(rows) + '\n');
  for (const s of speedups) {
    console.log(`speed-up of ${s.model} over full at batch ${s.batch}: ${s.speedup.toFixed(2)}x (medians), ` +
      `${s.speedupOfMin.toFixed(2)}x (minimums); MACs ratio ${s.macRatio.toFixed(2)}x`);
  }
  writeFileSync(OUT, JSON.stringify({ runtime: 'onnxruntime-web wasm, 1 thread', model: base.source, runs: RUNS, warmup: WARMUP, date: new Date().toISOString(), rows, speedups }, null, 2) + '\n');
  console.log(`\nwrote ${OUT}`);
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
