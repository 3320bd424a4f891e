/**
 * Backend choice WebGPU -> WebGL -> WASM -> CPU: every backend is probed (is the API there, is there an
 * adapter or a context), activated, and smoke-tested with one tiny op read back asynchronously; every
 * refusal keeps its reason, e.g. "WebGPU unavailable: no adapter".
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendName, BackendReport } from './engineApi';

/** The order the worker tries backends in. */
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Display names for messages. */
export const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** How backends are probed and activated (injectable for tests). */
export interface BackendChoiceOptions {
  /** Candidates, best first. */
  order: readonly BackendName[];
  /** Why a backend cannot be used before trying it, or null when it may be tried. */
  probe: (name: BackendName) => Promise<string | null>;
  /** Makes a backend current; resolves false or throws when it fails. */
  activate: (name: BackendName) => Promise<boolean>;
  /** Checks the active backend computes correctly; resolves a reason when it does not. */
  smokeTest: () => Promise<string | null>;
}

interface AdapterInfoLike { vendor?: string; architecture?: string; device?: string; description?: string }
interface AdapterLike { isFallbackAdapter?: boolean; info?: AdapterInfoLike; requestAdapterInfo?: () => Promise<AdapterInfoLike> }
interface GpuLike { requestAdapter(): Promise<AdapterLike | null> }

/** True when a GPU description names a software rasteriser. */
function isSoftwareName(text: string): boolean {
  return /swiftshader|llvmpipe|software|basic render/i.test(text);
}

/** "software adapter (…)" when the backend runs on a software GPU (SwiftShader, a WebGPU fallback adapter), else null. */
export async function softwareAdapter(name: BackendName): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const adapter = await navigatorGpu()?.requestAdapter();
      if (!adapter) return null;
      const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
      const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
      if (adapter.isFallbackAdapter || isSoftwareName(text)) return `software adapter (${text || 'fallback adapter'})`;
    }
    if (name === 'webgl' && typeof OffscreenCanvas !== 'undefined') {
      const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
      if (!gl) return null;
      const ext = gl.getExtension('WEBGL_debug_renderer_info');
      const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
      gl.getExtension('WEBGL_lose_context')?.loseContext();
      if (isSoftwareName(renderer)) return `software adapter (${renderer})`;
    }
  } catch {
    /* no information: treated as hardware, and it still has to measure faster */
  }
  return null;
}

/** The WebGPU entry point of this global scope, if any. */
function navigatorGpu(): GpuLike | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
  return nav?.gpu;
}

/** Why a backend is not even worth trying in this environment, or null. */
export async function probeBackend(name: BackendName): Promise<string | null> {
  if (tf.findBackendFactory(name) == null) return 'backend not registered';
  if (name === 'webgpu') {
    const gpu = navigatorGpu();
    if (!gpu) return 'navigator.gpu missing';
    try {
      return (await gpu.requestAdapter()) ? null : 'no adapter';
    } catch (error) {
      return `requestAdapter failed: ${(error as Error).message}`;
    }
  }
  if (name === 'webgl') {
    if (typeof OffscreenCanvas === 'undefined') return 'OffscreenCanvas missing';
    try {
      return new OffscreenCanvas(1, 1).getContext('webgl2') ? null : 'no WebGL2 context';
    } catch (error) {
      return `no WebGL2 context: ${(error as Error).message}`;
    }
  }
  if (name === 'wasm' && typeof WebAssembly === 'undefined') return 'WebAssembly missing';
  return null;
}

/** tf.setBackend + tf.ready. */
export async function activateBackend(name: BackendName): Promise<boolean> {
  const ok = await tf.setBackend(name);
  if (ok) await tf.ready();
  return ok && tf.getBackend() === name;
}

/** 1 + 2 = 3 on the active backend, read with `await data()` (never dataSync: WebGPU). */
export async function smokeTestBackend(): Promise<string | null> {
  const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([2, 1])));
  try {
    const v = await t.data();
    return v[0] === 3 && v[1] === 3 ? null : `wrong result of a test op (${v[0]}, ${v[1]})`;
  } finally {
    t.dispose();
  }
}

/** Browser/Node defaults: real probes and tfjs activation over the full order. */
export const BACKEND_CHOICE_DEFAULTS: BackendChoiceOptions = {
  order: BACKEND_ORDER, probe: probeBackend, activate: activateBackend, smokeTest: smokeTestBackend,
};

/** Tries one backend; null when it is now active, else the reason it was refused. */
export async function tryBackend(name: BackendName, opts: BackendChoiceOptions): Promise<string | null> {
  const reason = await opts.probe(name);
  if (reason) return reason;
  try {
    if (!(await opts.activate(name))) return 'backend failed to initialise';
  } catch (error) {
    return `backend failed to initialise: ${(error as Error).message ?? String(error)}`;
  }
  try {
    return await opts.smokeTest();
  } catch (error) {
    return `test op failed: ${(error as Error).message}`;
  }
}

/** Activates the first usable backend of `order`; the report lists why each better one was refused. */
export async function chooseBackend(options: Partial<BackendChoiceOptions> = {}, notes: string[] = []): Promise<BackendReport> {
  const opts = { ...BACKEND_CHOICE_DEFAULTS, ...options };
  for (const name of opts.order) {
    const reason = await tryBackend(name, opts);
    if (reason === null) return { backend: name, notes };
    notes.push(`${BACKEND_LABEL[name]} unavailable: ${reason}`);
  }
  throw new Error(`no tfjs backend could start:\n${notes.join('\n')}`);
}

/** The backends after `lost` in the order (for falling back when a device is lost). */
export function fallbackOrder(lost: BackendName, order: readonly BackendName[] = BACKEND_ORDER): BackendName[] {
  return order.slice(order.indexOf(lost) + 1);
}
