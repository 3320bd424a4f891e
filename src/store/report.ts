/**
 * The pruning report that goes into the export (report.json "pruning"). It describes the slim model in
 * the file: its own settings, ranking, scores fingerprint, kept dims and costs, finetuning, accuracies and
 * top-1 agreement with the unpruned model (each with the images it rests on and a 95% Wilson interval;
 * accuracy null without labels), and why it differs from the session's current settings when it does —
 * never the slider's figures for another model.
 */
import { accuracyFigure, wilsonInterval } from '../data/wilsonInterval';
import type { HeadOrigin } from '../model/vitConfig';
import { hasAccuracy } from './agreementText';
import { distillsScores, finetuneDistills } from './classMapState';
import { samePruneSettings } from '../prune/pruneSettings';
import { scoresFingerprint, slimStaleReasons } from './slimProvenance';
import type { StudioState } from './studioState';
import { currentSlimSpeed } from './slimSpeedFigures';
import type { SlimSpeedInfo } from '../worker/engineApi';

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
    model: model ? { name: model.name, source: model.source, params: model.params, macs: model.macs, head: headReport(model.config.headOrigin) } : null,
    settings,
    rankedBy: from?.criterion ?? settings.criterion,
    provenance: from ? {
      scores: from.scores, weightsVersion: from.weightsVersion, finetuneSteps: from.finetuneSteps,
      staleReasons: stale,
    } : null,
    scoreTraining: sameScores
      ? { settings: s.trainSettings, target: distillsScores(s) ? 'distillation' : 'labels', stepsDone: lastTrain?.step ?? 0, finalLoss: lastTrain?.loss ?? null }
      : { scores: from?.scores ?? null, note: 'the scores were replaced after this model was cut; their training run is not the current one' },
    labelMode: s.labelMode,
    dataset: s.dataset ? {
      name: s.dataset.name, classes: s.dataset.unlabelled ? 0 : s.dataset.classNames.length, labelled: s.dataset.unlabelled !== true,
      train: s.dataset.trainImages ?? sum(s.dataset.trainCounts), validation: s.dataset.valImages ?? sum(s.dataset.valCounts),
    } : null,
    pruned: s.pruned ? { params: s.pruned.params, macs: s.pruned.macs, blocks: s.pruned.config.blocks, finetuned, warnings: s.pruned.warnings } : null,
    preview: from?.preview ? {
      threshold: from.preview.threshold, paramsSaved: from.preview.paramsSaved, macsSaved: from.preview.macsSaved, blocks: from.preview.blocks,
    } : null,
    // Accuracy is null without labels ("no labels"); agreement = top-1 agreement with the unpruned model.
    accuracy: {
      baseline: accuracyFigure(s.baselineAccuracy, s.accuracyImages) ?? NOT_MEASURED,
      masked: masked ? accuracyFigure(masked.accuracy, masked.n) : NOT_MEASURED,
      pruned: accuracyFigure(s.prunedAccuracy, s.accuracyImages) ?? NOT_MEASURED,
      finetuned: finetuned ? accuracyFigure(s.finetuneAccuracy, s.accuracyImages) ?? NOT_MEASURED : null, // null: not finetuned
    },
    agreement: {
      masked: masked ? accuracyFigure(masked.agreement, masked.n) : null,
      pruned: accuracyFigure(s.prunedAgreement, s.accuracyImages),
      finetuned: finetuned ? accuracyFigure(s.finetuneAgreement, s.accuracyImages) : null,
    },
    finetuneDistill: finetuned ? finetuneDistills(s) : null,
    sweep: s.sweep.map((p) => ({
      ...p, accuracy: hasAccuracy(p.accuracy) ? p.accuracy : null, ci95: hasAccuracy(p.accuracy) ? wilsonInterval(p.accuracy, p.n) : null,
      ...(p.agreement !== undefined ? { agreementCi95: wilsonInterval(p.agreement, p.n) } : {}),
    })),
    backend: s.backend?.backend ?? null,
    // "Measure speed": slim against full forward-pass time on the studio's backend, when measured for this slim model.
    speed: speedReport(currentSlimSpeed(s)),
  };
}

/** "The head is new" in the report: where it was fitted and its validation accuracy; null for the checkpoint's own head. */
function headReport(origin: HeadOrigin | null | undefined): object | null {
  if (!origin) return null;
  return { source: 'new', note: 'a new linear head fitted on frozen features', fittedOn: origin.fittedOn,
    trainImages: origin.trainImages, valImages: origin.valImages, valAccuracy: origin.valAccuracy };
}

/** The measured speed in the report, or "not measured". */
function speedReport(info: SlimSpeedInfo | null): object | string {
  if (!info) return NOT_MEASURED;
  return { backend: info.backend, runs: info.runs, macsRatio: info.macsRatio, points: info.points };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
