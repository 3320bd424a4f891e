/**
 * Replaces tfjs's wasm GatherV2 kernel for gathers along the last axis of a float32 matrix (a slim block's
 * kept residual dims, x[:, index] with x [M, D]) with a plain loop over the wasm heap. tfjs's own kernel
 * computes strides per element and ran at about 25M floats/s, as long as the slim model's matmuls on
 * the demo model at batch 512; other gathers go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The parts of tfjs's wasm backend the kernel uses: views of tensors in its heap, and output allocation. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
}

const MARK = 'columnGather';

/** Whether the gather is x[:, index] on a float32 [M, D] with int32 [k] indices and no batch dims. */
function isColumnGather(x: tf.TensorInfo, indices: tf.TensorInfo, axis: number, batchDims: number): boolean {
  return x.dtype === 'float32' && indices.dtype === 'int32' && x.shape.length === 2 && indices.shape.length === 1
    && (axis === 1 || axis === -1) && batchDims === 0;
}

/** Throws "`what` <j> is not in [0, D-1]" for the first entry of `index` that is not a column of a width-D matrix. */
export function assertColumnIndex(index: Int32Array, D: number, what: string): void {
  for (const j of index) if (!(j >= 0 && j < D)) throw new Error(`${what} ${j} is not in [0, ${D - 1}]`);
}

/** out [M, k] = x[:, index] for x [M, D]; throws on an index outside [0, D). */
export function gatherColumns(x: Float32Array, index: Int32Array, out: Float32Array, M: number, D: number): void {
  const k = index.length;
  assertColumnIndex(index, D, 'GatherV2: the index value');
  for (let r = 0, src = 0, dst = 0; r < M; r++, src += D, dst += k) {
    for (let j = 0; j < k; j++) out[dst + j] = x[src + index[j]];
  }
}

/** The replacement kernel function: the loop for column gathers, else the original. */
function columnKernelFunc(original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { x, indices } = args.inputs as { x: tf.TensorInfo; indices: tf.TensorInfo };
    const { axis, batchDims } = args.attrs as unknown as { axis: number; batchDims: number };
    if (!isColumnGather(x, indices, axis, batchDims ?? 0)) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const [M, D] = x.shape;
    const out = backend.makeOutput([M, indices.shape[0]], 'float32'); // [M, k]
    // Views are taken after makeOutput: allocating may grow (and move) the backend's heap.
    const index = backend.typedArrayFromHeap(indices) as Int32Array;
    gatherColumns(backend.typedArrayFromHeap(x) as Float32Array, index, backend.typedArrayFromHeap(out) as Float32Array, M, D);
    return out;
  };
}

/**
 * Installs the column gather for the 'wasm' backend (idempotent); false, changing nothing, when the wasm
 * backend is not registered. Call after importing @tensorflow/tfjs-backend-wasm.
 */
export function useColumnGather(): boolean {
  const original = tf.getKernel('GatherV2', 'wasm');
  if (!original) return false;
  if ((original as { [MARK]?: true })[MARK]) return true;
  tf.unregisterKernel('GatherV2', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: columnKernelFunc(original.kernelFunc), [MARK]: true } as tf.KernelConfig);
  return true;
}
