import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta; x [..., D], gamma/beta [D]. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true); // [..., 1]
    const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(normed, gamma), beta);
  });
}

/** Exact GELU, 0.5 * x * (1 + erf(x / sqrt(2))), as PyTorch's nn.GELU() and timm/HF "gelu". */
export function geluErf(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)));
}

/** Affine map x [M, in] @ w [in, out] + b [out] -> [M, out] in one fused kernel. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: w, bias: b ?? undefined }) as tf.Tensor2D;
}
