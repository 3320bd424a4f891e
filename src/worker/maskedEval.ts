/**
 * Accuracy of the hard-masked model for prune settings (no weights are cut): the ranking criterion
 * decides which dims are removed, and the gates hold 0 for removed dims and the VTP score (fold) or 1
 * (binary masks) for kept ones. Also the sweep over rates for both criteria.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GATE_NAMES } from '../model/gateLayout';
import type { BlockGates } from '../model/vitGates';
import { maskedGateValues } from '../prune/pruneModel';
import { onesScores, type ScoreSet } from '../prune/scoreSet';
import { evaluateAccuracy } from '../train/evaluate';
import type { PruneSettings, SweepPoint } from './engineApi';
import type { Job } from './jobs';
import { previewMask, prunePreview } from './prunePreview';
import type { EngineSession } from './session';

/** Default prune settings (VTP scores, folded, no rounding, no overrides). */
export const PRUNE_SETTINGS_DEFAULTS: PruneSettings = { rate: 0, criterion: 'vtp', fold: true, roundTo: 1, blockRates: {} };

/** The VTP scores of the session, or all ones when none were trained. */
export function vtpScores(session: EngineSession): ScoreSet {
  return session.scores ?? onesScores(session.requireModel().config);
}

/** The scores that rank dims for `criterion`. */
export function rankingScores(session: EngineSession, criterion: PruneSettings['criterion']): ScoreSet {
  return criterion === 'magnitude' ? session.magnitudeScores() : vtpScores(session);
}

/** Gate values of the hard-masked model for `settings`. */
export function maskedGates(session: EngineSession, settings: PruneSettings): ScoreSet {
  const cfg = session.requireModel().config;
  const mask = previewMask(cfg, rankingScores(session, settings.criterion), settings);
  const fold = settings.fold && settings.criterion === 'vtp';
  return maskedGateValues(mask.keep, fold ? vtpScores(session) : null);
}

/** Gate tensors [len] for every block (the caller disposes them with disposeGateTensors). */
function gateTensors(values: ScoreSet): BlockGates[] {
  return values.blocks.map((b) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.tensor1d(b[g])])) as BlockGates);
}

function disposeGateTensors(gates: BlockGates[]): void {
  for (const g of gates) for (const name of GATE_NAMES) g[name]?.dispose();
}

/** Accuracy of the hard-masked model on the first `limit` validation images; cancelled = stopped by `signal`. */
export async function maskedAccuracy(session: EngineSession, settings: PruneSettings, limit: number, signal?: AbortSignal):
  Promise<{ accuracy: number; n: number; cancelled: boolean }> {
  const data = session.requireData();
  const values = maskedGates(session, settings);
  const params = session.params();
  const gates = gateTensors(values);
  try {
    const r = await evaluateAccuracy(params, data.val, session.normalisation(), { limit, gates, signal });
    return { accuracy: r.top1, n: r.n, cancelled: r.cancelled };
  } finally {
    disposeGateTensors(gates);
  }
}

/** Options of a sweep: validation images per point and the settings other than rate and criterion. */
export interface SweepOptions { limit: number; base: Partial<PruneSettings> }

/** Masked accuracy and costs at every rate for both criteria; stops early (returning what it has) when cancelled. */
export async function sweep(session: EngineSession, job: Job, rates: number[], onPoint: (p: SweepPoint) => void,
  options: SweepOptions): Promise<SweepPoint[]> {
  const cfg = session.requireModel().config;
  const points: SweepPoint[] = [];
  for (const criterion of ['vtp', 'magnitude'] as const) {
    for (const rate of rates) {
      await job.gate.wait();
      if (job.cancelled) return points;
      const settings: PruneSettings = { ...PRUNE_SETTINGS_DEFAULTS, ...options.base, rate, criterion };
      const r = await maskedAccuracy(session, settings, options.limit, job.signal);
      if (r.cancelled) return points;
      const cost = prunePreview(cfg, rankingScores(session, criterion), settings);
      const point = { criterion, rate, accuracy: r.accuracy, macsSaved: cost.macsSaved, paramsSaved: cost.paramsSaved };
      points.push(point);
      try { void Promise.resolve(onPoint(point)).catch(() => {}); } catch { /* page gone */ }
    }
  }
  return points;
}
