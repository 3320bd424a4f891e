/**
 * The pruning report that goes into the export (report.json "pruning"). It describes the slim model in
 * the file: its own settings, ranking, scores fingerprint, kept dims and costs, finetuning and accuracies
 * (each with the images it rests on and a 95% Wilson interval), and why it differs from the session's
 * current settings when it does — never the slider's figures for another model.
 */
import { accuracyFigure, wilsonInterval } from '../data/wilsonInterval';
import { samePruneSettings } from './preview';
import { scoresFingerprint, slimStaleReasons } from './slimProvenance';
import type { StudioState } from './studioState';

/** What the report says for an accuracy that was not measured before the download (the download never waits for one). */
export const NOT_MEASURED = 'not measured';

/** The report of the slim model of the session, JSON-serialisable. */
export function pruningReport(s: StudioState): object {
  const model = s.model;
  const from = s.prunedFrom;
  const settings = s.prunedWith ?? s.prune;
  const stale = slimStaleReasons(s);
  const lastTrain = s.trainHistory.length > 0 ? s.trainHistory[s.trainHistory.length - 1] : null;
  const sameScores = from !== null && scoresFingerprint(s.scores)?.hash === from.scores?.hash;
  const masked = s.maskedAccuracy && !s.maskedAccuracy.partial && samePruneSettings(s.maskedAccuracy.settings, settings) && stale.length === 0
    ? s.maskedAccuracy : null;
  const finetuned = (from?.finetuneSteps ?? 0) > 0;
  return {
    model: model ? { name: model.name, source: model.source, params: model.params, macs: model.macs } : null,
    settings,
    rankedBy: from?.criterion ?? settings.criterion,
    provenance: from ? {
      scores: from.scores, weightsVersion: from.weightsVersion, finetuneSteps: from.finetuneSteps,
      staleReasons: stale,
    } : null,
    scoreTraining: sameScores
      ? { settings: s.trainSettings, stepsDone: lastTrain?.step ?? 0, finalLoss: lastTrain?.loss ?? null }
      : { scores: from?.scores ?? null, note: 'the scores were replaced after this model was cut; their training run is not the current one' },
    dataset: s.dataset ? { name: s.dataset.name, classes: s.dataset.classNames.length, train: sum(s.dataset.trainCounts), validation: sum(s.dataset.valCounts) } : null,
    pruned: s.pruned ? { params: s.pruned.params, macs: s.pruned.macs, blocks: s.pruned.config.blocks, finetuned, warnings: s.pruned.warnings } : null,
    preview: from?.preview ? {
      threshold: from.preview.threshold, paramsSaved: from.preview.paramsSaved, macsSaved: from.preview.macsSaved, blocks: from.preview.blocks,
    } : null,
    accuracy: {
      baseline: accuracyFigure(s.baselineAccuracy, s.accuracyImages) ?? NOT_MEASURED,
      masked: masked ? accuracyFigure(masked.accuracy, masked.n) : NOT_MEASURED,
      pruned: accuracyFigure(s.prunedAccuracy, s.accuracyImages) ?? NOT_MEASURED,
      finetuned: finetuned ? accuracyFigure(s.finetuneAccuracy, s.accuracyImages) ?? NOT_MEASURED : null, // null: not finetuned
    },
    sweep: s.sweep.map((p) => ({ ...p, ci95: wilsonInterval(p.accuracy, p.n) })),
    backend: s.backend?.backend ?? null,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
