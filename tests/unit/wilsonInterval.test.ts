import { describe, expect, it } from 'vitest';
import { accuracyEvidence, accuracyFigure, wilsonHalfWidthPoints, wilsonInterval, Z95 } from '../../src/data/wilsonInterval';

/** The Wilson bounds solve (p̂ - p)² = z² p (1 - p) / n: found here by bisection, independently of the closed form. */
function scoreBound(correct: number, n: number, side: 'low' | 'high'): number {
  const phat = correct / n;
  const f = (p: number) => (phat - p) ** 2 - (Z95 ** 2 * p * (1 - p)) / n;
  let [a, b] = side === 'low' ? [0, phat] : [phat, 1];
  if (f(side === 'low' ? a : b) <= 0) return side === 'low' ? 0 : 1;
  for (let i = 0; i < 200; i++) {
    const mid = (a + b) / 2;
    const outside = f(mid) > 0;
    if (side === 'low') { if (outside) a = mid; else b = mid; } else if (outside) b = mid; else a = mid;
  }
  return (a + b) / 2;
}

describe('wilsonInterval', () => {
  it.each([[74, 100], [20, 25], [0, 10], [10, 10], [812, 1000], [1, 3]])('matches the score-test bounds found by bisection for %i of %i', (correct, n) => {
    const [low, high] = wilsonInterval(correct / n, n);
    expect(low).toBeCloseTo(scoreBound(correct, n, 'low'), 9);
    expect(high).toBeCloseTo(scoreBound(correct, n, 'high'), 9);
    expect(low).toBeLessThanOrEqual(correct / n);
    expect(high).toBeGreaterThanOrEqual(correct / n);
  });

  it('narrows as images arrive (half width in points)', () => {
    expect(wilsonHalfWidthPoints(0.74, 25)).toBeGreaterThan(wilsonHalfWidthPoints(0.74, 100));
    expect(wilsonHalfWidthPoints(0.74, 100)).toBeGreaterThan(wilsonHalfWidthPoints(0.74, 1000));
    expect(wilsonHalfWidthPoints(0.5, 0)).toBe(50);
  });

  it('bounds solve the Wilson score equation (p̂ − p)² = z² p (1 − p) / n', () => {
    for (const [acc, n] of [[0.5, 100], [0.9, 1000], [0.184, 1000], [0.03, 64], [0.75, 4]] as const) {
      const [lo, hi] = wilsonInterval(acc, n);
      expect(lo).toBeLessThan(acc);
      expect(hi).toBeGreaterThan(acc);
      for (const p of [lo, hi]) expect((acc - p) ** 2).toBeCloseTo((Z95 ** 2 * p * (1 - p)) / n, 12);
    }
  });

  it('stays inside [0, 1] at 0% and 100%, and is [0, 1] without images', () => {
    expect(wilsonInterval(0, 50)[0]).toBe(0);
    expect(wilsonInterval(1, 50)[1]).toBe(1);
    expect(wilsonInterval(1, 50)[0]).toBeCloseTo(50 / (50 + Z95 ** 2), 12); // closed form at p̂ = 1
    expect(wilsonInterval(0.5, 0)).toEqual([0, 1]);
  });

  it('formats the evidence of a figure', () => {
    expect(accuracyEvidence(0.5, 100)).toBe('100 images, 95% CI 40.4–59.6%');
    expect(accuracyFigure(0.5, 100)).toEqual({ accuracy: 0.5, images: 100, ci95: wilsonInterval(0.5, 100) });
    expect(accuracyFigure(null, 100)).toBeNull();
  });
});
