/**
 * "Measure speed" in the prune panel: the slim model's forward pass timed against the unpruned model's on the
 * studio's backend (a cancellable worker job), so a user sees what pruning buys on this machine, not only in MACs.
 */
import { done, failed, running } from './jobState';
import { remoteCallback } from './storeEffects';
import { measureReportAccuracies } from './accuracyJobs';
import { slimStaleReasons } from './slimProvenance';
import type { SliceFactory } from './storeContext';
import { cancelWorkerJob, withWorkerJob } from './workerJob';
import { slimSpeedText } from './slimSpeedFigures';

/** The slim-speed slice. */
export const slimSpeedSlice: SliceFactory<'measureSlimSpeed' | 'cancelSlimSpeed'> = (set, get, rt) => ({
  async measureSlimSpeed() {
    if (rt.speedJobId || !get().model) return;
    // The slim model of the current settings, as a download would cut it (a finetuned one is kept).
    const stale = slimStaleReasons(get()).length > 0 && (get().prunedFrom?.finetuneSteps ?? 0) === 0;
    const cut = !get().pruned || stale;
    if (cut) await get().applyPrune({ measure: 'later' });
    if (!get().pruned) return;
    const { batches, runs } = rt.deps.slimSpeed;
    await withWorkerJob(rt, 'speedJobId', 'speed', async (jobId, isCurrent) => {
      set({ slimSpeedJob: running(`timing the slim and the full model at batch ${batches.join(' and ')}…`, 0) });
      const onProgress = remoteCallback((p: { done: number; total: number }) => {
        if (isCurrent() && p.total > 0) set({ slimSpeedJob: running(`${p.done}/${p.total} timed passes (slim and full alternating)`, p.done / p.total) });
      });
      try {
        const info = await rt.deps.client.call((api) => api.slimSpeed(jobId, batches, runs, onProgress));
        set({ slimSpeed: info.points.length > 0 ? info : get().slimSpeed });
        set({ slimSpeedJob: info.cancelled ? { status: 'cancelled', fraction: null, message: `stopped after ${info.points.length}/${batches.length} batch sizes` } : done(slimSpeedText(info)) });
      } catch (error) {
        set({ slimSpeedJob: failed(error) });
      }
    });
    if (cut) await measureReportAccuracies(set, get, rt); // the new slim model's accuracies, after its speed
  },
  async cancelSlimSpeed() {
    await cancelWorkerJob(rt, 'speedJobId');
  },
});
