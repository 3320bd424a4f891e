/** Dataset actions: the shipped sample, uploads, and the train/validation split. */
import * as comlink from 'comlink';
import type { LabelMode } from '../data/classMatch';
import type { DatasetInfo, WorkerFile } from '../worker/engineApi';
import { datasetFields, savedMappingFor, withClassChoice } from './classMapState';
import { buffersOf, readFiles, totalBytes } from './files';
import { done, failed, running } from './jobState';
import type { DatasetRef, UploadBatch } from './sessionRecord';
import type { GetStudio, Runtime, SetStudio, SliceFactory } from './storeContext';
import { pruneChanged, refreshPredictions, saveSettingsSoon } from './storeEffects';
import { storageErrorMessage } from './storageError';

/** The dataset reference after an upload: a class-named batch adds to earlier ones, otherwise replaces them. */
export function nextDatasetRef(previous: DatasetRef | null, name: string, batch: UploadBatch): DatasetRef {
  if (batch.className && previous?.kind === 'files' && previous.batches.every((b) => b.className)) {
    return { kind: 'files', name: previous.name, batches: [...previous.batches, batch] };
  }
  return { kind: 'files', name, batches: [batch] };
}

/** Saves the dataset reference, reporting failures; over the size cap only the sample is remembered. */
async function persistDataset(set: SetStudio, rt: Runtime, ref: DatasetRef): Promise<void> {
  rt.datasetRef = ref;
  const bytes = ref.kind === 'files' ? ref.batches.reduce((n, b) => n + totalBytes(b.files), 0) : 0;
  if (bytes > rt.deps.maxStoredBytes) {
    set({ notice: 'The uploaded images are too large to keep across reloads; after a reload the demo dataset is used.' });
    return;
  }
  await rt.deps.persistence.saveDataset(ref).catch((error) => set({ notice: storageErrorMessage(error, 'dataset') }));
}

/** Loads a dataset through `load`, then refreshes what depends on it. */
export async function loadDatasetWith(set: SetStudio, get: GetStudio, rt: Runtime, what: string,
  load: () => Promise<DatasetInfo>): Promise<boolean> {
  set({ datasetJob: running(what) });
  try {
    const dataset = await load();
    const images = dataset.trainImages ?? dataset.trainCounts.reduce((a, b) => a + b, 0);
    set({ ...datasetFields(dataset), datasetJob: done(`${dataset.name}: ${images} training images${dataset.unlabelled ? ' (unlabelled, label-free mode)' : ''}`) });
    if (dataset.valFraction !== undefined) set({ valFraction: dataset.valFraction });
    pruneChanged(set, get, rt);
    await refreshPredictions(set, get, rt);
    return true;
  } catch (error) {
    set({ datasetJob: failed(error) });
    return false;
  }
}

/** Sends a class mapping and label mode to the worker (which relabels), then refreshes what depends on the labels. */
export async function applyClassMap(set: SetStudio, get: GetStudio, rt: Runtime, mapping: number[], labelMode: LabelMode): Promise<void> {
  set({ classMap: mapping, labelMode });
  try {
    const dataset = await rt.deps.client.call((api) => api.setClassMap(mapping, labelMode));
    set(datasetFields(dataset));
  } catch (error) {
    set({ datasetJob: failed(error) });
    return;
  }
  saveSettingsSoon(set, get, rt);
  pruneChanged(set, get, rt);
  await refreshPredictions(set, get, rt);
}

/** After a reload: the saved session's mapping and mode, when they were saved for this dataset's classes. */
export async function restoreClassMap(set: SetStudio, get: GetStudio, rt: Runtime): Promise<void> {
  const saved = rt.savedClassMap;
  rt.savedClassMap = null;
  const ds = get().dataset;
  const mapping = ds ? savedMappingFor(ds, saved) : null;
  if (!mapping || !saved) return;
  await applyClassMap(set, get, rt, mapping, saved.labelMode);
}

/** Sends uploaded files to the worker (transferred). */
export function sendDataset(rt: Runtime, files: WorkerFile[], name: string, valFraction: number, className?: string): Promise<DatasetInfo> {
  return rt.deps.client.call((api) => api.loadDataset(comlink.transfer(files, buffersOf(files)), name, { valFraction, className }));
}

/** The dataset slice. */
export const dataSlice: SliceFactory<'useSampleDataset' | 'importDataset' | 'setValFraction' | 'setClassMapping' | 'setLabelMode'> = (set, get, rt) => ({
  async useSampleDataset() {
    const ok = await loadDatasetWith(set, get, rt, 'loading the demo dataset…', () => rt.deps.client.call((api) => api.loadSampleDataset(rt.deps.baseUrl)));
    if (ok) await persistDataset(set, rt, { kind: 'sample' });
  },
  async importDataset(files, className) {
    if (files.length === 0) return;
    let bytes: WorkerFile[];
    try {
      bytes = await readFiles(files);
    } catch (error) {
      set({ datasetJob: failed(error) });
      return;
    }
    const name = className ? 'uploaded images' : (bytes[0].name.split('/')[0] || 'uploaded images');
    const ok = await loadDatasetWith(set, get, rt, `decoding ${bytes.length} file${bytes.length === 1 ? '' : 's'}…`,
      () => sendDataset(rt, bytes, name, get().valFraction, className));
    const batch: UploadBatch = { ...(className ? { className } : {}), files: await readFiles(files) };
    if (ok || className) await persistDataset(set, rt, nextDatasetRef(rt.datasetRef, name, batch));
  },
  async setValFraction(fraction) {
    set({ valFraction: fraction });
    saveSettingsSoon(set, get, rt);
    if (!get().dataset) return;
    await loadDatasetWith(set, get, rt, 'splitting…', () => rt.deps.client.call((api) => api.resplit(fraction, 0)));
  },
  async setClassMapping(datasetClass, modelClass) {
    const { classMap, labelMode } = get();
    if (!classMap) return;
    await applyClassMap(set, get, rt, withClassChoice(classMap, datasetClass, modelClass), labelMode);
  },
  async setLabelMode(mode) {
    const { classMap } = get();
    if (!classMap) { set({ labelMode: mode }); return; }
    await applyClassMap(set, get, rt, classMap, mode);
  },
});
