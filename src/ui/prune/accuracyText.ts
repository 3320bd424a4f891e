/** Words for the slider's accuracy figure: its 95% interval, how many images it rests on, and where it came from. */
import { accuracyEvidence, wilsonHalfWidthPoints } from '../../data/wilsonInterval';
import type { MaskedAccuracy } from '../../worker/engineApi';

/** "± 3" (percentage points, 95% Wilson interval) of an accuracy (fraction) on n images. */
function halfWidthText(accuracy: number, n: number): string {
  const half = wilsonHalfWidthPoints(accuracy, n);
  return `± ${half < 1 ? half.toFixed(1) : Math.round(half)}`;
}

/**
 * "± 3 (95%), masked model, 25 of 1,000 validation images (stratified)…" while partial, then
 * "± 3 (95%), masked model, 1,000 validation images, 95% CI 69.6–75.0%", or the grid's "from the grid at 40% (…)".
 */
export function accuracyDetailText(masked: MaskedAccuracy, baselineText: string): string {
  const count = (v: number) => v.toLocaleString('en-US');
  const interval = `${halfWidthText(masked.accuracy, masked.n)} (95%)`;
  const evidence = accuracyEvidence(masked.accuracy, masked.n, 'validation images');
  if (masked.gridRate !== undefined) {
    return `${interval}, from the grid at ${Math.round(masked.gridRate * 100)}% (${evidence})${baselineText}`;
  }
  if (masked.partial) return `${interval}, masked model, ${count(masked.n)} of ${count(masked.total)} validation images (stratified)…`;
  return `${interval}, masked model, ${evidence}${baselineText}`;
}
