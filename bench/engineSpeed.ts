/**
 * Engine benchmarks, all in one process on the tfjs wasm backend (Node), reported as ratios:
 *  - slim speedup: inference latency of the demo model pruned at 0.2/0.4/0.6 (and 0.4 rounded to 8)
 *    over the full model's, batch 1 and 64;
 *  - engine vs reference runtime: tfjs latency over onnxruntime-web's on the studio's own ONNX export;
 *  - score training: ms per step at batch 64 with weights frozen (images per second).
 * Median of RUNS timed runs after 2 warm-ups (bench/timing.ts), with min and max.
 */
import * as ort from 'onnxruntime-web';
import { onnxModelBytes } from '../src/io/export/onnxExport';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { pruneModel } from '../src/prune/pruneModel';
import type { VitConfig } from '../src/model/vitConfig';
import type { HostTensors } from '../src/model/hostTensor';
import { baseModel, vtpLikeScores } from './benchCommon';
import { DEMO_BATCHES } from './benchConfig';
import { scoreStepTimes } from './scoreStep';
import { DEFAULT_COUNTS, randomImages, tfjsLatency, timeIt } from './timing';

/** One timed configuration (`arch` names the architecture when it is not the demo model). */
export interface SpeedRow { arch?: string; model: string; rate: number; batch: number; macs: number; medianMs: number; minMs: number; maxMs: number; ortMedianMs?: number }

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
    for (const batch of DEMO_BATCHES) {
      const s = await tfjsLatency(m.config, m.tensors, batch);
      const withOrt = v.roundTo === 1 && (v.rate === 0 || v.rate === 0.4);
      rows.push({ model: v.name, rate: v.rate, batch, macs: m.after.total.macs, ...s, ...(withOrt ? { ortMedianMs: await ortLatency(m.config, m.tensors, batch) } : {}) });
    }
  }
  return { rows, source: base.source };
}

/** Milliseconds per score-training step (weights frozen) of the demo model at `batch`. */
export async function scoreStepMs(batch = 64, steps = 6): Promise<Awaited<ReturnType<typeof scoreStepTimes>>> {
  const base = await baseModel();
  return scoreStepTimes(base.cfg, base.tensors, batch, { warmup: DEFAULT_COUNTS.warmup, runs: steps });
}

/** Sets up the wasm backend and onnxruntime-web with one thread each. */
export async function benchSetup(): Promise<void> {
  await useNodeBackend('wasm');
  ort.env.wasm.numThreads = 1;
}
