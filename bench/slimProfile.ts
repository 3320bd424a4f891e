/**
 * `npx tsx bench/slimProfile.ts <scores.safetensors> [rate] [batches]`: the demo model's full against slim latency
 * at each batch (runs alternating, RUNS timed, default 5; 10× as many at batch 1), the slim widths, and with
 * PROFILE=1 the milliseconds per kernel of both forwards. ROUND=k rounds kept widths. The backend is the
 * CLI's (useNodeBackend: relaxed SIMD, the fused, column-gather and block kernels); OP_PATH=1 runs blocks
 * through tfjs ops instead of the one-call inference block.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { BLOCK_KERNEL } from '../src/model/kernels/wasmBlockKernel';
import { readScoreFile } from '../src/io/scoreFile';
import { pruneModel } from '../src/prune/pruneModel';
import { vitLogits } from '../src/model/vitForward';
import { disposeVitParams, vitParams, type VitParams } from '../src/model/vitParams';
import { baseModel } from './benchCommon';
import { alternatingLatency, randomImages } from './timing';

/** Milliseconds per kernel name of one forward of `params` at `batch`, largest first. */
async function kernelTimes(params: VitParams, batch: number): Promise<string> {
  const x = tf.tensor4d(randomImages(params.config, batch), [batch, params.config.inChans, ...params.config.imageSize]);
  const prof = await tf.profile(async () => { const y = vitLogits(params, x); await y.data(); y.dispose(); });
  x.dispose();
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  return [...byKernel].sort((a, b) => b[1] - a[1]).map(([n, t]) => `${n} ${t.toFixed(1)}`).join(', ');
}

async function main(): Promise<void> {
  await useNodeBackend('wasm'); // the CLI's backend: relaxed SIMD, the fused and gather kernels
  if (process.env.OP_PATH) tf.unregisterKernel(BLOCK_KERNEL, 'wasm'); // blocks through tfjs ops, as before the block kernel
  const [file, rateArg, batchArg] = process.argv.slice(2);
  const base = await baseModel();
  const scores = readScoreFile(new Uint8Array(readFileSync(file)), base.cfg, file);
  const slim = pruneModel(base.cfg, base.tensors, scores, { rate: Number(rateArg ?? 0.4), roundTo: Number(process.env.ROUND ?? 1) });
  console.log(`MACs ratio ${(slim.after.total.macs / slim.before.total.macs).toFixed(3)}`);
  for (const b of slim.config.blocks ?? []) console.log(JSON.stringify({ qkvIn: b.qkvIn?.length ?? 'all', values: b.valueWidths, fc1In: b.fc1In?.length ?? 'all', hidden: b.hidden }));
  const models = [{ cfg: base.cfg, tensors: base.tensors }, { cfg: slim.config, tensors: slim.tensors }];
  const runs = Number(process.env.RUNS ?? 5);
  for (const batch of (batchArg ?? '1,64,512').split(',').map(Number)) {
    const [full, thin] = await alternatingLatency(models, batch, { warmup: 1, runs: batch === 1 ? runs * 10 : runs });
    console.log(`batch ${batch}: full ${full.medianMs.toFixed(1)} ms, slim ${thin.medianMs.toFixed(1)} ms, ratio ${(thin.medianMs / full.medianMs).toFixed(3)}`);
    if (!process.env.PROFILE) continue;
    for (const [name, m] of [['full', models[0]], ['slim', models[1]]] as const) {
      const params = vitParams(m.cfg, m.tensors);
      console.log(`  ${name} kernels: ${await kernelTimes(params, batch)}`);
      disposeVitParams(params);
    }
  }
}

main().catch((err) => { console.error(err); process.exitCode = 1; });
