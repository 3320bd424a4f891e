/** The Wilson score interval of a proportion: an honest range for an accuracy measured on few images. */

/** Normal quantile of a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/** Wilson interval [low, high] (fractions 0..1) of `correct` hits in `n` trials at quantile `z`; [0, 1] when n = 0. */
export function wilsonInterval(correct: number, n: number, z = Z95): { low: number; high: number } {
  if (!(n > 0)) return { low: 0, high: 1 };
  const p = Math.min(1, Math.max(0, correct / n));
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, Math.min(p, centre - half)), high: Math.min(1, Math.max(p, centre + half)) }; // p inside despite rounding
}

/** Half the width of the 95% Wilson interval, in percentage points (for "74% ± 3"). */
export function wilsonHalfWidthPoints(accuracy: number, n: number): number {
  const { low, high } = wilsonInterval(accuracy * n, n);
  return ((high - low) / 2) * 100;
}
