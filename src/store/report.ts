/** The pruning report that goes into the export (report.json "pruning"): settings, per-layer dims, costs, accuracies. */
import type { Studio } from './storeContext';
import type { HeadOrigin } from '../model/vitConfig';
import { hasAccuracy } from './agreementText';

/** The report of the current session, JSON-serialisable. */
export function pruningReport(s: Studio): object {
  const model = s.model;
  const preview = s.preview;
  const settings = s.prunedWith ?? s.prune;
  const lastTrain = s.trainHistory.length > 0 ? s.trainHistory[s.trainHistory.length - 1] : null;
  return {
    model: model ? { name: model.name, source: model.source, params: model.params, macs: model.macs, head: headReport(model.config.headOrigin) } : null,
    settings,
    scoreTraining: { settings: s.trainSettings, stepsDone: lastTrain?.step ?? 0, finalLoss: lastTrain?.loss ?? null },
    dataset: s.dataset ? {
      name: s.dataset.name, classes: s.dataset.unlabelled ? 0 : s.dataset.classNames.length, labelled: s.dataset.unlabelled !== true,
      train: s.dataset.trainImages ?? sum(s.dataset.trainCounts), validation: s.dataset.valImages ?? sum(s.dataset.valCounts),
    } : null,
    pruned: s.pruned ? { params: s.pruned.params, macs: s.pruned.macs, blocks: s.pruned.config.blocks } : null,
    preview: preview ? { threshold: preview.threshold, paramsSaved: preview.paramsSaved, macsSaved: preview.macsSaved, blocks: preview.blocks } : null,
    // Accuracy is null without labels ("no labels"); agreement = top-1 agreement with the unpruned model.
    accuracy: {
      baseline: orNull(s.baselineAccuracy),
      masked: orNull(s.maskedAccuracy?.accuracy),
      pruned: orNull(s.prunedAccuracy),
      finetuned: orNull(s.finetuneAccuracy),
      validationImages: s.maskedAccuracy?.n ?? null,
    },
    agreement: {
      masked: s.maskedAccuracy?.agreement ?? null,
      pruned: s.prunedAgreement,
      finetuned: s.finetuneAgreement,
    },
    finetuneDistill: s.finetuneDistill || s.dataset?.unlabelled === true,
    sweep: s.sweep,
    backend: s.backend?.backend ?? null,
  };
}

/** An accuracy for JSON: null when absent or NaN (no labels). */
function orNull(accuracy: number | null | undefined): number | null {
  return hasAccuracy(accuracy) ? accuracy : null;
}

/** "The head is new" in the report: where it was fitted and its validation accuracy; null for the checkpoint's own head. */
function headReport(origin: HeadOrigin | null | undefined): object | null {
  if (!origin) return null;
  return { source: 'new', note: 'a new linear head fitted on frozen features', fittedOn: origin.fittedOn,
    trainImages: origin.trainImages, valImages: origin.valImages, valAccuracy: origin.valAccuracy };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
