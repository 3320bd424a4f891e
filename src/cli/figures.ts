/** Accuracy and agreement as printed by the CLI: "accuracy 88.10%, agreement 97.40%"; "no labels" when accuracy is NaN/null. */
export function figuresText(accuracy: number | null, agreement: number | null, reference = 'the unpruned model'): string {
  const acc = accuracy === null || Number.isNaN(accuracy) ? 'accuracy: no labels' : `accuracy ${(100 * accuracy).toFixed(2)}%`;
  return agreement === null ? acc : `${acc}, agreement with ${reference} ${(100 * agreement).toFixed(2)}%`;
}

/** A JSON-safe accuracy: null for NaN (no labels). */
export function jsonAccuracy(accuracy: number): number | null {
  return Number.isNaN(accuracy) ? null : accuracy;
}
