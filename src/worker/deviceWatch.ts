/** Watching the WebGPU device of the active tfjs backend for loss (driver reset, GPU removed, destroy()). */
import * as tf from '@tensorflow/tfjs-core';

/** Why a device was lost, as GPUDeviceLostInfo reports it. */
export interface DeviceLostInfo { reason: string; message: string }

interface DeviceLike { lost: Promise<DeviceLostInfo>; destroy(): void }

/** The GPUDevice of the active backend when it is WebGPU, else null. */
function activeDevice(): DeviceLike | null {
  if (tf.getBackend() !== 'webgpu') return null;
  const device = (tf.backend() as unknown as { device?: DeviceLike }).device;
  return device && typeof device.destroy === 'function' ? device : null;
}

/**
 * Calls `onLost` once if the active WebGPU device is lost; returns a function that stops watching (call it
 * before switching backends on purpose). No-op off WebGPU.
 */
export function watchDeviceLoss(onLost: (info: DeviceLostInfo) => void): () => void {
  const device = activeDevice();
  if (!device) return () => {};
  let active = true;
  device.lost.then((info) => {
    if (active) onLost({ reason: String(info?.reason ?? 'unknown'), message: String(info?.message ?? '') });
  }, () => {});
  return () => { active = false; };
}

/** Test hook: destroys the active WebGPU device as a driver reset would; false when not on WebGPU. */
export function destroyDevice(): boolean {
  const device = activeDevice();
  if (!device) return false;
  device.destroy();
  return true;
}
