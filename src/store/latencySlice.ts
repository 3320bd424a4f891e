/**
 * "Latency saved" as the slider's unit: a latency table of the loaded model, measured on the studio's own backend (a
 * worker job), which the preview then predicts every cut from (src/prune/latencyTable.ts), as `vtp prune --latency-ms`
 * does. The table is kept in the prune settings; a model or backend it does not fit drops it (refreshPreview).
 */
import { predictLatency } from '../prune/latencyTable';
import { latencyFigures } from '../prune/prunePreview';
import { done, failed, running } from './jobState';
import type { SliceFactory } from './storeContext';
import { withWorkerJob } from './workerJob';

/** Images per timed pass of the studio's table by default: one image, a served request's latency. */
export const LATENCY_TABLE_BATCH = 1;

/** Batch sizes the studio offers for its table (per image, a small batch, the CLI's default). */
export const LATENCY_TABLE_BATCHES = [1, 8, 64] as const;

/** The latency slice. */
export const latencySlice: SliceFactory<'measureLatencyTable'> = (set, get, rt) => ({
  async measureLatencyTable(batch = LATENCY_TABLE_BATCH) {
    const model = get().model;
    if (rt.latencyJobId || !model) return;
    await withWorkerJob(rt, 'latencyJobId', 'latency', async (jobId, isCurrent) => {
      set({ latencyJob: running(`timing every block shape and its cuts on ${get().backend?.backend ?? 'the backend'} at batch ${batch} (seconds to minutes)…`) });
      try {
        const table = await rt.deps.client.call((api) => api.latencyTable(jobId, batch));
        if (!isCurrent() || get().model !== model) return; // another model came in meanwhile
        // The slider moves to the current cut's predicted latency saving, so switching the unit keeps the cut.
        const blocks = get().preview?.blocks;
        const saved = blocks ? latencyFigures(table, model.config, blocks).latencySaved : 0;
        get().setPrune({ latency: table, unit: 'latency', rate: Math.round(100 * saved) / 100 });
        set({ latencyJob: done(`latency table on ${table.backend}: ${predictLatency(table, model.config).toFixed(1)} ms predicted per batch of ${batch} for the full model`) });
      } catch (error) {
        if (isCurrent()) set({ latencyJob: failed(error) });
      }
    });
  },
});
