/**
 * The GPU benchmark's tfjs half: forward passes and score-training steps of DeiT-shaped models (random weights)
 * on tfjs-backend-webgpu in Node through Dawn. Writes a GpuResult JSON (see gpuResult.ts); compare it with
 * tools/torch_gpu_bench.py's through bench/gpu/gpuTable.ts. README "Speed" says how to run it on the device.
 *
 *   npm run bench:gpu -- [--models tiny,small] [--batches 1,16,64] [--step-batch 64] [--runs 5] [--out file] [--image 224]
 */
import { writeFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { randomDeit } from '../modelShapes';
import { scoreStepTimes } from '../scoreStep';
import { tfjsLatency, type RunCounts } from '../timing';
import { parseGpuBenchArgs, type GpuBenchOptions } from './gpuArgs';
import type { GpuCell, GpuResult } from './gpuResult';
import { useDawnWebgpu } from './webgpuNode';

type Timing = { medianMs: number; minMs: number; maxMs: number };

/** Times one cell; a failure (e.g. a buffer over the adapter's limits) becomes the cell's error. */
async function cell(base: Omit<GpuCell, 'medianMs'>, time: () => Promise<Timing>): Promise<GpuCell> {
  try {
    const t = await time();
    return { ...base, ...t, imagesPerSec: (base.batch * 1000) / t.medianMs };
  } catch (err) {
    return { ...base, error: (err as Error).message.split('\n')[0] };
  }
}

/** All cells of one DeiT size: forward at each batch, then the score step. */
async function modelCells(size: GpuBenchOptions['models'][number], o: GpuBenchOptions, counts: RunCounts): Promise<GpuCell[]> {
  const m = randomDeit(size, o.image);
  const cells: GpuCell[] = [];
  for (const batch of o.batches) {
    cells.push(await cell({ model: size, kind: 'forward', batch }, () => tfjsLatency(m.cfg, m.tensors, batch, counts)));
    process.stderr.write(`${m.name} forward b${batch}: ${JSON.stringify(cells[cells.length - 1])}\n`);
  }
  if (o.stepBatch > 0) {
    cells.push(await cell({ model: size, kind: 'step', batch: o.stepBatch }, () => scoreStepTimes(m.cfg, m.tensors, o.stepBatch, counts)));
    process.stderr.write(`${m.name} step b${o.stepBatch}: ${JSON.stringify(cells[cells.length - 1])}\n`);
  }
  return cells;
}

async function main(): Promise<void> {
  const o = parseGpuBenchArgs(process.argv.slice(2));
  const adapter = await useDawnWebgpu(o.dawn);
  process.stderr.write(`adapter: ${JSON.stringify(adapter)}\n`);
  const counts = { warmup: o.warmup, runs: o.runs };
  const cells: GpuCell[] = [];
  for (const size of o.models) cells.push(...await modelCells(size, o, counts));
  const result: GpuResult = {
    engine: 'tfjs-webgpu (Dawn, Node)',
    device: [adapter.vendor, adapter.architecture, adapter.device, adapter.description].filter(Boolean).join(' / '),
    software: adapter.isFallbackAdapter,
    cells,
    meta: { image: o.image, node: process.version, tfjs: tf.version_core, warmup: o.warmup, runs: o.runs, dawnFlags: o.dawn },
  };
  const text = JSON.stringify(result, null, 1);
  if (o.out) writeFileSync(o.out, text + '\n');
  process.stdout.write(text + '\n');
}

// Dawn keeps the event loop alive, so the process exits explicitly.
main().then(() => process.exit(0), (err) => { console.error(`bench:gpu: error: ${(err as Error).message}`); process.exit(1); });
