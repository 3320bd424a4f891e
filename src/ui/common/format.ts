/** Number formatting shared by the panels (pure functions, no React). */

/** 1234567 -> "1.23M", 45600 -> "45.6k", 12 -> "12". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${trim(n / 1e9)}G`;
  if (abs >= 1e6) return `${trim(n / 1e6)}M`;
  if (abs >= 1e3) return `${trim(n / 1e3)}k`;
  return String(Math.round(n));
}

/** Three significant digits without trailing zeros. */
function trim(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

/** 0.2301 -> "23.0%"; digits after the point configurable. */
export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '–';
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Milliseconds -> "4 s", "2 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** A value given either as a fraction (0..1) or as an absolute saving relative to `total`, as a fraction. */
export function savedFraction(value: number, total: number): number {
  if (!Number.isFinite(value) || !(total > 0)) return NaN;
  return Math.abs(value) <= 1 ? value : value / total;
}
