/** The pruning report that goes into the export (report.json "pruning"): settings, per-layer dims, costs, accuracies. */
import type { Studio } from './storeContext';

/** What the report says for an accuracy that was not measured before the download (the download never waits for one). */
export const NOT_MEASURED = 'not measured';

/** The report of the current session, JSON-serialisable. */
export function pruningReport(s: Studio): object {
  const model = s.model;
  const preview = s.preview;
  const settings = s.prunedWith ?? s.prune;
  const lastTrain = s.trainHistory.length > 0 ? s.trainHistory[s.trainHistory.length - 1] : null;
  return {
    model: model ? { name: model.name, source: model.source, params: model.params, macs: model.macs } : null,
    settings,
    scoreTraining: { settings: s.trainSettings, stepsDone: lastTrain?.step ?? 0, finalLoss: lastTrain?.loss ?? null },
    dataset: s.dataset ? { name: s.dataset.name, classes: s.dataset.classNames.length, train: sum(s.dataset.trainCounts), validation: sum(s.dataset.valCounts) } : null,
    pruned: s.pruned ? { params: s.pruned.params, macs: s.pruned.macs, blocks: s.pruned.config.blocks } : null,
    preview: preview ? { threshold: preview.threshold, paramsSaved: preview.paramsSaved, macsSaved: preview.macsSaved, blocks: preview.blocks } : null,
    accuracy: {
      baseline: s.baselineAccuracy ?? NOT_MEASURED,
      masked: s.maskedAccuracy && !s.maskedAccuracy.partial ? s.maskedAccuracy.accuracy : NOT_MEASURED,
      pruned: s.prunedAccuracy ?? NOT_MEASURED,
      finetuned: s.finetuneAccuracy, // null: not finetuned
      validationImages: s.maskedAccuracy?.n ?? null,
    },
    sweep: s.sweep,
    backend: s.backend?.backend ?? null,
  };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
