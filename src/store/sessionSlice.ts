/** Session actions: start (restore the saved session), crash recovery, notices, a new session. */
import { setBackendOverride } from './backendPreference';
import { errorText, IDLE } from './jobState';
import type { SavedSession } from './sessionRecord';
import { initialState, type GetStudio, type Runtime, type SetStudio, type SliceFactory } from './storeContext';
import { initEngine, restoreSession } from './restore';
import { runTraining } from './trainSlice';

/** Applies saved settings to the state. */
function applySettings(set: SetStudio, saved: SavedSession | null): void {
  const s = saved?.settings;
  if (s) set({ trainSettings: s.trainSettings, prune: s.prune, valFraction: s.valFraction, exportFormat: s.exportFormat });
}

/** Reads the saved session; a refused one is cleared and explained in the notice. */
async function loadSaved(set: SetStudio, rt: Runtime): Promise<SavedSession | null> {
  try {
    const { session, refused } = await rt.deps.persistence.load();
    if (refused) {
      set({ notice: refused.charAt(0).toUpperCase() + refused.slice(1) + '.' });
      await rt.deps.persistence.clear().catch(() => {});
    }
    return session;
  } catch (error) {
    set({ notice: `The saved session could not be read (${errorText(error)}); starting a new one.` });
    return null;
  }
}

/** First start: engine, saved session (or the demo model and data). */
async function boot(set: SetStudio, get: GetStudio, rt: Runtime): Promise<void> {
  rt.deps.client.onRestart((info) => { void recoverFromCrash(set, get, rt, info); });
  if (!(await initEngine(set, rt))) return;
  const saved = await loadSaved(set, rt);
  applySettings(set, saved);
  await restoreSession(set, get, rt, saved);
}

/** After the worker crashed and was restarted: restore from IndexedDB and continue a running training. */
export async function recoverFromCrash(set: SetStudio, get: GetStudio, rt: Runtime, info: { reason: string; fatal: boolean }): Promise<void> {
  const status = get().trainJob.status;
  const wasTraining = rt.trainJobId !== null && status === 'running';
  rt.trainJobId = null;
  rt.sweepJobId = null;
  rt.finetuneJobId = null;
  if (info.fatal) {
    set({ notice: `The engine keeps crashing (${info.reason}); reload the page. Your trained scores are saved.` });
    return;
  }
  set({ notice: `The engine stopped unexpectedly (${info.reason}); it was restarted and the session restored from the last checkpoint.` });
  await rt.checkpoints.flush();
  if (!(await initEngine(set, rt))) return;
  const saved = await loadSaved(set, rt);
  await restoreSession(set, get, rt, saved);
  const run = rt.run;
  if (wasTraining && run && run.done < run.steps) await runTraining(set, get, rt, run.settings, run.done);
}

/** The session slice. */
export const sessionSlice: SliceFactory<'start' | 'dismissNotice' | 'newSession' | 'setBackendChoice'> = (set, get, rt) => ({
  start() {
    rt.starting ??= boot(set, get, rt).catch((error) => set({ notice: `The studio could not start: ${errorText(error)}` }));
    return rt.starting;
  },
  async setBackendChoice(name) {
    await setBackendOverride(set, get, rt, name);
  },
  dismissNotice() {
    set({ notice: null });
  },
  async newSession() {
    for (const id of [rt.trainJobId, rt.sweepJobId, rt.finetuneJobId, rt.sensitivityJobId, rt.speedJobId, rt.latencyJobId]) {
      if (id) await rt.deps.client.call((api) => api.cancel(id)).catch(() => {});
    }
    rt.trainJobId = rt.sweepJobId = rt.finetuneJobId = rt.sensitivityJobId = rt.speedJobId = rt.latencyJobId = null;
    rt.run = null;
    rt.accuracy.cancel();
    await rt.checkpoints.flush();
    await rt.deps.persistence.clear().catch((error) => set({ notice: `The saved session could not be cleared: ${errorText(error)}` }));
    set({ ...initialState(), backend: get().backend, modelJob: IDLE });
    await restoreSession(set, get, rt, null);
  },
});
