/** Export actions: the format and the download of the pruned model with its report. */
import { done, failed, running } from './jobState';
import { pruningReport } from './report';
import { slimStaleReasons } from './slimProvenance';
import type { SliceFactory } from './storeContext';
import { saveSettingsSoon } from './storeEffects';
import { cancelReportAccuracies, measureReportAccuracies } from './accuracyJobs';

/** The export slice. */
export const exportSlice: SliceFactory<'setExportFormat' | 'downloadPruned'> = (set, get, rt) => ({
  setExportFormat(format) {
    set({ exportFormat: format });
    saveSettingsSoon(set, get, rt);
  },
  async downloadPruned() {
    // Slim again when the model, weights, scores or settings changed since the last slim model was cut,
    // unless that slim model was finetuned: it is kept then, and the result line says why.
    // The download waits for no accuracy: a running measurement gives way, missing figures read "not measured".
    const stale = slimStaleReasons(get());
    const finetuned = (get().prunedFrom?.finetuneSteps ?? 0) > 0;
    await cancelReportAccuracies(rt);
    if (!get().pruned || !get().prunedFrom || (stale.length > 0 && !finetuned)) await get().applyPrune({ measure: 'later' });
    if (!get().pruned) return;
    await cancelReportAccuracies(rt);
    const kept = stale.length > 0 && finetuned
      ? ` · kept the finetuned slim model although ${stale.join(' and ')}; slim again to use the current ones` : '';
    set({ exportJob: running(`exporting ${get().exportFormat}…`) });
    try {
      const file = await rt.deps.client.call((api) => api.exportModel(get().exportFormat, pruningReport(get())));
      rt.deps.download(file);
      set({ exportJob: done(`${file.fileName} (${(file.bytes.byteLength / 1024 ** 2).toFixed(1)} MB)${kept}`) });
    } catch (error) {
      set({ exportJob: failed(error) });
    }
    void measureReportAccuracies(set, get, rt); // shown in the panel for the next download
  },
});
