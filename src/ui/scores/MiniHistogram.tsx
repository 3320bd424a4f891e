import { memo, type ReactElement } from 'react';
import type { Histogram } from '../common/histogram';

const W = 120;
const H = 40;

/** A small SVG histogram of |a| (bin counts) with the threshold drawn as a vertical line. */
export const MiniHistogram = memo(function MiniHistogram(props: { hist: Histogram; threshold: number | null }): ReactElement {
  const { hist, threshold } = props;
  const bins = hist.counts.length;
  const bw = W / bins;
  const tx = threshold === null ? null : Math.min(W, (threshold / hist.max) * W);
  // Two paths (kept and removed bars) instead of one element per bar: an update is two attributes.
  let kept = '';
  let removed = '';
  hist.counts.forEach((c, i) => {
    if (c === 0) return;
    const h = Math.max(1.5, (c / Math.max(1, hist.peak)) * (H - 2));
    const bar = `M${(i * bw + 0.3).toFixed(2)} ${H}v${(-h).toFixed(2)}h${(bw - 0.6).toFixed(2)}v${h.toFixed(2)}z`;
    if (tx !== null && (i + 1) * bw <= tx + 1e-9) removed += bar;
    else kept += bar;
  });
  return (
    <svg className="mini-hist" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <path d={kept} className="bar-kept" />
      <path d={removed} className="bar-removed" />
      {tx !== null ? <line x1={tx} x2={tx} y1={0} y2={H} className="threshold-line" /> : null}
    </svg>
  );
});
