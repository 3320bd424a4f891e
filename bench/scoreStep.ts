/** Timing of VTP score-training steps (weights frozen) on random images, for any model shape. */
import type { ImageDataset } from '../src/data/imageDataset';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { seededRandom } from '../src/model/vitInit';
import { disposeVitParams, vitParams, type VitParams } from '../src/model/vitParams';
import { trainScores } from '../src/train/scoreTraining';
import { stats } from './benchCommon';
import type { RunCounts } from './timing';

/** `n` seeded random uint8 images at the model's input size, labels cycling over its classes. */
export function randomDataset(cfg: VitConfig, n: number): ImageDataset {
  const rand = seededRandom(3);
  return {
    pixels: Uint8Array.from({ length: n * cfg.inChans * cfg.imageSize[0] * cfg.imageSize[1] }, () => Math.floor(rand() * 256)),
    labels: Int32Array.from({ length: n }, (_, i) => i % cfg.numClasses), classNames: [], skipped: [],
    shape: [cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]],
  };
}

/** Runs `steps` score-training steps at `batch` and returns the wall time between consecutive steps (ms). */
export async function stepIntervals(params: VitParams, ds: ImageDataset, batch: number, steps: number): Promise<number[]> {
  const stamps: number[] = [];
  const t0 = performance.now();
  await trainScores(params, ds, { steps, batchSize: batch }, { onProgress: () => { stamps.push(performance.now()); } });
  return stamps.map((t, i) => t - (i === 0 ? t0 : stamps[i - 1]));
}

/** Milliseconds per score-training step of a model at `batch`: median, min, max of the timed steps. */
export async function scoreStepTimes(cfg: VitConfig, tensors: HostTensors, batch: number, counts: RunCounts): Promise<ReturnType<typeof stats>> {
  const params = vitParams(cfg, tensors);
  try {
    const ms = await stepIntervals(params, randomDataset(cfg, batch * 4), batch, counts.warmup + counts.runs);
    return stats(ms.slice(counts.warmup));
  } finally {
    disposeVitParams(params);
  }
}
