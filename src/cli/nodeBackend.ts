import { setFlagsFromString } from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The umbrella package's Node bundle registers every op's gradient (tfjs-core's Node bundle registers none).
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useSimdBatchMatMul } from '../model/kernels/wasmBatchMatMul';
import { useColumnGather } from '../model/kernels/wasmColumnGather';
import { useFusedKernels } from '../model/kernels/wasmFusedKernels';

/** tfjs backends usable in Node: single-thread SIMD wasm (fast) or the pure-JS cpu reference. */
export type NodeBackend = 'wasm' | 'cpu';

/** Selects a tfjs backend in Node; falls back to cpu (with the reason) when wasm cannot start. */
export async function useNodeBackend(name: NodeBackend = 'wasm'): Promise<{ backend: string; note?: string }> {
  if (name === 'wasm') {
    // Relaxed SIMD (fused multiply-add in the matmul kernel) ships enabled in Chrome >= 114; Node 20's
    // V8 has it behind this flag. It must be set before the kernel module is compiled.
    setFlagsFromString('--experimental-wasm-relaxed-simd');
    useSimdBatchMatMul();
    useColumnGather();
    useFusedKernels();
    try {
      if (await tf.setBackend('wasm')) { await tf.ready(); return { backend: 'wasm' }; }
    } catch (err) {
      await tf.setBackend('cpu');
      return { backend: 'cpu', note: `wasm backend unavailable: ${(err as Error).message}` };
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu' };
}
