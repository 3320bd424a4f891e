/**
 * Per-layer sensitivity in the Scores panel: the worker measures the agreement lost by pruning each block alone at
 * the slider's settings and suggests per-block overrides at the same MACs saving; one action applies them. A result
 * made for other scores, settings or another model is marked stale (sensitivityStaleReasons).
 */
import { done, failed, running } from './jobState';
import { labelsIssue } from './classMapState';
import type { SliceFactory } from './storeContext';
import { cancelWorkerJob, withWorkerJob } from './workerJob';
import { remoteCallback, saveCheckpoint } from './storeEffects';
import { samePruneSettings } from '../prune/pruneSettings';
import { scoresFingerprint } from './slimProvenance';
import type { SensitivityProvenance, StudioState } from './studioState';

/** True when the prune settings are the measured ones with the suggested overrides applied. */
export function suggestionApplied(s: Pick<StudioState, 'sensitivity' | 'prune'>): boolean {
  const r = s.sensitivity;
  return !!r?.suggestion && samePruneSettings({ ...r.settings, blockRates: r.suggestion.blockRates }, s.prune);
}

/** Why the shown sensitivity no longer describes the current model, scores and settings (empty when current). */
export function sensitivityStaleReasons(s: StudioState): string[] {
  const from = s.sensitivityFrom;
  if (!s.sensitivity || !from) return [];
  const reasons: string[] = [];
  if (from.modelId !== (s.model?.id ?? '') || from.weightsVersion !== s.weightsVersion) reasons.push('the model changed');
  const now = scoresFingerprint(s.scores);
  if ((now?.hash ?? null) !== (from.scores?.hash ?? null)) reasons.push('the scores changed');
  if (!samePruneSettings(s.sensitivity.settings, s.prune) && !suggestionApplied(s)) reasons.push('the prune settings changed');
  return reasons;
}

/** "block 0: 41.2%, block 1: 30%, …" for the suggested overrides. */
export function overridesText(rates: Record<number, number>): string {
  return Object.entries(rates).map(([b, r]) => `block ${b}: ${Math.round(r * 1000) / 10}%`).join(', ');
}

/** The sensitivity slice. */
export const sensitivitySlice: SliceFactory<'computeSensitivity' | 'cancelSensitivity' | 'applySuggestedOverrides'> = (set, get, rt) => ({
  async computeSensitivity() {
    const s = get();
    if (rt.sensitivityJobId || !s.model || !s.dataset) return;
    const issue = labelsIssue(s);
    if (issue) { set({ sensitivityJob: failed(new Error(issue)) }); return; }
    const settings = { ...s.prune, blockRates: { ...s.prune.blockRates } };
    const from: SensitivityProvenance = { modelId: s.model.id, weightsVersion: s.weightsVersion, scores: scoresFingerprint(s.scores) };
    const depth = s.model.config.depth;
    await withWorkerJob(rt, 'sensitivityJobId', 'sensitivity', async (jobId, isCurrent) => {
      set({ sensitivityJob: running(`0/${depth + 1} models`, 0) });
      const onProgress = remoteCallback((p: { done: number; total: number }) => {
        if (!isCurrent() || p.total <= 0) return;
        set({ sensitivityJob: running(`${Math.floor((p.done * (depth + 1)) / p.total)}/${depth + 1} models (the base, then one per block)`, p.done / p.total) });
      });
      try {
        const report = await rt.deps.client.call((api) => api.sensitivity(jobId, settings, rt.deps.sensitivityLimit, onProgress));
        if (report.cancelled) { set({ sensitivityJob: { status: 'cancelled', fraction: null, message: `stopped after ${report.blocks.length}/${depth} blocks` } }); return; }
        set({ sensitivity: report, sensitivityFrom: from, sensitivityJob: done(`${depth} blocks on ${report.n.toLocaleString('en-US')} validation images`) });
        saveCheckpoint(get, rt);
      } catch (error) {
        set({ sensitivityJob: failed(error) });
      }
    });
  },
  async cancelSensitivity() {
    await cancelWorkerJob(rt, 'sensitivityJobId');
  },
  applySuggestedOverrides() {
    const suggestion = get().sensitivity?.suggestion;
    if (!suggestion) return;
    get().setPrune({ blockRates: { ...suggestion.blockRates } });
    set({ sensitivityJob: done(`applied: ${overridesText(suggestion.blockRates)}`) });
  },
});

