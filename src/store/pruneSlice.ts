/** Prune actions: the slider and its options, the sweep, applying the prune, finetuning. */
import type { PruneSettings, SweepPoint, TrainProgress } from '../worker/engineApi';
import { finetuneDistills, labelsIssue } from './classMapState';
import { done, errorText, failed, running, trainState } from './jobState';
import { figuresLine } from './agreementText';
import type { SliceFactory } from './storeContext';
import { cancelWorkerJob, withWorkerJob } from './workerJob';
import { computePreview } from './preview';
import { slimProvenance, slimStaleReasons } from './slimProvenance';
import { pruneChanged, remoteCallback, saveSettingsSoon } from './storeEffects';
import { cancelReportAccuracies, measureReportAccuracies } from './accuracyJobs';
import { pruneAmountText, STUDIO_UNITS } from '../prune/pruneSettings';

/** Rates of the sweep: 0%, 10%, …, 90%. */
export const SWEEP_RATES = Array.from({ length: 10 }, (_, i) => i / 10);

/** Learning rate of finetuning (DESIGN.md section 3). */
export const FINETUNE_LR = 5e-4;

/** Settings clamped to what the pruning accepts (rate in [0, 0.9], rounding a positive integer, a unit the studio offers; latency only with a table). */
export function clampPrune(settings: PruneSettings): PruneSettings {
  const rate = (r: number) => Math.min(0.9, Math.max(0, Number.isFinite(r) ? r : 0));
  const blockRates = Object.fromEntries(Object.entries(settings.blockRates).map(([k, v]) => [k, rate(v)]));
  const clamped = { ...settings, rate: rate(settings.rate), roundTo: Math.max(1, Math.round(settings.roundTo) || 1), blockRates };
  if (settings.unit !== undefined && !(STUDIO_UNITS as readonly string[]).includes(settings.unit)) clamped.unit = 'rate';
  if (settings.unit === 'latency' && !settings.latency) clamped.unit = 'macs';
  return clamped;
}

/** The prune slice. */
export const pruneSlice: SliceFactory<'setPrune' | 'runSweep' | 'cancelSweep' | 'applyPrune' | 'cancelEval' | 'finetune' | 'cancelFinetune' | 'setFinetuneDistill'> = (set, get, rt) => ({
  setPrune(patch) {
    set({ prune: clampPrune({ ...get().prune, ...patch }) });
    pruneChanged(set, get, rt);
    saveSettingsSoon(set, get, rt);
  },
  async runSweep() {
    if (rt.sweepJobId || !get().model || !get().dataset) return;
    const issue = labelsIssue(get());
    if (issue) { set({ sweepJob: failed(new Error(issue)) }); return; }
    await withWorkerJob(rt, 'sweepJobId', 'sweep', async (jobId, isCurrent) => {
      const total = SWEEP_RATES.length * (get().scores ? 2 : 1); // no VTP curve before scores are trained
      set({ sweep: [], sweepJob: running(`0/${total} points`, 0) });
      const onPoint = remoteCallback((p: SweepPoint) => {
        if (!isCurrent()) return;
        const sweep = [...get().sweep, p];
        set({ sweep, sweepJob: running(`${sweep.length}/${total} points`, sweep.length / total) });
      });
      const { rate: _rate, criterion: _criterion, ...base } = get().prune;
      try {
        const points = await rt.deps.client.call((api) => api.sweep(jobId, SWEEP_RATES, onPoint, { limit: rt.deps.accuracyLimit, base }));
        const complete = points.length === total;
        set({ sweep: points, sweepJob: complete ? done(`${total} points`) : { status: 'cancelled', fraction: points.length / total, message: `stopped after ${points.length}/${total} points` } });
      } catch (error) {
        set({ sweepJob: failed(error) });
      }
    });
  },
  async cancelSweep() {
    await cancelWorkerJob(rt, 'sweepJobId');
  },
  async applyPrune(options) {
    const settings = { ...get().prune, blockRates: { ...get().prune.blockRates } };
    set({ exportJob: running('pruning…') });
    try {
      const from = slimProvenance(get(), settings, computePreview(get().model, get().scores, settings));
      await cancelReportAccuracies(rt); // a measurement of the previous slim model is out of date
      const pruned = await rt.deps.client.call((api) => api.prune(settings));
      set({ pruned, prunedWith: settings, prunedFrom: from, prunedAccuracy: null, finetuneAccuracy: null, prunedAgreement: null, finetuneAgreement: null, finetuneJob: { status: 'idle', fraction: null, message: '' }, exportJob: done(`pruned ${pruneAmountText(settings)}`) });
    } catch (error) {
      set({ exportJob: failed(error) });
      return;
    }
    // Accuracies are measured as a visible, cancellable job; 'later': by the caller, after its own work (the download).
    if (options?.measure !== 'later') await measureReportAccuracies(set, get, rt);
  },
  async cancelEval() {
    await cancelReportAccuracies(rt);
  },
  async finetune(steps) {
    if (rt.finetuneJobId) return;
    const issue = labelsIssue(get());
    if (issue) { set({ finetuneJob: failed(new Error(issue)) }); return; }
    // A slim model not yet finetuned is cut again when it no longer matches the model, scores or settings.
    const stale = slimStaleReasons(get()).length > 0 && (get().prunedFrom?.finetuneSteps ?? 0) === 0;
    if (!get().pruned || stale) await get().applyPrune();
    if (!get().pruned) return;
    await withWorkerJob(rt, 'finetuneJobId', 'finetune', async (jobId, isCurrent) => {
      set({ finetuneJob: running('starting…', 0) });
      const onProgress = remoteCallback((p: TrainProgress) => { if (isCurrent()) set({ finetuneJob: trainState(p) }); });
      try {
        const distill = finetuneDistills(get());
        const settings = { steps, batchSize: get().trainSettings.batchSize, lr: FINETUNE_LR, distill };
        const r = await rt.deps.client.call((api) => api.finetune(jobId, settings, onProgress));
        const message = figuresLine(r.accuracy, r.agreement ?? null);
        const from = get().prunedFrom;
        set({
          finetuneAccuracy: r.accuracy, finetuneAgreement: r.agreement ?? null, accuracyImages: r.n,
          prunedFrom: from ? { ...from, finetuneSteps: from.finetuneSteps + r.steps } : null,
          finetuneJob: r.stopped === null ? done(message) : r.stopped === 'cancelled'
            ? { status: 'cancelled', fraction: null, message: `stopped; ${message}` }
            : { status: 'error', fraction: null, message: `Finetuning stopped: ${r.stopped}; ${message}` },
        });
      } catch (error) {
        set({ finetuneJob: failed(error) });
      }
    });
  },
  setFinetuneDistill(on) {
    set({ finetuneDistill: on });
  },
  async cancelFinetune() {
    await cancelWorkerJob(rt, 'finetuneJobId', (error) => set({ notice: errorText(error) }));
  },
});
