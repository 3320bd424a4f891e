/**
 * The accuracies the report carries (slim model before finetuning, unpruned model), measured as one visible,
 * cancellable job after a prune or a download: never something a download waits for.
 */
import { labelsIssue } from './classMapState';
import { done, failed, running } from './jobState';
import type { GetStudio, Runtime, SetStudio } from './storeContext';
import { cancelWorkerJob, withWorkerJob } from './workerJob';
import { remoteCallback } from './storeEffects';

/** What each measurement is called in the progress line. */
const TARGET_TEXT = { pruned: 'slim model accuracy', model: 'unpruned model accuracy' } as const;

/** Measures one accuracy (fraction) as job `jobId` with the images it rests on; null when cancelled. */
async function measureOne(set: SetStudio, rt: Runtime, jobId: string, target: 'pruned' | 'model'): Promise<{ accuracy: number; n: number; agreement: number | null } | null> {
  const what = TARGET_TEXT[target];
  set({ evalJob: running(`${what}: starting…`, 0) });
  const onProgress = remoteCallback((p: { done: number; total: number }) => {
    if (rt.evalJobId === jobId) set({ evalJob: running(`${what}: ${p.done}/${p.total} validation images`, p.total > 0 ? p.done / p.total : null) });
  });
  const r = await rt.deps.client.call((api) => api.evaluate(target, rt.deps.accuracyLimit, jobId, onProgress));
  return r.cancelled ? null : { accuracy: r.accuracy, n: r.n, agreement: r.agreement ?? null };
}

/** Measures the slim and unpruned accuracies the state lacks (one job at a time; a running one is left to finish). */
export async function measureReportAccuracies(set: SetStudio, get: GetStudio, rt: Runtime): Promise<void> {
  if (rt.evalJobId || !get().model || !get().dataset || labelsIssue(get())) return;
  await withWorkerJob(rt, 'evalJobId', 'eval', async (jobId) => {
    const pruned = get().pruned;
    try {
      if (pruned && get().prunedAccuracy === null) {
        const accuracy = await measureOne(set, rt, jobId, 'pruned');
        if (accuracy === null) { set({ evalJob: NOT_MEASURED_JOB }); return; }
        if (get().pruned?.id === pruned.id) set({ prunedAccuracy: accuracy.accuracy, accuracyImages: accuracy.n, prunedAgreement: accuracy.agreement });
      }
      if (get().baselineAccuracy === null) {
        const modelId = get().model?.id;
        const accuracy = await measureOne(set, rt, jobId, 'model');
        if (accuracy === null) { set({ evalJob: NOT_MEASURED_JOB }); return; }
        if (get().model?.id === modelId) set({ baselineAccuracy: accuracy.accuracy, accuracyImages: accuracy.n });
      }
      set({ evalJob: done('accuracies measured') });
    } catch (error) {
      set({ evalJob: failed(error) });
    }
  });
}

/** The eval job after a cancel: its figures stay "not measured". */
const NOT_MEASURED_JOB = { status: 'cancelled', fraction: null, message: 'Accuracy not measured (cancelled).' } as const;

/** Cancels the running accuracy measurement (its figures stay "not measured"). */
export async function cancelReportAccuracies(rt: Runtime): Promise<void> {
  await cancelWorkerJob(rt, 'evalJobId');
}
