/**
 * Replaces tfjs's wasm BatchMatMul kernel for batched or transposed float32 products (attention's
 * per-head products and every matmul gradient) with the SIMD kernel of simdMatMul.ts, about 10x faster
 * on the demo model's attention shapes. Plain 2D products, which tfjs already runs through XNNPACK,
 * broadcast batch dimensions and non-float32 inputs go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import { simdMatMul, type MatMulDims, type SimdMatMul } from './simdMatMul';

/** The parts of tfjs's wasm backend the kernel uses: views of tensors in its heap, and output allocation. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

const MARK = 'simdBatchMatMul';

/** The product's sizes, or null when the original kernel should run it. */
function simdDims(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): MatMulDims | null {
  const ra = a.shape.length, rb = b.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || ra !== rb || ra < 2) return null;
  const outer = a.shape.slice(0, -2);
  if (outer.some((n, i) => n !== b.shape[i])) return null; // broadcasting: original kernel
  const batch = outer.reduce((p, n) => p * n, 1);
  if (batch === 1 && !transposeA && !transposeB) return null; // XNNPACK's fully-connected path
  const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const K2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (K !== K2 || batch * M * N === 0 || K === 0) return null; // the original kernel reports mismatches
  return { batch, M, K, N, transposeA, transposeB };
}

/** The replacement kernel function: SIMD where simdDims allows, else the original. */
function simdKernelFunc(simd: SimdMatMul, original: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
    const dims = simdDims(a, b, transposeA, transposeB);
    if (!dims) return original(args);
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...a.shape.slice(0, -2), dims.M, dims.N], 'float32'); // [..., M, N]
    // Views are taken after makeOutput: allocating may grow (and move) the backend's heap.
    simd.run(backend.typedArrayFromHeap(a), backend.typedArrayFromHeap(b), backend.typedArrayFromHeap(out), dims);
    return out;
  };
}

/**
 * Installs the SIMD BatchMatMul for the 'wasm' backend (idempotent). Call after importing
 * @tensorflow/tfjs-backend-wasm, before or after tf.setBackend('wasm'). Returns false, changing nothing,
 * when the wasm backend is not registered or WebAssembly SIMD is unavailable.
 */
export function useSimdBatchMatMul(): boolean {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original) return false;
  if ((original as { [MARK]?: true })[MARK]) return true;
  const simd = simdMatMul();
  if (!simd) return false;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: simdKernelFunc(simd, original.kernelFunc), [MARK]: true } as tf.KernelConfig);
  return true;
}
