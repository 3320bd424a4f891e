/**
 * A zero-copy Identity kernel for tfjs's wasm backend. tfjs clones every tensor a gradient needs
 * (engine.saveTensorsForBackwardMode and customGrad's save) and the wasm backend's Identity copies the
 * data; this one shares it by reference count, as the wasm Reshape kernel and the cpu backend's
 * Identity already do (tensor data is immutable; Variable.assign swaps data ids), saving a full copy
 * of every saved activation in each training step.
 */
import * as tf from '@tensorflow/tfjs-core';

const MARK = 'sharedIdentity';

/** The parts of the wasm backend the kernel uses. */
interface RefCounting { incRef(dataId: tf.DataId): void }

/** Installs the shared-data Identity for 'wasm' (idempotent); false when the wasm backend has no Identity kernel. */
export function useSharedIdentity(): boolean {
  const original = tf.getKernel('Identity', 'wasm');
  if (!original) return false;
  if ((original as { [MARK]?: true })[MARK]) return true;
  const kernelFunc: tf.KernelFunc = ({ inputs, backend }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: {} });
    (backend as unknown as RefCounting).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ ...original, kernelFunc, [MARK]: true } as tf.KernelConfig);
  return true;
}
