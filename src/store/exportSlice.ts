/** Export actions: the format and the download of the pruned model with its report. */
import { done, failed, running } from './jobState';
import { pruningReport } from './report';
import type { SliceFactory } from './storeContext';
import { ensureBaseline, saveSettingsSoon } from './storeEffects';

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
    if (!pruned || (stale && finetuneAccuracy === null)) await get().applyPrune();
    if (!get().pruned) return;
    set({ exportJob: running(`exporting ${get().exportFormat}…`) });
    await ensureBaseline(set, get, rt);
    try {
      const file = await rt.deps.client.call((api) => api.exportModel(get().exportFormat, pruningReport(get())));
      rt.deps.download(file);
      set({ exportJob: done(`${file.fileName} (${(file.bytes.byteLength / 1024 ** 2).toFixed(1)} MB)`) });
    } catch (error) {
      set({ exportJob: failed(error) });
    }
  },
});
