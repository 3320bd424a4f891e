/** A VTP gate applied to activations, with a one-pass gradient for both the activations and the gate. */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED, hasFusedKernel, runFused } from './kernels/wasmFusedKernels';

/**
 * x [M, C] times gate [C] (per column). Backward: dx = dy·gate and dgate = Σ_rows dy·x, one fused SIMD
 * kernel on the wasm backend (C a multiple of 4), else the same two tfjs ops autodiff would run.
 */
export function gateMul(x: tf.Tensor2D, gate: tf.Tensor1D): tf.Tensor2D {
  const fused = gate.size % 4 === 0 && hasFusedKernel(FUSED.gateGrad, x, gate);
  const op = tf.customGrad(((a: tf.Tensor, g: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, g]);
    return {
      value: tf.mul(a, g),
      gradFunc: (dy: tf.Tensor, [xs, gs]: tf.Tensor[]) => fused
        ? runFused<tf.Tensor[]>(FUSED.gateGrad, { x: xs, gate: gs, dy })
        : [tf.mul(dy, gs), tf.sum(tf.mul(dy, xs), 0)], // [M, C], [C]
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gate) as tf.Tensor2D;
}
