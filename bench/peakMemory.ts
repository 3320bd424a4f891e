/** Peak tfjs memory of one forward and one score-training step (tf.profile), and the wasm heap's size. */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from '../src/model/hostTensor';
import type { VitConfig } from '../src/model/vitConfig';
import { vitLogits } from '../src/model/vitForward';
import { disposeVitParams, vitParams, type VitParams } from '../src/model/vitParams';
import { randomDataset, stepIntervals } from './scoreStep';
import { randomImages } from './timing';

/** Bytes held by tfjs tensors: the weights alone, and the peak during the profiled work (weights included). */
export interface PeakBytes { weightBytes: number; peakBytes: number }

/** Builds the model's params, profiles `work` on them, disposes everything. */
async function profiled(cfg: VitConfig, tensors: HostTensors, work: (params: VitParams) => Promise<void>): Promise<PeakBytes> {
  const before = tf.memory().numBytes;
  const params = vitParams(cfg, tensors);
  const weightBytes = tf.memory().numBytes - before;
  try {
    const info = await tf.profile(async () => { await work(params); return []; });
    return { weightBytes, peakBytes: info.peakBytes - before };
  } finally {
    disposeVitParams(params);
  }
}

/** Peak tensor bytes of one forward (logits read back) at `batch`. */
export function forwardPeak(cfg: VitConfig, tensors: HostTensors, batch: number): Promise<PeakBytes> {
  return profiled(cfg, tensors, async (params) => {
    const x = tf.tensor4d(randomImages(cfg, batch), [batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]]);
    const y = vitLogits(params, x);
    await y.data();
    tf.dispose([x, y]);
  });
}

/** Peak tensor bytes of one score-training step (weights frozen) at `batch`. */
export function stepPeak(cfg: VitConfig, tensors: HostTensors, batch: number): Promise<PeakBytes> {
  return profiled(cfg, tensors, async (params) => { await stepIntervals(params, randomDataset(cfg, batch), batch, 1); });
}

/** Size of the wasm backend's heap (it only grows, so: the high-water mark of everything run so far), or null off wasm. */
export function wasmHeapBytes(): number | null {
  const backend = tf.backend() as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? null;
}
