import { memo, useMemo, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useStudio } from '../../store/studioStore';
import { overridesText, sensitivityStaleReasons, suggestionApplied } from '../../store/sensitivitySlice';
import type { SensitivityReport } from '../../worker/engineApi';
import { isBusy, JobProgress } from '../common/JobProgress';
import { formatPercent } from '../common/format';
import { pruneAmountText } from '../../prune/pruneSettings';

interface Row { block: string; agreement: number; accuracy: number | null; cut: string }

/** One bar group per block: agreement (and accuracy) lost in points. */
function rowsOf(report: SensitivityReport): Row[] {
  return report.blocks.map((b) => ({
    block: String(b.block), agreement: 100 * b.agreementLost,
    accuracy: report.labelled && Number.isFinite(b.accuracyLost) ? 100 * b.accuracyLost : null,
    cut: `${formatPercent(b.cut)} of its dims, ${formatPercent(b.macsSaved)} of MACs`,
  }));
}

/**
 * "Sensitivity: agreement lost per block at the current setting": a bar per block (recharts), the compute and
 * apply buttons, the suggested overrides and a stale mark when the scores or settings changed since.
 */
export const SensitivityChart = memo(function SensitivityChart(): ReactElement {
  const report = useStudio((s) => s.sensitivity);
  const job = useStudio((s) => s.sensitivityJob);
  const hasData = useStudio((s) => s.dataset !== null);
  const stale = useStudio((s) => sensitivityStaleReasons(s).join(', '));
  const applied = useStudio(suggestionApplied);
  const compute = useStudio((s) => s.computeSensitivity);
  const cancel = useStudio((s) => s.cancelSensitivity);
  const apply = useStudio((s) => s.applySuggestedOverrides);
  const rows = useMemo(() => (report ? rowsOf(report) : []), [report]);
  const suggestion = report?.suggestion ?? null;
  const busy = isBusy(job);
  return (
    <section className="sensitivity" aria-label="Per-layer sensitivity" data-testid="sensitivity">
      <h3 className="chart-title">Sensitivity: agreement lost per block at the current setting</h3>
      <p className="muted small">
        Each block pruned alone as the current setting cuts it, every other block full, on the validation images; the
        suggestion spreads the same MACs saving so that sensitive blocks are cut less.
      </p>
      <div className="button-row">
        <button type="button" className="btn" onClick={() => void compute()} disabled={busy || !hasData} data-testid="compute-sensitivity">
          Compute sensitivity
        </button>
        <button type="button" className="btn" onClick={apply} disabled={busy || !suggestion || stale !== '' || applied} data-testid="apply-sensitivity"
          title={suggestion ? `Sets per-layer overrides: ${overridesText(suggestion.blockRates)}` : undefined}>
          Apply suggested overrides
        </button>
      </div>
      <JobProgress job={job} label="Sensitivity" onCancel={() => void cancel()} testId="sensitivity-job" />
      {report ? (
        <>
          {stale ? <p className="stale-note" role="note" data-testid="sensitivity-stale">Stale: {stale} since it was computed ({pruneAmountText(report.settings)}). Compute it again.</p> : null}
          <div className="chart-box" style={{ height: 180 }} data-testid="sensitivity-chart" data-blocks={rows.length}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" />
                <XAxis dataKey="block" tick={{ fontSize: 11 }} label={{ value: 'block', position: 'insideBottomRight', offset: -2, fontSize: 11 }} />
                <YAxis unit=" pt" tick={{ fontSize: 11 }} width={52} />
                <Tooltip formatter={(v, name) => [typeof v === 'number' ? `${v.toFixed(2)} points` : String(v), String(name)]}
                  labelFormatter={(label, items) => `block ${label}: ${items?.[0]?.payload?.cut ?? ''}`} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar name="agreement lost" dataKey="agreement" fill="var(--series-1)" isAnimationActive={false} />
                {report.labelled ? <Bar name="accuracy lost" dataKey="accuracy" fill="var(--series-2)" isAnimationActive={false} /> : null}
              </BarChart>
            </ResponsiveContainer>
          </div>
          <p className="muted small">
            At {pruneAmountText(report.settings)}, on {report.n.toLocaleString('en-US')} validation images; nothing cut: agreement {formatPercent(report.baseAgreement)}
            {report.labelled ? `, accuracy ${formatPercent(report.baseAccuracy)}` : ''}.
          </p>
          {suggestion ? (
            <p className="small" data-testid="sensitivity-suggestion">
              Suggested overrides ({formatPercent(suggestion.macsSaved)} of MACs saved; the setting saves {formatPercent(suggestion.target)}
              {suggestion.reached ? '' : ', out of reach'}): {overridesText(suggestion.blockRates)}.{applied ? ' Applied.' : ''}
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
});
