/** Effects shared by the slices: preview, accuracy requests, predictions, saving settings and checkpoints. */
import * as comlink from 'comlink';
import type { ModelInfo } from '../worker/engineApi';
import { gridFigure, scheduleGrid } from './accuracyGrid';
import { chooseBackendForModel } from './backendPreference';
import { datasetFields, labelsIssue } from './classMapState';
import { errorText, IDLE } from './jobState';
import { computePreview } from './preview';
import { usableLatencySettings } from '../prune/pruneSettings';
import { trimHistory } from './sessionRecord';
import { savedSensitivity } from './sensitivityRecord';
import type { GetStudio, Runtime, SetStudio } from './storeContext';
import { storageErrorMessage } from './storageError';

/** Gap between two previews that follow new scores while training runs (the panels redraw about once a second). */
export const TRAINING_PREVIEW_MS = 1000;

/** Recomputes the preview (main thread, synchronous) from the current model, scores and settings; replaces a pending one. */
export function refreshPreview(set: SetStudio, get: GetStudio, rt?: Runtime): void {
  if (rt && rt.previewTimer !== null) { clearTimeout(rt.previewTimer); rt.previewTimer = null; }
  const s = get();
  // A latency table of another model or backend predicts nothing here: dropped (a latency slider falls back to MACs).
  const prune = s.model ? usableLatencySettings(s.prune, s.model.config, s.backend?.backend ?? null) : s.prune;
  if (prune !== s.prune) set({ prune });
  set({ preview: computePreview(s.model, s.scores, prune) });
}

/**
 * The preview for new scores while training runs: at most once per TRAINING_PREVIEW_MS, in a task of its
 * own (ranking every score is the costliest main-thread work of a progress event); the latest scores win.
 */
export function refreshPreviewSoon(set: SetStudio, get: GetStudio, rt: Runtime): void {
  if (rt.previewTimer !== null) return;
  rt.previewTimer = setTimeout(() => {
    rt.previewTimer = null;
    refreshPreview(set, get);
  }, TRAINING_PREVIEW_MS);
}

/** Marks the masked accuracy stale and asks for it again (debounced, latest wins), unless training runs. */
export function requestAccuracy(set: SetStudio, get: GetStudio, rt: Runtime): void {
  set({ maskedAccuracy: null, maskedAccuracyError: null });
  const s = get();
  if (!s.model || !s.dataset) return;
  const issue = labelsIssue(s);
  if (issue) { rt.accuracy.cancel(); set({ maskedAccuracyError: issue }); return; } // a request for the old labels is dropped
  if (s.trainJob.status === 'running') return; // asked again when training ends; keeps the worker on training
  const settings = { ...s.prune, blockRates: { ...s.prune.blockRates } };
  const fromGrid = gridFigure(rt, s, settings);
  if (fromGrid) set({ maskedAccuracy: fromGrid }); // at once; the exact figure follows unless it is a grid point
  if (fromGrid && fromGrid.gridRate === settings.rate) { rt.accuracy.cancel(); scheduleGrid(get, rt); return; }
  rt.accuracy.request(settings);
}

/** Preview now, accuracy shortly after. */
export function pruneChanged(set: SetStudio, get: GetStudio, rt: Runtime): void {
  refreshPreview(set, get, rt);
  requestAccuracy(set, get, rt);
}

/** Predictions on the first validation images (best effort); the baseline accuracy is measured when needed. */
export async function refreshPredictions(set: SetStudio, get: GetStudio, rt: Runtime): Promise<void> {
  set({ baselineAccuracy: null });
  if (!get().model || !get().dataset || labelsIssue(get())) { set({ predictions: [] }); return; }
  try {
    set({ predictions: await rt.deps.client.call((api) => api.predict(8)) });
  } catch (error) {
    set({ predictions: [], maskedAccuracyError: errorText(error) });
  }
}

/** A new model: clear everything derived from the old one; refresh the dataset (re-read at the new input size). */
export async function modelLoaded(set: SetStudio, get: GetStudio, rt: Runtime, model: ModelInfo): Promise<void> {
  rt.trainJobId = null; // a run of the old model was cancelled by the worker; its late events are ignored
  rt.sweepJobId = null;
  rt.sensitivityJobId = null;
  rt.speedJobId = null;
  rt.latencyJobId = null;
  rt.finetuneJobId = null;
  set({
    trainJob: IDLE, sweepJob: IDLE, finetuneJob: IDLE, sensitivity: null, sensitivityFrom: null, sensitivityJob: IDLE, slimSpeed: null, slimSpeedJob: IDLE, latencyJob: IDLE,
    model, scores: null, trainHistory: [], pruned: null, prunedWith: null, prunedFrom: null, weightsVersion: 0, prunedAccuracy: null, finetuneAccuracy: null,
    prunedAgreement: null, finetuneAgreement: null, sweep: [], predictions: [], baselineAccuracy: null,
  });
  rt.run = null;
  await chooseBackendForModel(set, get, rt);
  const dataset = await rt.deps.client.call((api) => api.datasetInfo()).catch(() => null);
  set(datasetFields(dataset));
  pruneChanged(set, get, rt);
  await refreshPredictions(set, get, rt);
}

/** Saves the settings a moment after the last change. */
export function saveSettingsSoon(set: SetStudio, get: GetStudio, rt: Runtime): void {
  if (rt.settingsTimer !== null) clearTimeout(rt.settingsTimer);
  rt.settingsTimer = setTimeout(() => {
    rt.settingsTimer = null;
    const s = get();
    const classMap = s.dataset?.classMap && s.classMap
      ? { datasetClasses: [...s.dataset.classNames], modelClasses: [...s.dataset.classMap.modelClasses], mapping: [...s.classMap], labelMode: s.labelMode }
      : null;
    rt.deps.persistence.saveSettings({ trainSettings: s.trainSettings, prune: s.prune, valFraction: s.valFraction, exportFormat: s.exportFormat, classMap, normalisation: rt.userNormalisation })
      .catch((error) => set({ notice: storageErrorMessage(error, 'settings') }));
  }, 300);
}

/** Queues a checkpoint of scores, history, run position and sensitivity (coalesced, one transaction per write). */
export function saveCheckpoint(get: GetStudio, rt: Runtime): void {
  const s = get();
  rt.checkpoints.push({
    savedAt: rt.deps.now(), scores: s.scores, history: trimHistory(s.trainHistory), run: rt.run ? { ...rt.run } : null, sensitivity: savedSensitivity(s),
  });
}

/** Wraps a callback for the worker (comlink proxy). */
export function remoteCallback<T extends (...args: never[]) => unknown>(fn: T): T {
  return comlink.proxy(fn);
}
