/** Builds a studio store (zustand) from its slices and dependencies; the app uses one (studioStore.ts), tests many. */
import { create } from 'zustand';
import type { MaskedAccuracy, PruneSettings } from '../worker/engineApi';
import { emptyGrid, scheduleGrid } from './accuracyGrid';
import { AccuracyScheduler } from './accuracyScheduler';
import { dataSlice } from './dataSlice';
import { exportSlice } from './exportSlice';
import { errorText } from './jobState';
import { modelSlice } from './modelSlice';
import { newHeadSlice } from './newHeadSlice';
import { pruneSlice } from './pruneSlice';
import { SaveQueue } from './saveQueue';
import { scoresSlice } from './scoresSlice';
import { sensitivitySlice } from './sensitivitySlice';
import { slimSpeedSlice } from './slimSpeedSlice';
import { latencySlice } from './latencySlice';
import { sessionSlice } from './sessionSlice';
import { initialState, STUDIO_DEP_DEFAULTS, type Runtime, type Studio, type StudioDeps } from './storeContext';
import { storageErrorMessage } from './storageError';
import { remoteCallback } from './storeEffects';
import { trainSlice } from './trainSlice';

/** Dependencies with the numeric defaults filled in. */
export type StudioDepsInput = Pick<StudioDeps, 'client' | 'persistence' | 'baseUrl' | 'download'> & Partial<StudioDeps>;

/** A studio store; `runtime` is exposed for tests. */
export function createStudioStore(input: StudioDepsInput) {
  const deps: StudioDeps = { ...STUDIO_DEP_DEFAULTS, ...input };
  let rt!: Runtime;
  const store = create<Studio>()((set, get) => {
    rt = {
      deps, jobCounter: 0, trainJobId: null, sweepJobId: null, sensitivityJobId: null, speedJobId: null, latencyJobId: null, finetuneJobId: null, evalJobId: null, run: null, runStartStep: 0,
      grid: emptyGrid(), modelRef: null, datasetRef: null, savedClassMap: null, userNormalisation: null, starting: null, settingsTimer: null, previewTimer: null,
      accuracy: new AccuracyScheduler({
        delayMs: deps.accuracyDelayMs,
        run: (settings: PruneSettings, onPartial: (p: MaskedAccuracy) => void) =>
          deps.client.call((api) => api.maskedAccuracy(settings, deps.accuracyLimit, remoteCallback(onPartial))),
        onResult: (_settings, result) => {
          const shown = get().maskedAccuracy;
          if (result.partial && shown?.gridRate !== undefined && shown.n >= result.n) return; // the grid's figure is the better one until the exact one is done
          set({ maskedAccuracy: result, maskedAccuracyError: null });
          if (!result.partial) scheduleGrid(get, rt);
        },
        onError: (_settings, error) => set({ maskedAccuracy: null, maskedAccuracyError: errorText(error) }),
      }),
      checkpoints: new SaveQueue({
        write: (cp) => deps.persistence.saveCheckpoint(cp),
        onError: (error) => set({ notice: storageErrorMessage(error, 'trained scores') }),
        intervalMs: deps.checkpointIntervalMs,
        now: deps.now,
      }),
    };
    return {
      ...initialState(),
      ...sessionSlice(set, get, rt),
      ...modelSlice(set, get, rt),
      ...dataSlice(set, get, rt),
      ...trainSlice(set, get, rt),
      ...scoresSlice(set, get, rt),
      ...pruneSlice(set, get, rt),
      ...sensitivitySlice(set, get, rt),
      ...slimSpeedSlice(set, get, rt),
      ...latencySlice(set, get, rt),
      ...exportSlice(set, get, rt),
      ...newHeadSlice(set, get, rt),
    };
  });
  return Object.assign(store, { runtime: rt });
}

/** The type of a studio store hook. */
export type StudioStore = ReturnType<typeof createStudioStore>;
