/**
 * tfjs's WebGPU backend in Node through Dawn (npm package `webgpu`): installs Dawn's WebGPU globals and a
 * `navigator.gpu`, then loads tfjs-backend-webgpu (it registers itself only when `navigator.gpu` exists at import).
 */
import * as tf from '@tensorflow/tfjs-core';
// The umbrella package's Node bundle registers every op's gradient (score steps use tf.variableGrads).
import '@tensorflow/tfjs';

/** What Dawn reports about the adapter tfjs runs on. */
export interface GpuAdapterInfo { vendor: string; architecture: string; device: string; description: string; isFallbackAdapter: boolean }

/** Dawn's adapter description; `isFallbackAdapter` is true for software adapters (SwiftShader, lavapipe). */
function adapterInfo(adapter: GPUAdapter): GpuAdapterInfo {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallback = info.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: fallback };
}

/**
 * Makes tfjs run on WebGPU via Dawn (`dawnFlags`: Dawn's create() options, e.g. "backend=vulkan").
 * Throws a one-line reason when Dawn finds no adapter (no Vulkan loader or driver).
 */
export async function useDawnWebgpu(dawnFlags: string[] = []): Promise<GpuAdapterInfo> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create(dawnFlags);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (is a Vulkan loader and driver installed? see VK_ICD_FILENAMES)');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not initialise its webgpu backend on the Dawn adapter');
  await tf.ready();
  return adapterInfo(adapter);
}
