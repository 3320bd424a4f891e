/**
 * Bringing a saved session back into a (new) engine: the model (demo or imported files), the dataset
 * (sample or replayed uploads), the scores and the training history; a run that was interrupted shows
 * as paused so that Resume continues it. Used on start and after a worker crash.
 */
import type { DatasetInfo, EngineNotice } from '../worker/engineApi';
import { dataSlice, loadDatasetWith, restoreClassMap, sendDataset } from './dataSlice';
import { workerFiles } from './files';
import { done, errorText, failed, IDLE, running } from './jobState';
import { loadModelWith } from './modelSlice';
import type { SavedSession, TrainRun, UserNormalisation } from './sessionRecord';
import type { GetStudio, Runtime, SetStudio } from './storeContext';
import { pruneChanged, remoteCallback } from './storeEffects';
import { restoredSensitivity } from './sensitivityRecord';

/** Starts the engine's backend and routes its notices to the store. */
export async function initEngine(set: SetStudio, rt: Runtime): Promise<boolean> {
  const onNotice = remoteCallback((n: EngineNotice) => set({ notice: n.message, backend: n.backend }));
  try {
    set({ backend: await rt.deps.client.call((api) => api.init(onNotice, { order: rt.deps.backendOrder })) });
    return true;
  } catch (error) {
    set({ notice: `The pruning engine could not start: ${errorText(error)}`, modelJob: failed(error) });
    return false;
  }
}

/** Loads the saved model, or the demo model when there is none or it fails. */
async function restoreModel(set: SetStudio, get: GetStudio, rt: Runtime, saved: SavedSession | null): Promise<boolean> {
  const ref = saved?.model?.ref;
  rt.modelRef = ref ?? { kind: 'demo' };
  if (ref?.kind === 'files') {
    const ok = await loadModelWith(set, get, rt, `restoring ${ref.name}…`,
      () => rt.deps.client.call((api) => api.loadModel(workerFiles(ref.files), ref.name)));
    if (ok) return true;
    set({ notice: `The saved model "${ref.name}" could not be restored (${get().modelJob.message}); loading the demo model.` });
  }
  rt.modelRef = { kind: 'demo' };
  return loadModelWith(set, get, rt, 'loading the demo model…', () => rt.deps.client.call((api) => api.loadDemoModel(rt.deps.baseUrl)));
}

/** Replays the saved uploads (the last call's result is the dataset), or uses the sample. */
async function restoreDataset(set: SetStudio, get: GetStudio, rt: Runtime, saved: SavedSession | null): Promise<void> {
  const ref = saved?.dataset?.ref;
  if (ref?.kind === 'files') {
    rt.datasetRef = ref;
    const batches = ref.batches;
    const replay = async (): Promise<DatasetInfo> => {
      for (const b of batches.slice(0, -1)) await sendDataset(rt, workerFiles(b.files), ref.name, get().valFraction, b.className).catch(() => null);
      const last = batches[batches.length - 1];
      return sendDataset(rt, workerFiles(last.files), ref.name, get().valFraction, last.className);
    };
    if (await loadDatasetWith(set, get, rt, `restoring ${ref.name}…`, replay)) return;
    set({ notice: `The saved dataset could not be restored (${get().datasetJob.message}); using the demo dataset.` });
  }
  rt.datasetRef = { kind: 'sample' };
  await dataSlice(set, get, rt).useSampleDataset();
  const fraction = saved?.settings?.valFraction;
  if (fraction !== undefined && get().dataset && Math.abs(fraction - (get().dataset!.valFraction ?? fraction)) > 1e-6) {
    await dataSlice(set, get, rt).setValFraction(fraction);
  }
}

/** The trainJob shown for a saved run. */
function runJob(run: TrainRun): { status: 'paused' | 'done' | 'cancelled'; fraction: number; message: string } {
  const fraction = run.steps > 0 ? run.done / run.steps : 0;
  if (run.status === 'done') return { status: 'done', fraction: 1, message: `trained ${run.done}/${run.steps} steps` };
  if (run.status === 'stopped') return { status: 'cancelled', fraction, message: `stopped at step ${run.done}/${run.steps}` };
  return { status: 'paused', fraction, message: `interrupted at step ${run.done}/${run.steps}; Resume continues from the saved scores` };
}

/** Puts the saved scores into the engine and the charts back. */
async function restoreCheckpoint(set: SetStudio, get: GetStudio, rt: Runtime, saved: SavedSession | null): Promise<void> {
  const cp = saved?.checkpoint;
  if (!cp || !get().model) return;
  if (cp.scores) {
    try {
      await rt.deps.client.call((api) => api.setScores(cp.scores!));
      set({ scores: cp.scores });
    } catch (error) {
      set({ notice: `The saved scores do not fit this model and were dropped (${errorText(error)}).` });
      return;
    }
  }
  set({ trainHistory: cp.history });
  rt.run = cp.run ? { ...cp.run } : null;
  if (cp.run) set({ trainJob: runJob(cp.run) });
  const restored = cp.sensitivity ? restoredSensitivity(get(), cp.sensitivity) : null;
  if (restored) {
    const { blocks, n } = restored.sensitivity;
    set({ ...restored, sensitivityJob: done(`restored with the session: ${blocks.length} blocks on ${n.toLocaleString('en-US')} validation images`) });
  }
}

/** Applies a normalisation the user had set for the restored model; one the engine refuses is dropped with a notice. */
async function restoreNormalisation(set: SetStudio, rt: Runtime, saved: UserNormalisation | null): Promise<void> {
  if (!saved) return;
  try {
    const model = await rt.deps.client.call((api) => api.setNormalisation(saved.mean, saved.std));
    rt.userNormalisation = { mean: [...saved.mean], std: [...saved.std] };
    set({ model });
  } catch (error) {
    set({ notice: `The saved normalisation does not fit this model and was dropped (${errorText(error)}).` });
  }
}

/** Restores model, dataset and checkpoint into the engine, then recomputes the preview and accuracy. */
export async function restoreSession(set: SetStudio, get: GetStudio, rt: Runtime, saved: SavedSession | null): Promise<void> {
  // The dataset comes after the model: its panel is busy until then, so that no upload or demo-dataset click in
  // between is replaced by the restored dataset (or a split set meanwhile by the restored dataset's own split).
  set({ datasetJob: running('waiting for the model…') });
  if (!(await restoreModel(set, get, rt, saved))) {
    set({ datasetJob: IDLE });
    return;
  }
  await restoreNormalisation(set, rt, saved?.settings?.normalisation ?? null);
  rt.savedClassMap = saved?.settings?.classMap ?? null;
  await restoreDataset(set, get, rt, saved);
  await restoreClassMap(set, get, rt);
  await restoreCheckpoint(set, get, rt, saved);
  pruneChanged(set, get, rt);
}
