/**
 * The score of a whole sublayer ranked as one unit next to the dims (`--sublayers`), on the scale of a dim's |a|.
 * Without a learned sublayer gate it is the mean |a| of the sublayer's output gate (attn or hidden); with one
 * (score training with sublayerGates) it is chosen by `form`, measured on the demo model (README "Whole sublayers").
 */

/** 'gate': |g|; 'gate-times-mean': |g| × mean |a_out|; 'mean': mean |a_out| (the learned gate ignored). */
export type SublayerScoreForm = 'gate' | 'gate-times-mean' | 'mean';

/**
 * The form used when a score set has learned sublayer gates: |g| alone. On the demo model at 60% of MACs saved it kept the
 * accuracy of plain VTP, where |g| × mean |a_out| and mean |a_out| removed 4–6 MLPs and lost 2 to 71 points (bench/sublayerScoreForms.ts).
 */
export const SUBLAYER_SCORE_FORM: SublayerScoreForm = 'gate';

/** A sublayer unit's score from the mean |a| of its output gate and its learned gate g (undefined = none: the mean). */
export function sublayerUnitScore(meanOut: number, gate: number | undefined, form: SublayerScoreForm = SUBLAYER_SCORE_FORM): number {
  if (gate === undefined || form === 'mean') return meanOut;
  return form === 'gate' ? Math.abs(gate) : Math.abs(gate) * meanOut;
}
