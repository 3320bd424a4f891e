/**
 * Registers blockKernel.ts as the tfjs kernel 'VtpBlock' of the 'wasm' backend: one pre-norm block for
 * inference on the residual stream x [B*T, D], weights as inputs (see BLOCK_INPUTS), sizes as attrs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { blockKernel, type BlockKernel, type BlockKernelDims, type BlockOperands } from './blockKernel';
import type { WasmBackendLike } from './wasmBatchMatMul';

/** Name of the kernel. */
export const BLOCK_KERNEL = 'VtpBlock';

/** Its inputs: x [B*T, D]; attention a* and MLP m* weights, each group present only with its sublayer; biases and keeps optional. */
export type BlockKernelInputs<T> = { x: T } & Partial<Record<
  'aGamma' | 'aBeta' | 'aKeep' | 'wQ' | 'bQ' | 'wK' | 'bK' | 'wV' | 'bV' | 'wProj' | 'bProj'
  | 'mGamma' | 'mBeta' | 'mKeep' | 'wFc1' | 'bFc1' | 'wFc2' | 'bFc2', T>>;

/** The kernel's operands as views of the backend's heap. */
function operands(inputs: BlockKernelInputs<tf.TensorInfo>, view: (t: tf.TensorInfo) => Float32Array | Int32Array): BlockOperands {
  const f = (t: tf.TensorInfo | undefined) => (t ? (view(t) as Float32Array) : null);
  const i = (t: tf.TensorInfo | undefined) => (t ? (view(t) as Int32Array) : null);
  const n = inputs;
  return {
    attn: n.wQ ? {
      gamma: f(n.aGamma)!, beta: f(n.aBeta)!, keep: i(n.aKeep), wQ: f(n.wQ)!, bQ: f(n.bQ), wK: f(n.wK)!, bK: f(n.bK),
      wV: f(n.wV)!, bV: f(n.bV), wProj: f(n.wProj)!, bProj: f(n.bProj)!,
    } : null,
    mlp: n.wFc1 ? {
      gamma: f(n.mGamma)!, beta: f(n.mBeta)!, keep: i(n.mKeep), wFc1: f(n.wFc1)!, bFc1: f(n.bFc1)!, wFc2: f(n.wFc2)!, bFc2: f(n.bFc2)!,
    } : null,
  };
}

/** The weight tensors' identities (tfjs data ids), in input order: the kernel's key for the block's packed weights. */
function weightIds(inputs: BlockKernelInputs<tf.TensorInfo>): object[] {
  return Object.entries(inputs).filter(([name]) => name !== 'x').map(([, t]) => t.dataId as object);
}

/** The kernel function around one blockKernel instance. */
function kernelFunc(kernel: BlockKernel): tf.KernelFunc {
  return (args) => {
    const inputs = args.inputs as unknown as BlockKernelInputs<tf.TensorInfo>;
    const d = args.attrs as unknown as BlockKernelDims;
    const backend = args.backend as unknown as WasmBackendLike;
    const out = backend.makeOutput([...inputs.x.shape], 'float32'); // [B*T, D]
    // Views are taken after makeOutput: allocating may grow (and move) the backend's heap.
    const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t);
    kernel.run(view(inputs.x), operands(inputs, view), d, view(out), weightIds(inputs));
    return out;
  };
}

/** Installs 'VtpBlock' for the 'wasm' backend (idempotent); false when WebAssembly SIMD is unavailable. */
export function useBlockKernel(): boolean {
  if (tf.getKernel(BLOCK_KERNEL, 'wasm')) return true;
  const kernel = blockKernel();
  if (!kernel) return false;
  tf.registerKernel({ kernelName: BLOCK_KERNEL, backendName: 'wasm', kernelFunc: kernelFunc(kernel) });
  return true;
}
