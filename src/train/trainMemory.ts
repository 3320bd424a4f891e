/**
 * Memory of one training step on the WASM backend, whose heap cannot grow past 4 GiB: an estimate
 * checked before training starts, so that a batch too large for the model is refused with the largest
 * batch that fits instead of aborting the WebAssembly module mid-run.
 */
import { patchCount, prefixTokenCount, type VitConfig } from '../model/vitConfig';

/** Bytes the WASM backend can use for tensors (its heap is capped at 4 GiB; the rest is headroom). */
export const WASM_TENSOR_BUDGET_BYTES = 3.5 * 1024 ** 3;

/**
 * Bytes a training step keeps per image, as a multiple of one float per token and width (D and MLP
 * hidden) and per attention logit, summed over blocks. Measured on the wasm backend with tf.profile's
 * peakBytes: 17.3-17.6 for the demo model (batch 8, 16), 15.9-16.7 for DeiT-Tiny (batch 1, 2), 18.1 for
 * DeiT-Small (batch 1); 19 leaves a margin.
 */
const ACTIVATION_FACTOR = 19;

/** Estimated activation bytes of one image in a training step of `cfg`. */
export function stepBytesPerImage(cfg: VitConfig): number {
  const T = patchCount(cfg) + prefixTokenCount(cfg);
  return 4 * ACTIVATION_FACTOR * cfg.depth * (T * (cfg.embedDim + cfg.mlpHidden) + cfg.numHeads * T * T);
}

/** Estimated bytes of a training step: weights (x4 with gradients and Adam moments when trained) + activations. */
export function trainStepBytes(cfg: VitConfig, params: number, batch: number, trainWeights: boolean): number {
  return 4 * params * (trainWeights ? 4 : 1) + batch * stepBytesPerImage(cfg);
}

/** Why `batch` does not fit in `budget` bytes, with the largest batch that does, or null when it fits. */
export function trainMemoryProblem(cfg: VitConfig, params: number, batch: number, trainWeights: boolean,
  budget = WASM_TENSOR_BUDGET_BYTES): string | null {
  const need = trainStepBytes(cfg, params, batch, trainWeights);
  if (need <= budget) return null;
  const fits = Math.floor((budget - trainStepBytes(cfg, params, 0, trainWeights)) / stepBytesPerImage(cfg));
  const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
  const advice = fits >= 1 ? `use a batch size of at most ${fits}` : 'this model is too large to train here';
  return `batch size ${batch} needs about ${gb(need)} GB for one training step of this model, more than the ` +
    `${gb(budget)} GB the WASM backend can hold: ${advice}, or a GPU backend (WebGPU/WebGL)`;
}
