/** Export actions: the format and the download of the pruned model with its report. */
import { done, failed, running } from './jobState';
import { pruningReport } from './report';
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
    const { pruned, prunedWith, prune, finetuneAccuracy } = get();
    const stale = !prunedWith || JSON.stringify(prunedWith) !== JSON.stringify(prune);
    // Re-prune when the slider moved since the last prune, unless that slim model was finetuned.
    // The download waits for no accuracy: a running measurement gives way, missing figures read "not measured".
    await cancelReportAccuracies(rt);
    if (!pruned || (stale && finetuneAccuracy === null)) await get().applyPrune({ measure: 'later' });
    if (!get().pruned) return;
    await cancelReportAccuracies(rt);
    set({ exportJob: running(`exporting ${get().exportFormat}…`) });
    try {
      const file = await rt.deps.client.call((api) => api.exportModel(get().exportFormat, pruningReport(get())));
      rt.deps.download(file);
      set({ exportJob: done(`${file.fileName} (${(file.bytes.byteLength / 1024 ** 2).toFixed(1)} MB)`) });
    } catch (error) {
      set({ exportJob: failed(error) });
    }
    void measureReportAccuracies(set, get, rt); // shown in the panel for the next download
  },
});
