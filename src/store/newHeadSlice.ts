/** "New head for these classes": the fit runs in the worker; its model becomes the session's model. */
import type { NewHeadProgressInfo } from '../worker/engineApi';
import { done, failed, running } from './jobState';
import { nextJobId, type SliceFactory } from './storeContext';
import { modelLoaded, remoteCallback } from './storeEffects';
import { persistModel } from './modelSlice';
import { datasetFields } from './classMapState';

/** The job line of a fit in progress. */
function progressState(p: NewHeadProgressInfo) {
  const what = p.phase === 'features' ? `features of ${p.done}/${p.total} images` : `fitting the head, step ${p.done}/${p.total}`;
  return running(what, p.phase === 'features' ? 0.9 * (p.done / Math.max(1, p.total)) : 0.9 + 0.1 * (p.done / Math.max(1, p.total)));
}

/** The new-head slice. */
export const newHeadSlice: SliceFactory<'fitNewHead'> = (set, get, rt) => ({
  async fitNewHead() {
    if (get().newHeadJob.status === 'running' || !get().model || !get().dataset) return;
    const jobId = nextJobId(rt, 'new-head');
    set({ newHeadJob: running('computing features…', 0) });
    const onProgress = remoteCallback((p: NewHeadProgressInfo) => set({ newHeadJob: progressState(p) }));
    try {
      const r = await rt.deps.client.call((api) => api.newHead(jobId, onProgress));
      await modelLoaded(set, get, rt, r.model);
      if (r.dataset) set(datasetFields(r.dataset)); // matched to the new head's classes by name
      await persistModel(set, rt, { kind: 'files', name: r.model.name, files: r.files }); // restored as an import after a reload
      const acc = r.valAccuracy === null ? 'no validation images' : `validation accuracy ${(100 * r.valAccuracy).toFixed(1)}%`;
      set({ newHeadJob: done(`new head for ${r.model.config.numClasses} classes: ${acc}`) });
    } catch (error) {
      set({ newHeadJob: failed(error) });
    }
  },
});
