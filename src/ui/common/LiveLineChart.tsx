import { memo, useMemo, useState, type ReactElement } from 'react';
import { linear, niceDomain, niceTicks } from './scale';
import { useElementWidth } from './useElementWidth';

export interface LineSeries {
  key: string;
  name: string;
  /** CSS color (a custom property such as var(--series-1) works). */
  color: string;
}

const PAD = { top: 8, right: 12, bottom: 22, left: 44 };

/**
 * A small line chart drawn as plain SVG: one <path> per series, a few ticks, a hover readout. Built
 * for data that changes several times a second (training curves): a redraw is a handful of elements,
 * with no layout measuring, so it never holds the main thread.
 */
export const LiveLineChart = memo(function LiveLineChart(props: {
  data: readonly Record<string, number>[];
  xKey: string;
  series: LineSeries[];
  height: number;
  /** Fixed x domain (e.g. [0, planned steps]); default: the data's range. */
  xDomain?: [number, number];
  /** Fixed y domain; default: the data's range with round ends. */
  yDomain?: [number, number];
  yFormat?: (v: number) => string;
  xLabel?: string;
  /** Accessible summary of the chart. */
  label: string;
}): ReactElement {
  const { data, xKey, series, height } = props;
  const [ref, width] = useElementWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const fmt = props.yFormat ?? ((v: number) => String(Number(v.toPrecision(3))));

  const geometry = useMemo(() => {
    const xs = data.map((d) => d[xKey]);
    const xDomain = props.xDomain ?? ([Math.min(...xs, 0), Math.max(...xs, 1)] as [number, number]);
    const yDomain = props.yDomain ?? niceDomain(data.flatMap((d) => series.map((s) => d[s.key])), [0]);
    const w = Math.max(40, width);
    const x = linear(xDomain[0], xDomain[1], PAD.left, w - PAD.right);
    const y = linear(yDomain[0], yDomain[1], height - PAD.bottom, PAD.top);
    const paths = series.map((s) => {
      let d = '';
      data.forEach((row, i) => {
        const v = row[s.key];
        if (!Number.isFinite(v)) return;
        d += `${i === 0 || d === '' ? 'M' : 'L'}${x(row[xKey]).toFixed(1)},${y(v).toFixed(1)}`;
      });
      return d;
    });
    const xTicks = niceTicks(xDomain[0], xDomain[1], Math.max(2, Math.floor(w / 70))).filter((t) => Number.isInteger(t) || xDomain[1] - xDomain[0] < 5);
    return { x, y, w, paths, xTicks, yTicks: niceTicks(yDomain[0], yDomain[1], 4) };
  }, [data, xKey, series, height, width, props.xDomain, props.yDomain]);

  const { x, y, w, paths, xTicks, yTicks } = geometry;
  const row = hover !== null ? data[hover] : data[data.length - 1];

  const onMove = (clientX: number, rect: DOMRect): void => {
    if (data.length === 0) return;
    const px = clientX - rect.left;
    let best = 0;
    let bestD = Infinity;
    for (let i = 0; i < data.length; i++) {
      const dd = Math.abs(x(data[i][xKey]) - px);
      if (dd < bestD) { bestD = dd; best = i; }
    }
    setHover(best);
  };

  return (
    <div className="live-chart" ref={ref}>
      {width > 0 ? (
        <svg
          width={w}
          height={height}
          role="img"
          aria-label={props.label}
          onMouseMove={(e) => onMove(e.clientX, e.currentTarget.getBoundingClientRect())}
          onMouseLeave={() => setHover(null)}
        >
          {yTicks.map((t) => (
            <g key={`y${t}`}>
              <line x1={PAD.left} x2={w - PAD.right} y1={y(t)} y2={y(t)} className="grid-line" />
              <text x={PAD.left - 6} y={y(t)} className="tick" textAnchor="end" dominantBaseline="middle">{fmt(t)}</text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} x={x(t)} y={height - 6} className="tick" textAnchor="middle">{t}</text>
          ))}
          <line x1={PAD.left} x2={w - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} className="axis-line" />
          {series.map((s, i) => (
            <path key={s.key} d={paths[i]} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" />
          ))}
          {row && hover !== null ? (
            <g>
              <line x1={x(row[xKey])} x2={x(row[xKey])} y1={PAD.top} y2={height - PAD.bottom} className="hover-line" />
              {series.map((s) => Number.isFinite(row[s.key]) ? (
                <circle key={s.key} cx={x(row[xKey])} cy={y(row[s.key])} r={3.5} fill={s.color} />
              ) : null)}
            </g>
          ) : null}
        </svg>
      ) : null}
      <div className="chart-readout" aria-hidden="true">
        {row ? (
          <>
            <span className="muted">{props.xLabel ?? xKey} {row[xKey]}</span>
            {series.map((s) => (
              <span key={s.key}>
                <span className="swatch" style={{ background: s.color }} /> {s.name} {Number.isFinite(row[s.key]) ? fmt(row[s.key]) : '–'}
              </span>
            ))}
          </>
        ) : null}
      </div>
    </div>
  );
});
