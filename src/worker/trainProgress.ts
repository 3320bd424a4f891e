/** TrainProgress events from the training loops' per-step info. */
import { GATE_NAMES, type GateName } from '../model/gateLayout';
import type { VitConfig } from '../model/vitConfig';
import { scoreLayout } from '../train/flatScores';
import type { ScoreStepInfo } from '../train/scoreTraining';
import type { TrainProgress } from './engineApi';

/** Number of gated dims per gate kind over all blocks. */
export function gateCounts(cfg: VitConfig): Record<GateName, number> {
  const counts = Object.fromEntries(GATE_NAMES.map((g) => [g, 0])) as Record<GateName, number>;
  for (const slot of scoreLayout(cfg).slots) counts[slot.gate] += slot.length;
  return counts;
}

/** Fraction of all scores near zero, from the per-gate-kind fractions weighted by their sizes. */
export function overallNearZero(stats: ScoreStepInfo['scoreStats'], counts: Record<GateName, number>): number {
  let near = 0;
  let total = 0;
  for (const g of GATE_NAMES) {
    near += stats[g].nearZero * counts[g];
    total += counts[g];
  }
  return total > 0 ? near / total : 0;
}

/** Where a step sits in the whole run. */
export interface RunPosition { step: number; steps: number; elapsedMs: number; images: number }

/** The TrainProgress of a score-training step at `pos`. */
export function scoreProgress(info: ScoreStepInfo, pos: RunPosition, counts: Record<GateName, number>): TrainProgress {
  return {
    step: pos.step,
    steps: pos.steps,
    loss: info.loss,
    ce: info.ce,
    l1: info.l1,
    accuracy: info.accuracy,
    nearZero: overallNearZero(info.scoreStats, counts),
    imagesPerSecond: pos.elapsedMs > 0 ? (pos.images * 1000) / pos.elapsedMs : 0,
    elapsedMs: pos.elapsedMs,
    gateStats: info.scoreStats,
  };
}

/** Empty per-gate statistics (finetuning has no gates). */
export function noGateStats(): TrainProgress['gateStats'] {
  return Object.fromEntries(GATE_NAMES.map((g) => [g, { mean: 0, nearZero: 0, max: 0 }])) as TrainProgress['gateStats'];
}
