/**
 * The TF.js export in a user's stock tfjs-wasm (none of the studio's kernels): slim/full latency of the exported graph
 * model with kept residual inputs read by GatherV2 against zero-row weights (the default), demo model, runs of the
 * three models alternating, median of the per-round ratios to the full model.
 *
 *   npx tsx bench/tfjsExportSpeed.ts <scores.safetensors> [rate 0.4] [rounds at batch 64, 11]
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { loadModelDir } from '../src/cli/modelDir';
import { TFJS_SHARD, tfjsModelFiles, type TfjsExportOptions } from '../src/io/export/tfjsExport';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { readScoreFile } from '../src/io/scoreFile';
import { pruneModel } from '../src/prune/pruneModel';

/** The exported graph model of `cfg`/`tensors`, loaded by tfjs's own loader from memory. */
async function exported(cfg: VitConfig, tensors: HostTensors, opts: TfjsExportOptions): Promise<tf.GraphModel> {
  const files = tfjsModelFiles(cfg, tensors, opts);
  const json = JSON.parse(files['model.json']);
  const shard = files[TFJS_SHARD];
  const weightData = shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength) as ArrayBuffer;
  return tf.loadGraphModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }));
}

/** Milliseconds of every model per round, rounds alternating the models, after 2 untimed rounds. */
async function alternating(models: tf.GraphModel[], batch: number, rounds: number): Promise<number[][]> {
  const x = tf.randomNormal([batch, 1, 28, 28]);
  const times: number[][] = models.map(() => []);
  for (let r = -2; r < rounds; r++) {
    for (let m = 0; m < models.length; m++) {
      const t0 = performance.now();
      const y = models[m].execute({ pixel_values: x }, 'logits') as tf.Tensor;
      await y.data();
      y.dispose();
      if (r >= 0) times[m].push(performance.now() - t0);
    }
  }
  x.dispose();
  return times;
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];

async function main(): Promise<void> {
  const [scoreFile, rateArg, roundsArg] = process.argv.slice(2);
  if (!scoreFile) throw new Error('usage: npx tsx bench/tfjsExportSpeed.ts <scores.safetensors> [rate] [rounds]');
  await tf.setBackend('wasm');
  const model = await loadModelDir('public/models/fmnist-vit-s');
  const scores = readScoreFile(new Uint8Array(readFileSync(scoreFile)), model.config);
  const slim = pruneModel(model.config, model.tensors, scores, { rate: Number(rateArg ?? 0.4), criterion: 'vtp', fold: false, roundTo: 1 });
  const names = ['full', 'slim, GatherV2', 'slim, zero-row weights'];
  const models = [await exported(model.config, model.tensors, {}), await exported(slim.config, slim.tensors, { keptInputs: 'gather' }),
    await exported(slim.config, slim.tensors, { keptInputs: 'zero-rows' })];
  console.log(`rate ${rateArg ?? 0.4}, MACs ratio ${(slim.after.total.macs / slim.before.total.macs).toFixed(2)}, ${tf.getBackend()}`);
  for (const batch of [1, 64]) {
    const times = await alternating(models, batch, batch === 1 ? 4 * Number(roundsArg ?? 11) : Number(roundsArg ?? 11));
    const ratio = (m: number) => median(times[m].map((t, i) => t / times[0][i]));
    console.log(`batch ${batch}: ` + names.map((n, m) => `${n} ${median(times[m]).toFixed(1)} ms (ratio ${ratio(m).toFixed(2)})`).join(', '));
  }
}

void main();
