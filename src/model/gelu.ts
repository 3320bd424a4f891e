/** Exact GELU with a hand-written gradient (autodiff of the erf formula costs about twice the ops). */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED, hasFusedKernel, runFused } from './kernels/wasmFusedKernels';
import { gradientsRecorded } from './trainable';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * 0.5 * x * (1 + erf(x / sqrt(2))), as PyTorch's nn.GELU() and timm/HF "gelu"; any shape. On the wasm
 * backend forward and gradient are one fused SIMD kernel each (kernels/fusedOps.wat); elsewhere tfjs ops.
 */
export function geluErf(x: tf.Tensor): tf.Tensor {
  if (hasFusedKernel(FUSED.gelu, x)) return fusedGelu(x);
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(input, Math.SQRT1_2)), 1), 0.5); // Φ(x)
    save([input, cdf]);
    return {
      value: tf.mul(input, cdf),
      // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ(x) = exp(-x²/2) / sqrt(2π)
      gradFunc: (dy: tf.Tensor, [xs, c]: tf.Tensor[]) =>
        tf.mul(dy, tf.add(c, tf.mul(xs, tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), INV_SQRT_2PI)))),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}

/** geluErf through the fused kernels: only x is kept for the backward pass. */
function fusedGelu(x: tf.Tensor): tf.Tensor {
  if (!gradientsRecorded()) return runFused<tf.Tensor>(FUSED.gelu, { x });
  const op = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: runFused<tf.Tensor>(FUSED.gelu, { x: input }),
      gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) => runFused<tf.Tensor>(FUSED.geluGrad, { x: xs, dy }),
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x);
}
