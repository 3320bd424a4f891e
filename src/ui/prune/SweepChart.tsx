import { memo, useMemo, type ReactElement } from 'react';
import { CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../../store/studioStore';
import type { SweepPoint } from '../../worker/engineApi';
import { formatPercent, savedFraction } from '../common/format';
import { accuracyEvidence } from '../../data/wilsonInterval';

interface Row { macs: number; accuracy: number; rate: number; evidence: string }

/** Percent of a 0..1 figure for the chart; null when absent or NaN (no labels). */
function percent(v: number | null | undefined): number | null {
  return v === null || v === undefined || Number.isNaN(v) ? null : 100 * v;
}

/** Accuracy against MACs saved, VTP scores and weight magnitude on one chart (recharts; redraws only when the sweep or the rounded current rate changes). */
export const SweepChart = memo(function SweepChart({ current }: { current: number | null }): ReactElement {
  const sweep = useStudio((s) => s.sweep);
  const totalMacs = useStudio((s) => s.model?.macs ?? 0);
  const hasScores = useStudio((s) => s.scores !== null);
  const series = useMemo(() => {
    // Accuracy when the data has labels; top-1 agreement with the unpruned model (VTP) beside it, or alone without labels.
    const pick = (c: SweepPoint['criterion'], figure: (p: SweepPoint) => number | null): Row[] => sweep
      .filter((p) => p.criterion === c)
      .flatMap((p) => {
        const y = figure(p);
        if (y === null) return [];
        const evidence = p.n ? accuracyEvidence(y / 100, p.n) : '';
        return [{ macs: 100 * savedFraction(p.macsSaved, totalMacs), accuracy: y, rate: p.rate, evidence }];
      })
      .sort((a, b) => a.macs - b.macs);
    const vtpAgreement = pick('vtp', (p) => percent(p.agreement));
    const agreeOf = vtpAgreement.length > 0 ? 'VTP' : 'Magnitude';
    return {
      vtp: pick('vtp', (p) => percent(p.accuracy)), magnitude: pick('magnitude', (p) => percent(p.accuracy)),
      agreement: vtpAgreement.length > 0 ? vtpAgreement : pick('magnitude', (p) => percent(p.agreement)), agreeOf,
    };
  }, [sweep, totalMacs]);
  if (sweep.length === 0) {
    return (
      <p className="muted small sweep-empty">
        Run a sweep to measure the accuracy of both criteria at several prune rates on the validation split.
        {hasScores ? '' : ' Before scores are trained only weight magnitude is measured.'}
      </p>
    );
  }
  return (
    <>
    {series.vtp.length === 0 ? <p className="muted small" data-testid="sweep-no-vtp">No VTP curve: it needs trained scores (step 3).</p> : null}
    <div className="chart-box" style={{ height: 196 }} data-testid="sweep-chart" data-points={sweep.length}>
      <ResponsiveContainer width="100%" height="100%">
        <ScatterChart margin={{ top: 22, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
          <XAxis type="number" dataKey="macs" name="MACs saved" unit="%" domain={[0, 'auto']} tick={{ fontSize: 11 }} />
          <YAxis type="number" dataKey="accuracy" name={series.vtp.length + series.magnitude.length > 0 ? 'Accuracy' : 'Agreement'} unit="%" domain={['auto', 'auto']} tick={{ fontSize: 11 }} width={52} />
          <Tooltip
            formatter={(v, name, item) => [typeof v === 'number' ? `${v.toFixed(1)}%${item?.payload?.evidence ? ` (${item.payload.evidence})` : ''}` : String(v), String(name)]}
            labelFormatter={() => ''}
          />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {current !== null ? <ReferenceLine x={100 * current} stroke="var(--muted)" strokeDasharray="4 3" label={{ value: `now ${formatPercent(current, 0)}`, fontSize: 11, position: 'top', fill: 'var(--muted)' }} /> : null}
          <Scatter name="VTP scores" data={series.vtp} fill="var(--series-1)" line isAnimationActive={false} />
          <Scatter name="Weight magnitude" data={series.magnitude} fill="var(--series-2)" line isAnimationActive={false} />
          {series.agreement.length > 0 ? <Scatter name={`${series.agreeOf} agreement with the unpruned model`} data={series.agreement} fill="var(--series-3, #8a5cf6)" line isAnimationActive={false} /> : null}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
    </>
  );
});
