import * as tf from '@tensorflow/tfjs-core';
import { gradientsRecorded, isTrainable } from './trainable';

/**
 * Affine map x [M, in] @ w [in, out] + b [out] -> [M, out] in one fused kernel. Its gradient uses only
 * untransposed matmuls (transposed ones are several times slower on wasm), and skips dw and db
 * entirely when the weights are frozen (score training), which tfjs's own fused matmul does not.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D | null): tf.Tensor2D {
  const forward = (a: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: w, bias: b ?? undefined });
  if (!gradientsRecorded()) return forward(x) as tf.Tensor2D;
  const dx = (dy: tf.Tensor2D) => tf.matMul(dy, tf.transpose(w)); // [M, out] @ [out, in] -> [M, in]
  if (!isTrainable(w) && !isTrainable(b)) {
    const op = tf.customGrad(((a: tf.Tensor) => ({ value: forward(a), gradFunc: (dy: tf.Tensor) => dx(dy as tf.Tensor2D) })) as unknown as Parameters<typeof tf.customGrad>[0]);
    return op(x) as tf.Tensor2D;
  }
  const inputs = b ? [x, w, b] : [x, w];
  const op = tf.customGrad(((...args: unknown[]) => {
    const a = args[0] as tf.Tensor2D;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    save([a]); // x must outlive the forward's tidy scopes for dw
    return {
      value: forward(a),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const g = dy as tf.Tensor2D; // [M, out]
        const dw = tf.matMul(tf.transpose(saved[0]), g); // [in, M] @ [M, out] -> [in, out]
        return b ? [dx(g), dw, tf.sum(g, 0)] : [dx(g), dw]; // db [out]
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...inputs) as tf.Tensor2D;
}

/** Kept columns of a matrix and the inverse map used by the backward pass. */
export interface ColumnSelection {
  /** Kept column indices, int32 [k]. */
  index: tf.Tensor1D;
  /** For each of the D source columns, its position in the kept set, or k for a dropped one; int32 [D]. */
  inverse: tf.Tensor1D;
}

/** Int32 index tensors selecting `kept` out of `width` columns. */
export function columnSelection(kept: number[], width: number): ColumnSelection {
  const inverse = new Int32Array(width).fill(kept.length);
  kept.forEach((j, pos) => { inverse[j] = pos; });
  return { index: tf.tensor1d(kept, 'int32'), inverse: tf.tensor1d(inverse, 'int32') };
}

/**
 * x[:, index] for x [M, D] -> [M, k]; its gradient is a gather too (dy with a zero column appended,
 * at `inverse`), so training needs no scatter kernel (the wasm backend has none).
 */
export function selectColumns(x: tf.Tensor2D, sel: ColumnSelection): tf.Tensor2D {
  if (!gradientsRecorded()) return tf.gather(x, sel.index, 1);
  const op = tf.customGrad(((input: tf.Tensor) => ({
    value: tf.gather(input, sel.index, 1),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
      const g = dy as tf.Tensor2D; // [M, k]
      return tf.gather(tf.concat([g, tf.zeros([g.shape[0], 1])], 1), sel.inverse, 1); // [M, D]
    },
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x) as tf.Tensor2D;
}
