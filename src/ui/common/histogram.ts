/** Cheap histograms of |scores| for the charts: bin counts, never raw points. */

/** Counts of |values| in `bins` equal bins over [0, max]; values at or above max land in the last bin. */
export interface Histogram {
  /** Upper edge of the range (the lower edge is 0). */
  max: number;
  counts: Uint32Array;
  /** Largest count, for scaling bars. */
  peak: number;
  total: number;
}

/** Largest |value| over several arrays (at least a tiny positive number). */
export function maxAbs(arrays: Iterable<ArrayLike<number>>): number {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (v > m) m = v;
    }
  }
  return m > 0 ? m : 1e-6;
}

/** Histogram of |values| with `bins` bins over [0, max]. */
export function absHistogram(values: ArrayLike<number>, bins: number, max: number): Histogram {
  const counts = new Uint32Array(bins);
  const scale = bins / max;
  for (let i = 0; i < values.length; i++) {
    const v = Math.abs(values[i]);
    if (!Number.isFinite(v)) continue;
    const b = Math.min(bins - 1, Math.floor(v * scale));
    counts[b]++;
  }
  let peak = 0;
  for (const c of counts) if (c > peak) peak = c;
  return { max, counts, peak, total: values.length };
}

/** Number of |values| at or below `threshold`. */
export function countAtOrBelow(values: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (Math.abs(values[i]) <= threshold) n++;
  return n;
}

/** The |a| of the last removed dim when the lowest `rate` fraction of `values` is removed (null when none). */
export function rateThreshold(values: ArrayLike<number>[], rate: number): number | null {
  const all: number[] = [];
  for (const a of values) for (let i = 0; i < a.length; i++) all.push(Math.abs(a[i]));
  const count = Math.floor(rate * all.length + 1e-9);
  if (count <= 0) return null;
  all.sort((x, y) => x - y);
  return all[count - 1];
}
