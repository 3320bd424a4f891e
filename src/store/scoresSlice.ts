/** Score-file actions: import scores trained elsewhere (PyTorch `train-scores`, `vtp scores`), download the current ones. */
import { GATE_NAMES } from '../model/gateLayout';
import { done, failed, IDLE, running } from './jobState';
import type { SliceFactory } from './storeContext';
import { pruneChanged, saveCheckpoint } from './storeEffects';

/** Number of scores over all blocks and gates. */
function scoreCount(blocks: { length: number }[][]): number {
  return blocks.reduce((n, b) => n + b.reduce((m, g) => m + g.length, 0), 0);
}

/** The score-file slice. */
export const scoresSlice: SliceFactory<'importScores' | 'downloadScores'> = (set, get, rt) => ({
  async importScores(file) {
    const s = get();
    if (!s.model) { set({ scoresJob: failed(new Error('load a model first: a score file belongs to one model')) }); return; }
    if (s.trainJob.status === 'running' || s.trainJob.status === 'paused') {
      set({ scoresJob: failed(new Error('score training is running: stop it before importing scores')) });
      return;
    }
    set({ scoresJob: running(`checking ${file.name}…`) });
    try {
      const bytes = await file.arrayBuffer();
      const scores = await rt.deps.client.call((api) => api.importScores({ name: file.name, bytes }));
      rt.run = null; // these scores come from no run of this studio: nothing to resume
      set({ scores, trainHistory: [], trainJob: IDLE, maskedAccuracy: null });
      const count = scoreCount(scores.blocks.map((b) => GATE_NAMES.map((g) => b[g])));
      set({ scoresJob: done(`imported ${file.name}: ${count} scores of ${scores.blocks.length} blocks`) });
      pruneChanged(set, get, rt);
      saveCheckpoint(get, rt);
    } catch (error) {
      set({ scoresJob: failed(error) });
    }
  },
  async downloadScores() {
    try {
      const file = await rt.deps.client.call((api) => api.exportScores());
      rt.deps.download(file);
      set({ scoresJob: done(`downloaded ${file.fileName}`) });
    } catch (error) {
      set({ scoresJob: failed(error) });
    }
  },
});
