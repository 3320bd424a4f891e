/** How accuracy and agreement read in the studio: "no labels" where a dataset has none (NaN, or null once persisted). */

/** True when an accuracy figure exists (not null, not NaN: unlabelled data has none). */
export function hasAccuracy(accuracy: number | null | undefined): accuracy is number {
  return accuracy !== null && accuracy !== undefined && !Number.isNaN(accuracy);
}

/** "88.1%" or "no labels". */
export function accuracyText(accuracy: number | null | undefined): string {
  return hasAccuracy(accuracy) ? `${(100 * accuracy).toFixed(1)}%` : 'no labels';
}

/** "accuracy 88.1%, agreement 97.4%"; "accuracy: no labels, agreement 97.4%"; without agreement just the accuracy. */
export function figuresLine(accuracy: number | null | undefined, agreement: number | null | undefined): string {
  const acc = hasAccuracy(accuracy) ? `accuracy ${accuracyText(accuracy)}` : 'accuracy: no labels';
  return agreement === null || agreement === undefined ? acc : `${acc}, agreement ${(100 * agreement).toFixed(1)}%`;
}
