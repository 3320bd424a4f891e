/**
 * The prune preview on the main thread, synchronously on every slider move: kept dims, threshold and
 * costs from the scores and the config (tfjs-free modules only), so cost figures update within a frame.
 */
import { effectiveCriterion } from '../prune/rankingCriterion';
import type { ScoreSet } from '../prune/scoreSet';
import type { ModelInfo, PrunePreview, PruneSettings, ScoreSnapshot } from '../worker/engineApi';
import { prunePreview } from '../prune/prunePreview';

/** The scores ranking dims for the settings' criterion (VTP scores; weight magnitude before they are trained). */
export function rankingFor(model: ModelInfo, scores: ScoreSnapshot | null, criterion: PruneSettings['criterion']): ScoreSet | null {
  if (effectiveCriterion(criterion, scores !== null) === 'magnitude') return model.magnitude ?? null;
  return scores;
}

/** The preview of pruning `model` with `settings`, or null when it cannot be computed (no model, bad scores). */
export function computePreview(model: ModelInfo | null, scores: ScoreSnapshot | null, settings: PruneSettings): PrunePreview | null {
  if (!model) return null;
  const ranking = rankingFor(model, scores, settings.criterion);
  if (!ranking) return null;
  try {
    return prunePreview(model.config, ranking, settings);
  } catch {
    return null;
  }
}
