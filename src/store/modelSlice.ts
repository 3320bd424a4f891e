/** Model actions: the demo model and imported checkpoints. */
import * as comlink from 'comlink';
import { done, failed, running } from './jobState';
import { buffersOf, readFiles, totalBytes } from './files';
import type { ModelRef } from './sessionRecord';
import type { GetStudio, Runtime, SetStudio, SliceFactory } from './storeContext';
import { modelLoaded, pruneChanged, refreshPredictions, saveSettingsSoon } from './storeEffects';
import { storageErrorMessage } from './storageError';
import type { ModelInfo, WorkerFile } from '../worker/engineApi';

/** The checkpoint's name from its files: the folder picked, a downloaded zip's name, else the weights file's name. */
export function checkpointName(files: WorkerFile[]): string {
  const first = files.find((f) => f.name.includes('/'));
  if (first) return first.name.split('/')[0];
  const zip = files.find((f) => /\.zip$/i.test(f.name));
  if (zip) return zip.name.replace(/(-(safetensors|torch|timm))?\.zip$/i, '') || 'imported model';
  const weights = files.find((f) => f.name.endsWith('.safetensors'));
  return weights ? weights.name.replace(/\.safetensors$/, '') : 'imported model';
}

/** Saves the model reference (bytes re-read from the picked files when imported), reporting failures. */
export async function persistModel(set: SetStudio, rt: Runtime, ref: ModelRef): Promise<void> {
  rt.modelRef = ref;
  if (ref.kind === 'files' && totalBytes(ref.files) > rt.deps.maxStoredBytes) {
    set({ notice: `The model "${ref.name}" is too large to keep across reloads; after a reload the demo model is loaded.` });
    await rt.deps.persistence.saveModel({ kind: 'demo' }).catch(() => {});
    return;
  }
  await rt.deps.persistence.saveModel(ref).catch((error) => set({ notice: storageErrorMessage(error, 'model') }));
}

/** Loads a model through `load` and updates everything that depends on it. */
export async function loadModelWith(set: SetStudio, get: GetStudio, rt: Runtime, what: string,
  load: () => Promise<ModelInfo>): Promise<boolean> {
  set({ modelJob: running(what) });
  try {
    const model = await load();
    if (rt.userNormalisation) { // a normalisation set for the previous model does not carry over
      rt.userNormalisation = null;
      saveSettingsSoon(set, get, rt);
    }
    await modelLoaded(set, get, rt, model);
    set({ modelJob: done(`${model.name} loaded`) });
    return true;
  } catch (error) {
    set({ modelJob: failed(error) });
    return false;
  }
}

/** The model slice. */
export const modelSlice: SliceFactory<'importModel' | 'loadDemoModel' | 'setNormalisation'> = (set, get, rt) => ({
  async setNormalisation(mean, std) {
    try {
      const model = await rt.deps.client.call((api) => api.setNormalisation(mean, std));
      // Every accuracy was measured with the old normalisation: measure again; the sweep is dropped.
      set({ model, sweep: [], modelJob: done(`normalisation set: mean ${mean.join(', ')}, std ${std.join(', ')}`) });
      rt.userNormalisation = { mean: [...mean], std: [...std] };
      saveSettingsSoon(set, get, rt);
      pruneChanged(set, get, rt);
      await refreshPredictions(set, get, rt);
    } catch (error) {
      set({ modelJob: failed(error) });
    }
  },
  async loadDemoModel() {
    const ok = await loadModelWith(set, get, rt, 'loading the demo model…', () => rt.deps.client.call((api) => api.loadDemoModel(rt.deps.baseUrl)));
    if (ok) await persistModel(set, rt, { kind: 'demo' });
  },
  async importModel(files) {
    if (files.length === 0) return;
    let bytes: WorkerFile[];
    try {
      bytes = await readFiles(files);
    } catch (error) {
      set({ modelJob: failed(error) });
      return;
    }
    const name = checkpointName(bytes);
    const ok = await loadModelWith(set, get, rt, `importing ${name}…`,
      () => rt.deps.client.call((api) => api.loadModel(comlink.transfer(bytes, buffersOf(bytes)), name)));
    if (ok) await persistModel(set, rt, { kind: 'files', name, files: await readFiles(files) });
  },
});
