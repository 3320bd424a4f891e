/**
 * Engine benchmarks, all in one process on the tfjs wasm backend (Node), reported as ratios:
 *  - slim speedup: inference latency of the demo model pruned at 0.2/0.4/0.6 (and 0.4 rounded to 8)
 *    over the full model's, batch 1 and 64;
 *  - engine vs reference runtime: tfjs latency over onnxruntime-web's on the studio's own ONNX export;
 *  - score training: ms per step at batch 64 with weights frozen (images per second).
 * Median of RUNS timed runs after WARMUP, with min and max.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-web';
import { onnxModelBytes } from '../src/io/export/onnxExport';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { vitLogits } from '../src/model/vitForward';
import { disposeVitParams, vitParams } from '../src/model/vitParams';
import { seededRandom } from '../src/model/vitInit';
import { pruneModel } from '../src/prune/pruneModel';
import { trainScores } from '../src/train/scoreTraining';
import type { ImageDataset } from '../src/data/imageDataset';
import type { VitConfig } from '../src/model/vitConfig';
import type { HostTensors } from '../src/model/hostTensor';
import { baseModel, stats, vtpLikeScores } from './benchCommon';

const WARMUP = 2;
const RUNS = Number(process.env.RUNS ?? 7);

/** One timed configuration. */
export interface SpeedRow { model: string; rate: number; batch: number; macs: number; medianMs: number; minMs: number; maxMs: number; ortMedianMs?: number }

async function timeIt(run: () => Promise<void>): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < WARMUP; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) { const t0 = performance.now(); await run(); ms.push(performance.now() - t0); }
  return stats(ms);
}

function randomImages(cfg: VitConfig, batch: number): Float32Array {
  const rand = seededRandom(batch);
  return Float32Array.from({ length: batch * cfg.inChans * cfg.imageSize[0] * cfg.imageSize[1] }, () => rand() * 2 - 1);
}

async function tfjsLatency(cfg: VitConfig, tensors: HostTensors, batch: number) {
  const params = vitParams(cfg, tensors);
  const x = tf.tensor4d(randomImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
  const s = await timeIt(async () => { const y = vitLogits(params, x); await y.data(); y.dispose(); });
  x.dispose();
  disposeVitParams(params);
  return s;
}

async function ortLatency(cfg: VitConfig, tensors: HostTensors, batch: number): Promise<number> {
  const session = await ort.InferenceSession.create(onnxModelBytes(cfg, tensors));
  const input = new ort.Tensor('float32', randomImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
  const s = await timeIt(async () => { await session.run({ pixel_values: input }); });
  await session.release();
  return s.medianMs;
}

/** Latency of full and slim models on tfjs wasm, and of the full and 40% models on onnxruntime-web. */
export async function slimSpeedRows(): Promise<{ rows: SpeedRow[]; source: string }> {
  const base = await baseModel();
  const scores = vtpLikeScores(base.cfg);
  const variants = [{ name: 'full', rate: 0, roundTo: 1 }, { name: 'slim', rate: 0.2, roundTo: 1 }, { name: 'slim', rate: 0.4, roundTo: 1 },
    { name: 'slim, rounded to 8', rate: 0.4, roundTo: 8 }, { name: 'slim', rate: 0.6, roundTo: 1 }];
  const rows: SpeedRow[] = [];
  for (const v of variants) {
    const m = pruneModel(base.cfg, base.tensors, scores, { rate: v.rate, roundTo: v.roundTo });
    for (const batch of [1, 64]) {
      const s = await tfjsLatency(m.config, m.tensors, batch);
      const withOrt = v.roundTo === 1 && (v.rate === 0 || v.rate === 0.4);
      rows.push({ model: v.name, rate: v.rate, batch, macs: m.after.total.macs, ...s, ...(withOrt ? { ortMedianMs: await ortLatency(m.config, m.tensors, batch) } : {}) });
    }
  }
  return { rows, source: base.source };
}

/** Milliseconds per score-training step (weights frozen) of the demo model at `batch`. */
export async function scoreStepMs(batch = 64, steps = 6): Promise<ReturnType<typeof stats>> {
  const base = await baseModel();
  const cfg = base.cfg;
  const n = batch * 4;
  const rand = seededRandom(3);
  const ds: ImageDataset = {
    pixels: Uint8Array.from({ length: n * cfg.inChans * cfg.imageSize[0] * cfg.imageSize[1] }, () => Math.floor(rand() * 256)),
    labels: Int32Array.from({ length: n }, (_, i) => i % cfg.numClasses), classNames: [], skipped: [],
    shape: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]],
  };
  const params = vitParams(cfg, base.tensors);
  const stamps: number[] = [];
  await trainScores(params, ds, { steps: steps + WARMUP, batchSize: batch }, { onProgress: () => { stamps.push(performance.now()); } });
  disposeVitParams(params);
  const per = stamps.slice(WARMUP).map((t, i) => t - stamps[WARMUP + i - 1]);
  return stats(per);
}

/** Sets up the wasm backend and onnxruntime-web with one thread each. */
export async function benchSetup(): Promise<void> {
  await useNodeBackend('wasm');
  ort.env.wasm.numThreads = 1;
}
