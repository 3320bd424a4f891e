/** Confidence of an accuracy measured on n images: the Wilson score interval (pure, no tfjs). */

/** z of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** The 95% Wilson interval [low, high] (fractions in [0, 1]) of `accuracy` (fraction) measured on `n` images; [0, 1] for n = 0. */
export function wilsonInterval(accuracy: number, n: number, z = Z95): [number, number] {
  if (!(n > 0) || !Number.isFinite(accuracy)) return [0, 1];
  const p = Math.min(1, Math.max(0, accuracy));
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, Math.min(p, centre - half)), Math.min(1, Math.max(p, centre + half))]; // p inside despite rounding
}

/** Half the width of the 95% Wilson interval of `accuracy` (fraction) on `n` images, in percentage points (for "74% ± 3"). */
export function wilsonHalfWidthPoints(accuracy: number, n: number): number {
  const [low, high] = wilsonInterval(accuracy, n);
  return ((high - low) / 2) * 100;
}

/** An accuracy with the images it rests on and its 95% interval, as reports carry it. */
export interface AccuracyFigure { accuracy: number; images: number; ci95: [number, number] }

/** The AccuracyFigure of `accuracy` (fraction) on `n` images; null when either is missing or accuracy is NaN (no labels). */
export function accuracyFigure(accuracy: number | null | undefined, n: number | null | undefined): AccuracyFigure | null {
  if (accuracy === null || accuracy === undefined || Number.isNaN(accuracy) || n === null || n === undefined) return null;
  return { accuracy, images: n, ci95: wilsonInterval(accuracy, n) };
}

/** "95% CI 69.6–75.0%": the 95% interval of `accuracy` (fraction) on `n` images, in percent with one decimal. */
export function intervalText(accuracy: number, n: number): string {
  const [lo, hi] = wilsonInterval(accuracy, n);
  return `95% CI ${(100 * lo).toFixed(1)}–${(100 * hi).toFixed(1)}%`;
}

/** "1,000 images, 95% CI 69.6–75.0%" for `accuracy` (fraction) on `n` images (`noun` replaces "images"). */
export function accuracyEvidence(accuracy: number, n: number, noun = 'images'): string {
  return `${n.toLocaleString('en-US')} ${noun}, ${intervalText(accuracy, n)}`;
}
