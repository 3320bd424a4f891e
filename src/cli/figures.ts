import { accuracyEvidence, intervalText } from '../data/wilsonInterval';

/**
 * Accuracy and agreement on `n` images as the CLI prints them, each with its 95% Wilson interval:
 * "accuracy 88.10% on 1,000 images, 95% CI 86.0–89.9%, agreement with REF 97.40% (95% CI 96.2–98.2%)";
 * "accuracy: no labels, agreement with REF 97.40% on 1,000 images, 95% CI ..." when accuracy is NaN/null.
 * `top5` (e.g. ", top-5 99.10%") is put right after the accuracy.
 */
export function figuresText(accuracy: number | null, n: number, agreement: number | null, reference = 'the unpruned model', top5 = ''): string {
  const agree = agreement === null ? '' : `, agreement with ${reference} ${(100 * agreement).toFixed(2)}%`;
  if (accuracy === null || Number.isNaN(accuracy)) {
    return agreement === null ? `accuracy: no labels (${n.toLocaleString('en-US')} images)` : `accuracy: no labels${agree} on ${accuracyEvidence(agreement, n)}`;
  }
  const agreeCi = agreement === null ? '' : ` (${intervalText(agreement, n)})`;
  return `accuracy ${(100 * accuracy).toFixed(2)}%${top5} on ${accuracyEvidence(accuracy, n)}${agree}${agreeCi}`;
}

/** A JSON-safe accuracy: null for NaN (no labels). */
export function jsonAccuracy(accuracy: number): number | null {
  return Number.isNaN(accuracy) ? null : accuracy;
}
