import { describe, expect, it } from 'vitest';
import { wilsonHalfWidthPoints, wilsonInterval, Z95 } from '../../src/prune/wilson';

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
  it.each([[74, 100], [20, 25], [0, 10], [10, 10], [812, 1000], [1, 3]])('matches the score-test bounds for %i of %i', (correct, n) => {
    const { low, high } = wilsonInterval(correct, n);
    expect(low).toBeCloseTo(scoreBound(correct, n, 'low'), 9);
    expect(high).toBeCloseTo(scoreBound(correct, n, 'high'), 9);
    expect(low).toBeLessThanOrEqual(correct / n);
    expect(high).toBeGreaterThanOrEqual(correct / n);
  });

  it('is [0, 1] without images and narrows as images arrive', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(wilsonHalfWidthPoints(0.74, 25)).toBeGreaterThan(wilsonHalfWidthPoints(0.74, 100));
    expect(wilsonHalfWidthPoints(0.74, 100)).toBeGreaterThan(wilsonHalfWidthPoints(0.74, 1000));
  });
});
