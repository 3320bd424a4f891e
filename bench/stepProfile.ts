/**
 * Where one score-training step's time goes on tfjs wasm (Node): per-kernel wall time from tf.profile,
 * summed by kernel name, for the demo model at batch 64. `npx tsx bench/stepProfile.ts [batch]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { benchSetup, } from './engineSpeed';
import { baseModel } from './benchCommon';
import { randomDataset } from './scoreStep';
import { vitParams, disposeVitParams } from '../src/model/vitParams';
import { trainScores } from '../src/train/scoreTraining';

/** Kernel time (ms) summed per kernel name (with its input shapes when `byShape`), largest first. */
function kernelTable(kernels: { name: string; kernelTimeMs: number | { error: string }; inputShapes: number[][] }[], byShape: boolean): [string, number, number][] {
  const sums = new Map<string, [number, number]>();
  for (const k of kernels) {
    const key = byShape ? `${k.name} ${JSON.stringify(k.inputShapes)}` : k.name;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const s = sums.get(key) ?? [0, 0];
    sums.set(key, [s[0] + ms, s[1] + 1]);
  }
  return [...sums.entries()].map(([k, [ms, n]]) => [k, ms, n] as [string, number, number]).sort((a, b) => b[1] - a[1]);
}

async function main(): Promise<void> {
  await benchSetup();
  const batch = Number(process.argv[2] ?? 64);
  const base = await baseModel();
  const params = vitParams(base.cfg, base.tensors);
  const ds = randomDataset(base.cfg, batch * 4);
  await trainScores(params, ds, { steps: 2, batchSize: batch }); // warm-up
  const t0 = performance.now();
  const info = await tf.profile(async () => { await trainScores(params, ds, { steps: 1, batchSize: batch }); });
  const wall = performance.now() - t0;
  const kernels = await Promise.all(info.kernels.map(async (k) => ({ ...k, kernelTimeMs: await k.kernelTimeMs })));
  const total = kernels.reduce((s, k) => s + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0), 0);
  console.log(`wall ${wall.toFixed(1)} ms (profiled), kernel sum ${total.toFixed(1)} ms, ${kernels.length} kernels`);
  for (const [k, ms, n] of kernelTable(kernels, false).slice(0, 30)) console.log(`${ms.toFixed(1).padStart(8)} ms ${String(n).padStart(5)}x  ${k}`);
  console.log('--- by shape');
  for (const [k, ms, n] of kernelTable(kernels, true).slice(0, 40)) console.log(`${ms.toFixed(1).padStart(8)} ms ${String(n).padStart(5)}x  ${k}`);
  disposeVitParams(params);
}

await main();
