/**
 * The backend for the loaded model, as the page remembers it: timings measured by the worker are cached per
 * browser and model size (a small key-value store, localStorage in the app), the user's override likewise;
 * both are passed back to the worker, which then skips measuring.
 */
import type { VitConfig } from '../model/vitConfig';
import type { BackendMeasurement, BackendName } from '../worker/engineApi';
import { errorText, running } from './jobState';
import type { GetStudio, KeyValueStore, Runtime, SetStudio } from './storeContext';

/** Key of the user's override (one per browser). */
export const BACKEND_OVERRIDE_KEY = 'vtp-backend-override';

/** Total time the worker may spend measuring backends (ms). */
export const BACKEND_MEASURE_BUDGET_MS = 2000;

/** Key of the cached timings for this browser and a model of config `cfg` (tokens, width, depth, heads, classes). */
export function backendCacheKey(cfg: VitConfig, browser: string): string {
  const tokens = (cfg.imageSize[0] / cfg.patchSize) * (cfg.imageSize[1] / cfg.patchSize);
  return `vtp-backend:${browser}:${cfg.inChans}x${tokens}x${cfg.embedDim}x${cfg.depth}x${cfg.numHeads}x${cfg.mlpHidden}x${cfg.numClasses}`;
}

/** Reads a JSON value; null when absent, unreadable or the store throws. */
function readJson<T>(store: KeyValueStore | undefined, key: string): T | null {
  try {
    const raw = store?.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

/** Writes a JSON value (a full or blocked store only loses the cache). */
function writeJson(store: KeyValueStore | undefined, key: string, value: unknown): void {
  try { store?.setItem(key, JSON.stringify(value)); } catch { /* the choice is measured again next time */ }
}

/** Chooses the backend for the loaded model (override, cached timings or measuring) and caches fresh timings. */
export async function chooseBackendForModel(set: SetStudio, get: GetStudio, rt: Runtime): Promise<void> {
  const model = get().model;
  if (!model || rt.deps.backendOrder) return; // a forced order is never measured
  const store = rt.deps.backendStore;
  const key = backendCacheKey(model.config, rt.deps.browser ?? '');
  const cached = readJson<BackendMeasurement[]>(store, key);
  const preferred = readJson<BackendName>(store, BACKEND_OVERRIDE_KEY);
  if (!cached) set({ modelJob: running('measuring the backends (up to 2 s)…') });
  try {
    const report = await rt.deps.client.call((api) => api.chooseBackendForModel({ cached, preferred, budgetMs: BACKEND_MEASURE_BUDGET_MS }));
    if (report.chosenBy === 'measured' && report.measurements) writeJson(store, key, report.measurements);
    set({ backend: report });
  } catch (error) {
    set({ notice: `The backends could not be compared: ${errorText(error)}` });
  }
}

/** Remembers the user's backend (null = the fastest) and switches to it. */
export async function setBackendOverride(set: SetStudio, get: GetStudio, rt: Runtime, name: BackendName | null): Promise<void> {
  writeJson(rt.deps.backendStore, BACKEND_OVERRIDE_KEY, name);
  await chooseBackendForModel(set, get, rt);
}
