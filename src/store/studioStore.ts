/**
 * The app's single store: `useStudio(selector)` in components, `useStudio.getState()` for actions.
 * Talks to the engine worker (workerClient.ts) and keeps the session in IndexedDB (persistence.ts).
 * Also reachable as `globalThis.__vtpStudio` for end-to-end tests (state, actions and test hooks).
 */
import { createStudioStore } from './createStudioStore';
import { downloadFile } from './download';
import { IdbPersistence } from './persistence';
import { WorkerClient } from './workerClient';
import { STUDIO_DEP_DEFAULTS } from './storeContext';
import type { BackendName } from '../worker/engineApi';

/** The engine connection of the app. */
const client = new WorkerClient();

/** Absolute base URL of the app: the worker fetches the demo assets relative to it. */
function appBaseUrl(): string {
  return new URL(import.meta.env.BASE_URL, document.baseURI).href;
}

/** `?backend=wasm` (or webgpu, webgl, cpu; comma-separated for an order) restricts the backends, e.g. for tests. */
function backendOrder(): BackendName[] | undefined {
  const wanted = new URLSearchParams(location.search).get('backend');
  if (!wanted) return undefined;
  const names = wanted.split(',').filter((b): b is BackendName => ['webgpu', 'webgl', 'wasm', 'cpu'].includes(b));
  return names.length > 0 ? names : undefined;
}

/** `?evalLimit=200` lowers the validation images used for accuracies (slow software GPUs in tests). */
function evalLimit(): number | undefined {
  const n = Number(new URLSearchParams(location.search).get('evalLimit'));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** `?speedBatches=1,64,512` sets the batch sizes "Measure speed" times (the browser benchmark); else the studio's own. */
function speedBatches(): number[] | undefined {
  const raw = new URLSearchParams(location.search).get('speedBatches');
  const batches = raw?.split(',').map(Number) ?? [];
  return batches.length > 0 && batches.every((b) => Number.isInteger(b) && b > 0 && b <= 4096) ? batches : undefined;
}

/** localStorage, or nothing where the browser blocks it (backend timings are then measured on every load). */
function browserStore(): Storage | undefined {
  try { return globalThis.localStorage; } catch { return undefined; }
}

/** The URL's `?speedBatches=`, read once. */
const SPEED_BATCHES = speedBatches();

/** The studio store hook. */
export const useStudio = createStudioStore({
  client, persistence: new IdbPersistence(), baseUrl: appBaseUrl(), download: downloadFile, backendOrder: backendOrder(),
  backendStore: browserStore(), browser: navigator.userAgent, accuracyGridStep: 0.05,
  ...(evalLimit() ? { accuracyLimit: evalLimit() } : {}),
  ...(SPEED_BATCHES ? { slimSpeed: { ...STUDIO_DEP_DEFAULTS.slimSpeed, batches: SPEED_BATCHES } } : {}),
});

/** Alias of useStudio. */
export const useStudioStore = useStudio;

/** Test hooks for end-to-end tests: kill the worker, lose the GPU device, read tfjs memory. */
export const studioTestHooks = {
  store: useStudio,
  killWorker: (reason = 'killed by a test') => client.kill(reason),
  loseDevice: () => client.call((api) => api.loseDeviceForTest()),
  memory: () => client.call((api) => api.memory()),
  /** The worker's current scores (the source of truth; the store's copy follows them through snapshots). */
  scores: () => client.call((api) => api.getScores()),
};

(globalThis as { __vtpStudio?: typeof studioTestHooks }).__vtpStudio = studioTestHooks;
