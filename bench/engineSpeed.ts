/**
 * Engine benchmarks, all in one process on the tfjs wasm backend (Node), reported as ratios:
 *  - slim speedup: inference latency of the demo model pruned at 0.2/0.4/0.6 (and 0.4 rounded to 8) with
 *    scores trained on the shipped sample (bench/trainedScores.ts), over the full model's, batch 1, 64 and 512,
 *    all variants' runs alternating (bench/timing.ts alternatingLatency);
 *  - engine vs reference runtime: tfjs latency over onnxruntime-web's on the studio's own ONNX export;
 *  - score training: ms per step at batch 64 with weights frozen (images per second).
 * Median of RUNS timed runs after 2 warm-ups, with min and max.
 */
import * as ort from 'onnxruntime-web';
import { onnxModelBytes } from '../src/io/export/onnxExport';
import { useNodeBackend } from '../src/cli/nodeBackend';
import { pruneModel } from '../src/prune/pruneModel';
import type { VitConfig } from '../src/model/vitConfig';
import type { HostTensors } from '../src/model/hostTensor';
import { baseModel, unevenScores } from './benchCommon';
import { DEMO_BATCHES, ORT_BATCHES } from './benchConfig';
import { scoreStepTimes } from './scoreStep';
import { DEFAULT_COUNTS, alternatingLatency, randomImages, timeIt } from './timing';
import { SCORE_RUN, trainedScores } from './trainedScores';

/** One timed configuration (`arch` names the architecture when it is not the demo model). */
export interface SpeedRow {
  arch?: string; model: string; rate: number; batch: number; macs: number; medianMs: number; minMs: number; maxMs: number; ortMedianMs?: number;
  /** Median over alternating rounds of this model's time over the full model's in the same round. */
  ratioToFirst?: number;
}

async function ortLatency(cfg: VitConfig, tensors: HostTensors, batch: number): Promise<number> {
  const session = await ort.InferenceSession.create(onnxModelBytes(cfg, tensors));
  const input = new ort.Tensor('float32', randomImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
  const s = await timeIt(async () => { await session.run({ pixel_values: input }); });
  await session.release();
  return s.medianMs;
}

/** The demo model's slim variants (rate 0 = the full model). */
const VARIANTS = [{ name: 'full', rate: 0, roundTo: 1 }, { name: 'slim', rate: 0.2, roundTo: 1 }, { name: 'slim', rate: 0.4, roundTo: 1 },
  { name: 'slim, rounded to 8', rate: 0.4, roundTo: 8 }, { name: 'slim', rate: 0.6, roundTo: 1 }];

/** Latency of full and slim models on tfjs wasm, and of the full and 40% models on onnxruntime-web; `scores` says where the ranking came from. */
export async function slimSpeedRows(): Promise<{ rows: SpeedRow[]; source: string; scores: string }> {
  const base = await baseModel();
  const trained = base.dir ? trainedScores(base.dir, base.cfg) : null;
  const scores = trained?.scores ?? unevenScores(base.cfg);
  const models = VARIANTS.map((v) => ({ ...v, m: pruneModel(base.cfg, base.tensors, scores, { rate: v.rate, roundTo: v.roundTo }) }));
  const rows: SpeedRow[] = [];
  for (const batch of DEMO_BATCHES) {
    // Batch 1 runs are short and the noisiest: five times as many.
    const counts = { ...DEFAULT_COUNTS, runs: batch === 1 ? 5 * DEFAULT_COUNTS.runs : DEFAULT_COUNTS.runs };
    const times = await alternatingLatency(models.map((v) => ({ cfg: v.m.config, tensors: v.m.tensors })), batch, counts);
    for (const [i, v] of models.entries()) {
      const withOrt = ORT_BATCHES.includes(batch) && v.roundTo === 1 && (v.rate === 0 || v.rate === 0.4);
      rows.push({ model: v.name, rate: v.rate, batch, macs: v.m.after.total.macs, ...times[i], ...(withOrt ? { ortMedianMs: await ortLatency(v.m.config, v.m.tensors, batch) } : {}) });
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const source = trained ? `trained: ${SCORE_RUN.steps} steps of batch ${SCORE_RUN.batch} on the shipped sample (${trained.file.replace(/.*\/bench\//, 'bench/')})`
    : 'seeded uneven scores (no demo model)';
  return { rows, source: base.source, scores: source };
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
