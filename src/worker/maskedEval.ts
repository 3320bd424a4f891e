/**
 * Accuracy of the hard-masked model for prune settings: the ranking criterion decides which dims are
 * removed, kept dims are scaled by their VTP score (fold) or kept as they are (binary masks). It is
 * computed on the physically slimmed model, which equals the hard-masked one (tested to 1e-4) and costs
 * fewer MACs, and reported batch by batch. Also the sweep over rates for both criteria.
 */
import { slimWeights } from '../prune/slimWeights';
import { disposeVitParams, vitParams } from '../model/vitParams';
import { effectiveCriterion } from '../prune/rankingCriterion';
import { onesScores, type ScoreSet } from '../prune/scoreSet';
import { evaluateAccuracy } from '../train/evaluate';
import { hasLabels } from '../data/imageDataset';
import { referenceTop1 } from './referenceTop1';
import type { MaskedAccuracy, PruneSettings, SweepPoint } from './engineApi';
import type { Job } from './jobs';
import { previewMask, prunePreview } from '../prune/prunePreview';
import type { EngineSession } from './session';

/** Default prune settings (VTP scores, binary masks as the studio's default, no rounding, no overrides). */
export const PRUNE_SETTINGS_DEFAULTS: PruneSettings = { rate: 0, criterion: 'vtp', fold: false, roundTo: 1, blockRates: {}, unit: 'rate' };

/** The VTP scores of the session, or all ones when none were trained. */
export function vtpScores(session: EngineSession): ScoreSet {
  return session.scores ?? onesScores(session.requireModel().config);
}

/** The settings as they act: the VTP criterion without trained scores ranks by weight magnitude (never by index). */
export function effectiveSettings(session: EngineSession, settings: PruneSettings): PruneSettings {
  return { ...settings, criterion: effectiveCriterion(settings.criterion, session.scores !== null) };
}

/** The scores that rank dims for `criterion` (weight magnitude for 'vtp' before scores are trained). */
export function rankingScores(session: EngineSession, criterion: PruneSettings['criterion']): ScoreSet {
  return effectiveCriterion(criterion, session.scores !== null) === 'magnitude' ? session.magnitudeScores() : vtpScores(session);
}

/** Images per forward pass of the masked accuracy: small, so partial figures come often and another request (a download) waits at most one batch. */
export const MASKED_EVAL_BATCH = 50;

/** Images in the first forward pass: a first estimate (with its interval) within about a second on WASM. */
export const MASKED_EVAL_FIRST_BATCH = 25;

/** The slim model for `settings` (host weights): equal to the model with gates 0 on removed dims and the score (fold) or 1 on kept ones. */
function slimForSettings(session: EngineSession, settings: PruneSettings) {
  const model = session.requireModel();
  const acting = effectiveSettings(session, settings);
  const mask = previewMask(model.config, rankingScores(session, acting.criterion), acting);
  const fold = acting.fold && acting.criterion === 'vtp' ? vtpScores(session).blocks : null;
  return slimWeights(model.config, model.host, mask.keep, fold);
}

/**
 * Accuracy of the hard-masked model on `limit` validation images (a stratified sample, see evaluateAccuracy); `onPartial` gets the running
 * figure after every batch of MASKED_EVAL_BATCH images; cancelled = stopped by `signal`.
 */
export async function maskedAccuracy(session: EngineSession, settings: PruneSettings, limit: number, signal?: AbortSignal,
  onPartial?: (p: Omit<MaskedAccuracy, 'settings'>) => void): Promise<{ accuracy: number; n: number; cancelled: boolean; agreement: number | null }> {
  const data = session.requireData();
  const reference = await referenceTop1(session);
  const slim = slimForSettings(session, settings);
  const params = vitParams(slim.config, slim.tensors);
  const labelled = hasLabels(data.val);
  try {
    const r = await evaluateAccuracy(params, data.val, session.normalisation(), {
      limit, signal, batchSize: MASKED_EVAL_BATCH, firstBatch: MASKED_EVAL_FIRST_BATCH, reference,
      onProgress: (p) => { if (p.done < p.total) onPartial?.({ accuracy: labelled ? p.correct / p.done : NaN, n: p.done, total: p.total, partial: true }); },
    });
    return { accuracy: r.top1, n: r.n, cancelled: r.cancelled, agreement: r.agreement };
  } finally {
    disposeVitParams(params);
  }
}

/** Options of a sweep: validation images per point and the settings other than rate and criterion. */
export interface SweepOptions { limit: number; base: Partial<PruneSettings> }

/**
 * Masked accuracy and costs at every rate for both criteria (only weight magnitude before scores are
 * trained: the VTP curve would be the magnitude one again); stops early (returning what it has) when cancelled.
 */
export async function sweep(session: EngineSession, job: Job, rates: number[], onPoint: (p: SweepPoint) => void,
  options: SweepOptions): Promise<SweepPoint[]> {
  const cfg = session.requireModel().config;
  const points: SweepPoint[] = [];
  const criteria = session.scores ? (['vtp', 'magnitude'] as const) : (['magnitude'] as const);
  for (const criterion of criteria) {
    for (const rate of rates) {
      await job.gate.wait();
      if (job.cancelled) return points;
      const settings: PruneSettings = { ...PRUNE_SETTINGS_DEFAULTS, ...options.base, rate, criterion };
      const r = await maskedAccuracy(session, settings, options.limit, job.signal);
      if (r.cancelled) return points;
      const cost = prunePreview(cfg, rankingScores(session, criterion), settings);
      const point = { criterion, rate, accuracy: r.accuracy, agreement: r.agreement ?? undefined, macsSaved: cost.macsSaved, paramsSaved: cost.paramsSaved, n: r.n };
      points.push(point);
      try { void Promise.resolve(onPoint(point)).catch(() => {}); } catch { /* page gone */ }
    }
  }
  return points;
}
