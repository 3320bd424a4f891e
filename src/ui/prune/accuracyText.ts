/** Words for the slider's accuracy figure: its 95% interval, how many images it rests on, and where it came from. */
import { wilsonHalfWidthPoints } from '../../prune/wilson';
import type { MaskedAccuracy } from '../../worker/engineApi';

/** "± 3" (percentage points, 95% Wilson interval) of an accuracy on n images. */
export function intervalText(accuracy: number, n: number): string {
  const half = wilsonHalfWidthPoints(accuracy, n);
  return `± ${half < 1 ? half.toFixed(1) : Math.round(half)}`;
}

/** "± 3 (95%), masked model, 25 of 1,000 validation images…", or the grid's "from the grid at 40%, …". */
export function accuracyDetailText(masked: MaskedAccuracy, baselineText: string): string {
  const count = (v: number) => v.toLocaleString('en-US');
  const interval = `${intervalText(masked.accuracy, masked.n)} (95%)`;
  if (masked.gridRate !== undefined) {
    return `${interval}, from the grid at ${Math.round(masked.gridRate * 100)}% (${count(masked.n)} validation images)${baselineText}`;
  }
  if (masked.partial) return `${interval}, masked model, ${count(masked.n)} of ${count(masked.total)} validation images…`;
  return `${interval}, masked model, ${count(masked.n)} validation images${baselineText}`;
}
