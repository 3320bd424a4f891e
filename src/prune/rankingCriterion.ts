/**
 * Which ranking a prune actually uses. VTP scores rank dims only once they are trained; before that every
 * score is 1 and a sort would remove dims in index order, which is no ranking at all. So without trained
 * scores the VTP criterion falls back to weight magnitude, and every figure made that way says so.
 */
import type { PruneCriterion } from './pruneModel';

/** Label shown wherever the fallback applies (slider, sweep, pruned-model warnings, report). */
export const MAGNITUDE_FALLBACK_NOTE = 'no trained scores yet: dims ranked by weight magnitude';

/** The criterion that ranks dims: `criterion`, except 'vtp' without trained scores ranks by 'magnitude'. */
export function effectiveCriterion(criterion: PruneCriterion, hasScores: boolean): PruneCriterion {
  return criterion === 'vtp' && !hasScores ? 'magnitude' : criterion;
}

/** True when the VTP criterion was asked for but weight magnitude ranks (no trained scores). */
export function isMagnitudeFallback(criterion: PruneCriterion, hasScores: boolean): boolean {
  return criterion !== effectiveCriterion(criterion, hasScores);
}
