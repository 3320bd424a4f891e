/** Figures next to the prune slider (pure). */
import type { ModelInfo, PrunePreview, PruneSettings } from '../../worker/engineApi';
import { settingsRank, settingsUnit } from '../../prune/pruneSettings';

export interface SavedFigures {
  paramsSaved: number;
  macsSaved: number;
  paramsSavedCount: number;
  macsSavedCount: number;
}

/** Params and MACs saved relative to the loaded model (fractions from the preview, counts from the difference). */
export function savedFigures(model: ModelInfo, preview: PrunePreview): SavedFigures {
  return {
    paramsSaved: preview.paramsSaved,
    macsSaved: preview.macsSaved,
    paramsSavedCount: model.params - preview.params,
    macsSavedCount: model.macs - preview.macs,
  };
}

/** True when two prune settings describe the same decision. */
export function samePrune(a: PruneSettings, b: PruneSettings): boolean {
  if (a.rate !== b.rate || a.criterion !== b.criterion || a.fold !== b.fold || a.roundTo !== b.roundTo) return false;
  if (settingsUnit(a) !== settingsUnit(b) || settingsRank(a) !== settingsRank(b) || (a.heads === true) !== (b.heads === true)) return false;
  if ((a.sublayers === true) !== (b.sublayers === true)) return false;
  const ka = Object.keys(a.blockRates);
  const kb = Object.keys(b.blockRates);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => a.blockRates[Number(k)] === b.blockRates[Number(k)]);
}
