import { describe, expect, it } from 'vitest';
import { accuracyEvidence, accuracyFigure, wilsonInterval, Z95 } from '../../src/data/wilsonInterval';

describe('wilsonInterval', () => {
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
