/** Score-training actions: start, pause, resume (also after a reload or a crash), stop; live history and checkpoints. */
import type { ScoreSnapshot, ScoreTrainingSettings, TrainProgress } from '../worker/engineApi';
import { labelsIssue } from './classMapState';
import { done, errorText, failed, running, trainState } from './jobState';
import { HISTORY_LIMIT } from './sessionRecord';
import { nextJobId, type GetStudio, type Runtime, type SetStudio, type SliceFactory } from './storeContext';
import { refreshPreview, refreshPreviewSoon, remoteCallback, requestAccuracy, saveCheckpoint, saveSettingsSoon } from './storeEffects';
import { EngineCrashed } from './workerClient';

/** Appends a point to the chart history, keeping the last HISTORY_LIMIT. */
export function appendHistory(history: TrainProgress[], p: TrainProgress, limit = HISTORY_LIMIT): TrainProgress[] {
  const kept = history.length > 0 && history[history.length - 1].step >= p.step ? history.filter((h) => h.step < p.step) : history;
  const next = [...kept, p];
  return next.length > limit ? next.slice(next.length - limit) : next;
}

/**
 * Handles one progress event: history, job line, scores, preview, checkpoint. The run position saved
 * with a checkpoint is the step its scores follow, so a resume after a reload or a crash repeats the
 * updates those scores lack instead of skipping them.
 */
function onProgress(set: SetStudio, get: GetStudio, rt: Runtime, jobId: string, p: TrainProgress, scores: ScoreSnapshot | null): void {
  if (rt.trainJobId !== jobId) return;
  const status = get().trainJob.status === 'paused' ? 'paused' : 'running';
  set({ trainHistory: appendHistory(get().trainHistory, p), trainJob: trainState(p, status, p.step - rt.runStartStep) });
  if (scores && rt.run) rt.run.done = Math.min(scores.step ?? p.step, p.step);
  if (scores) {
    set({ scores, maskedAccuracy: null });
    refreshPreviewSoon(set, get, rt);
    saveCheckpoint(get, rt);
  }
}

/** How a finished run shows: done, stopped by the person, or stopped by a fault (the last good scores are kept). */
function finished(set: SetStudio, get: GetStudio, rt: Runtime, result: { stopped: string | null; steps: number }): void {
  const steps = rt.run?.steps ?? get().trainSettings.steps;
  if (result.stopped === null) set({ trainJob: done(`trained ${result.steps}/${steps} steps`) });
  else if (result.stopped === 'cancelled') set({ trainJob: { status: 'cancelled', fraction: result.steps / steps, message: `stopped at step ${result.steps}/${steps}` } });
  else set({ trainJob: { status: 'error', fraction: result.steps / steps, message: `Training stopped: ${result.stopped}. The last good scores are kept.` } });
  if (rt.run) rt.run = { ...rt.run, done: result.steps, status: result.stopped === null ? 'done' : 'stopped' };
}

/** Runs (or continues, from `fromStep`) a training job in the worker until it ends. */
export async function runTraining(set: SetStudio, get: GetStudio, rt: Runtime, settings: ScoreTrainingSettings, fromStep: number): Promise<void> {
  const jobId = nextJobId(rt, 'train');
  rt.trainJobId = jobId;
  rt.runStartStep = fromStep;
  rt.run = { jobId, settings: { ...settings }, done: fromStep, steps: settings.steps, status: 'running' };
  if (settings.trainWeights) set({ weightsVersion: get().weightsVersion + 1 }); // a slim model cut before is now stale
  set({ trainJob: running(fromStep > 0 ? `resuming at step ${fromStep}/${settings.steps}…` : 'starting…', fromStep / settings.steps) });
  saveCheckpoint(get, rt);
  const callback = remoteCallback((p: TrainProgress, scores: ScoreSnapshot | null) => onProgress(set, get, rt, jobId, p, scores));
  try {
    const result = await rt.deps.client.call((api) => api.trainScores(jobId, settings, callback, { fromStep }));
    if (rt.trainJobId !== jobId) return;
    finished(set, get, rt, result);
  } catch (error) {
    if (rt.trainJobId !== jobId || error instanceof EngineCrashed) return; // the crash handler resumes it
    set({ trainJob: failed(error) });
    if (rt.run) rt.run = { ...rt.run, status: 'stopped' };
  }
  rt.trainJobId = null;
  refreshPreview(set, get, rt); // the last scores' preview at once
  saveCheckpoint(get, rt);
  await rt.checkpoints.flush();
  requestAccuracy(set, get, rt);
}

/** The training slice. */
export const trainSlice: SliceFactory<'setTrainSettings' | 'startTraining' | 'pauseTraining' | 'resumeTraining' | 'stopTraining'> = (set, get, rt) => ({
  setTrainSettings(patch) {
    set({ trainSettings: { ...get().trainSettings, ...patch } });
    saveSettingsSoon(set, get, rt);
  },
  async startTraining() {
    const s = get();
    if (s.trainJob.status === 'running' || s.trainJob.status === 'paused') return;
    if (!s.model || !s.dataset) { set({ trainJob: failed(new Error('load a model and a dataset first')) }); return; }
    const issue = labelsIssue(s);
    if (issue) { set({ trainJob: failed(new Error(issue)) }); return; }
    set({ trainHistory: [], scores: null, maskedAccuracy: null });
    await runTraining(set, get, rt, { ...s.trainSettings }, 0);
  },
  async pauseTraining() {
    const jobId = rt.trainJobId;
    if (!jobId || get().trainJob.status !== 'running') return;
    set({ trainJob: { ...get().trainJob, status: 'paused' } });
    refreshPreview(set, get, rt);
    if (rt.run) rt.run = { ...rt.run, status: 'paused' };
    saveCheckpoint(get, rt);
    await rt.deps.client.call((api) => api.pause(jobId)).catch((error) => set({ notice: errorText(error) }));
  },
  async resumeTraining() {
    if (get().trainJob.status !== 'paused') return;
    const jobId = rt.trainJobId;
    if (jobId) {
      set({ trainJob: { ...get().trainJob, status: 'running' } });
      if (rt.run) rt.run = { ...rt.run, status: 'running' };
      await rt.deps.client.call((api) => api.resume(jobId)).catch((error) => set({ notice: errorText(error) }));
      return;
    }
    const run = rt.run; // a run interrupted by a reload or a crash: continue from the saved scores
    if (!run) return;
    await runTraining(set, get, rt, run.settings, run.done);
  },
  async stopTraining() {
    const jobId = rt.trainJobId;
    if (jobId) {
      await rt.deps.client.call((api) => api.cancel(jobId)).catch((error) => set({ notice: errorText(error) }));
      return;
    }
    if (get().trainJob.status === 'paused' && rt.run) {
      rt.run = { ...rt.run, status: 'stopped' };
      set({ trainJob: { status: 'cancelled', fraction: rt.run.done / rt.run.steps, message: `stopped at step ${rt.run.done}/${rt.run.steps}` } });
      saveCheckpoint(get, rt);
    }
  },
});
