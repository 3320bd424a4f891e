/**
 * Registers the fused SIMD kernels of fusedOps.ts as tfjs kernels of the 'wasm' backend, and tells the
 * model code whether the current backend has them (elsewhere it composes the same maths from tfjs ops,
 * so every backend computes the same values).
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedOps, type FusedOps } from './fusedOps';
import type { WasmBackendLike } from './wasmBatchMatMul';
import { useBlockKernel } from './wasmBlockKernel';
import { useSharedIdentity } from './wasmIdentity';

/** Names of the fused kernels; inputs and attrs as in FUSED_KERNELS below. */
export const FUSED = {
  /** inputs {x}: x Φ(x). */
  gelu: 'VtpGelu',
  /** inputs {x, dy}: dy (Φ(x) + x φ(x)). */
  geluGrad: 'VtpGeluGrad',
  /** inputs {x [rows, D], gamma [D], beta [D]}, attrs {eps}: LayerNorm over the last axis. */
  layerNorm: 'VtpLayerNorm',
  /** inputs {x [rows, D], gamma [D], dy [rows, D]}, attrs {eps}: its input gradient. */
  layerNormGrad: 'VtpLayerNormGrad',
  /** inputs {x [rows, C], gate [C], dy [rows, C]}: [dx = dy gate, dgate = Σ_rows dy x]. */
  gateGrad: 'VtpGateGrad',
} as const;

type Inputs = Record<string, tf.TensorInfo>;

/** The kernel functions over the backend's heap views: outputs allocated first (allocation may move the heap). */
function kernelFuncs(ops: FusedOps): Record<string, tf.KernelFunc> {
  const run = (args: Parameters<tf.KernelFunc>[0], shapes: number[][], body: (v: (t: tf.TensorInfo) => Float32Array, outs: Float32Array[]) => void) => {
    const b = args.backend as unknown as WasmBackendLike;
    const outs = shapes.map((s) => b.makeOutput(s, 'float32'));
    body((t) => b.typedArrayFromHeap(t), outs.map((o) => b.typedArrayFromHeap(o)));
    return outs.length === 1 ? outs[0] : outs;
  };
  const eps = (args: Parameters<tf.KernelFunc>[0]) => (args.attrs as unknown as { eps: number }).eps;
  return {
    [FUSED.gelu]: (a) => { const { x } = a.inputs as Inputs; return run(a, [x.shape], (v, [y]) => ops.gelu(v(x), y)); },
    [FUSED.geluGrad]: (a) => { const { x, dy } = a.inputs as Inputs; return run(a, [x.shape], (v, [dx]) => ops.geluGrad(v(x), v(dy), dx)); },
    [FUSED.layerNorm]: (a) => {
      const { x, gamma, beta } = a.inputs as Inputs;
      return run(a, [x.shape], (v, [y]) => ops.layerNorm(v(x), v(gamma), v(beta), y, eps(a)));
    },
    [FUSED.layerNormGrad]: (a) => {
      const { x, gamma, dy } = a.inputs as Inputs;
      return run(a, [x.shape], (v, [dx]) => ops.layerNormGrad(v(x), v(gamma), v(dy), dx, eps(a)));
    },
    [FUSED.gateGrad]: (a) => {
      const { x, gate, dy } = a.inputs as Inputs;
      return run(a, [x.shape, gate.shape], (v, [dx, dg]) => ops.gateGrad(v(x), v(gate), v(dy), dx, dg));
    },
  };
}

/**
 * Installs the fused kernels for the 'wasm' backend, the inference block (wasmBlockKernel.ts) and the zero-copy Identity (wasmIdentity.ts), all
 * idempotent. Returns false, installing no fused kernel, when WebAssembly SIMD is unavailable; the
 * model code then uses plain tfjs ops.
 */
export function useFusedKernels(): boolean {
  useSharedIdentity();
  useBlockKernel();
  if (tf.getKernel(FUSED.gelu, 'wasm')) return true;
  const ops = fusedOps();
  if (!ops) return false;
  for (const [kernelName, kernelFunc] of Object.entries(kernelFuncs(ops))) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
  return true;
}

/** Whether the current backend runs the fused kernel `name` (float32 operands only). */
export function hasFusedKernel(name: string, ...tensors: tf.Tensor[]): boolean {
  return tensors.every((t) => t.dtype === 'float32') && tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Runs a fused kernel on the current backend (which must have it, see hasFusedKernel). */
export function runFused<T extends tf.Tensor | tf.Tensor[]>(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, number> = {}): T {
  return tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as T;
}
