/** Figures next to the prune slider (pure). */
import type { ModelInfo, PrunePreview } from '../../worker/engineApi';

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
