/**
 * LayerNorm over the last axis. With frozen gamma/beta (score training) it has a hand-written input
 * gradient, 8 elementwise ops instead of the ~20 that autodiff of the moments produces (one fused SIMD
 * kernel each way on the wasm backend); with trainable gamma/beta it is left to autodiff.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED, hasFusedKernel, runFused } from './kernels/wasmFusedKernels';
import { gradientsRecorded, isTrainable } from './trainable';

/** (x - mean) / sqrt(var + eps) * gamma + beta over the last axis; x [..., D], gamma/beta [D]. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  if (isTrainable(gamma) || isTrainable(beta)) return tf.tidy(() => tf.add(tf.mul(normalised(x, eps).xhat, gamma), beta));
  if (gamma.size % 4 === 0 && hasFusedKernel(FUSED.layerNorm, x, gamma, beta)) return fusedLayerNorm(x, gamma, beta, eps);
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const { xhat, rstd } = normalised(input, eps);
    save([xhat, rstd]);
    return {
      value: tf.add(tf.mul(xhat, gamma), beta),
      // dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), g = dy * gamma
      gradFunc: (dy: tf.Tensor, [xh, r]: tf.Tensor[]) => {
        const g = tf.mul(dy, gamma); // [..., D]
        return tf.mul(r, tf.sub(tf.sub(g, tf.mean(g, -1, true)), tf.mul(xh, tf.mean(tf.mul(g, xh), -1, true))));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}

/** The frozen-gamma LayerNorm through the fused kernels: only x is kept, the moments are recomputed. */
function fusedLayerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  if (!gradientsRecorded()) return runFused<tf.Tensor>(FUSED.layerNorm, { x, gamma, beta }, { eps });
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: runFused<tf.Tensor>(FUSED.layerNorm, { x: input, gamma, beta }, { eps }),
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => runFused<tf.Tensor>(FUSED.layerNormGrad, { x: xs, gamma, dy }, { eps }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}

/** x normalised over the last axis (xhat [..., D]) and 1 / sqrt(var + eps) ([..., 1]). */
function normalised(x: tf.Tensor, eps: number): { xhat: tf.Tensor; rstd: tf.Tensor } {
  const { mean, variance } = tf.moments(x, -1, true); // [..., 1]
  const rstd = tf.rsqrt(tf.add(variance, eps)); // [..., 1]
  return { xhat: tf.mul(tf.sub(x, mean), rstd), rstd };
}
