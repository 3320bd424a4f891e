import { memo, useState, type ReactElement } from 'react';
import { linear, niceTicks } from './scale';
import { useElementWidth } from './useElementWidth';

const PAD = { top: 14, right: 12, bottom: 22, left: 40 };

/**
 * A histogram drawn as plain SVG from bin counts over [0, max], with a threshold line (τ) and a hover
 * readout of each bin. Bins at or below the threshold are drawn as removed.
 */
export const LiveHistogram = memo(function LiveHistogram(props: {
  counts: Uint32Array;
  max: number;
  threshold: number | null;
  height: number;
  label: string;
}): ReactElement {
  const { counts, max, threshold, height } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const w = Math.max(60, width);
  const bins = counts.length;
  let peak = 0;
  for (const c of counts) if (c > peak) peak = c;
  const x = linear(0, max, PAD.left, w - PAD.right);
  const y = linear(0, Math.max(1, peak), height - PAD.bottom, PAD.top);
  const bw = (w - PAD.left - PAD.right) / bins;
  const binWidth = max / bins;
  const yTicks = niceTicks(0, Math.max(1, peak), 3).filter((t) => Number.isInteger(t));
  const xTicks = niceTicks(0, max, Math.max(2, Math.floor(w / 80)));
  const tx = threshold === null ? null : x(Math.min(threshold, max));
  // Two paths (kept and removed bars) instead of one element per bar: an update is two attributes.
  const bars = { kept: '', removed: '' };
  counts.forEach((c, i) => {
    if (c === 0) return;
    const top = Math.min(y(c), height - PAD.bottom - 1.5);
    const bar = `M${(PAD.left + i * bw + 0.5).toFixed(1)} ${height - PAD.bottom}V${top.toFixed(1)}h${Math.max(1, bw - 1).toFixed(1)}V${height - PAD.bottom}z`;
    if (threshold !== null && (i + 1) * binWidth <= threshold + 1e-12) bars.removed += bar;
    else bars.kept += bar;
  });
  const hovered = hover === null ? null : { from: hover * binWidth, to: (hover + 1) * binWidth, count: counts[hover] };

  return (
    <div className="live-chart" ref={ref}>
      {width > 0 ? (
        <svg
          width={w}
          height={height}
          role="img"
          aria-label={props.label}
          onMouseMove={(e) => {
            const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
            const i = Math.floor((px - PAD.left) / bw);
            setHover(i >= 0 && i < bins ? i : null);
          }}
          onMouseLeave={() => setHover(null)}
        >
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={PAD.left} x2={w - PAD.right} y1={y(t)} y2={y(t)} className="grid-line" />
              <text x={PAD.left - 6} y={y(t)} className="tick" textAnchor="end" dominantBaseline="middle">{t}</text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} x={x(t)} y={height - 6} className="tick" textAnchor="middle">{Number(t.toPrecision(3))}</text>
          ))}
          <path d={bars.kept} className="bar-kept" />
          <path d={bars.removed} className="bar-removed" />
          {hover !== null && counts[hover] > 0 ? (
            <rect
              x={PAD.left + hover * bw + 0.5}
              y={y(counts[hover])}
              width={Math.max(1, bw - 1)}
              height={Math.max(1.5, height - PAD.bottom - y(counts[hover]))}
              className="bar-hover"
            />
          ) : null}
          <line x1={PAD.left} x2={w - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} className="axis-line" />
          {tx !== null ? (
            <g className="threshold">
              <line x1={tx} x2={tx} y1={PAD.top - 4} y2={height - PAD.bottom} className="threshold-line" />
              <text x={tx} y={PAD.top - 5} textAnchor="middle" className="threshold-label">τ</text>
            </g>
          ) : null}
        </svg>
      ) : null}
      <div className="chart-readout" aria-hidden="true">
        {hovered ? (
          <span>|a| {hovered.from.toFixed(3)} – {hovered.to.toFixed(3)}: <strong>{hovered.count}</strong> dims</span>
        ) : (
          <span className="muted">Hover a bar for its range and count.</span>
        )}
      </div>
    </div>
  );
});
