/** What the UI is told about a model: architecture, costs per block, warnings, magnitude scores. */
import { modelCost } from '../prune/costs';
import type { ScoreSet } from '../prune/scoreSet';
import type { ModelInfo } from './engineApi';
import { toSnapshot } from './scoreSnapshot';
import type { LoadedModel, PrunedState } from './session';

/** ModelInfo of a loaded model, with its magnitude scores when given. */
export function modelInfo(model: LoadedModel | PrunedState, source: ModelInfo['source'], magnitude: ScoreSet | null): ModelInfo {
  const cost = modelCost(model.config);
  return {
    id: model.id,
    name: model.name,
    source,
    config: model.config,
    params: cost.total.params,
    macs: cost.total.macs,
    blocks: cost.blocks.map((b) => ({ params: b.params, macs: b.macs })),
    warnings: [...model.warnings],
    ...(magnitude ? { magnitude: toSnapshot(magnitude) } : {}),
  };
}
