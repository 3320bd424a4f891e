/** The prune slider's unit (a rate of gated dims, or a budget of MACs, params or predicted latency saved), whole heads (budgets) and whole sublayers. */
import { memo, useId, useState, type ReactElement } from 'react';
import type { PrunePreview, PruneSettings } from '../../worker/engineApi';
import { settingsUnit, STUDIO_UNITS, type PruneUnit } from '../../prune/pruneSettings';
import { useStudio } from '../../store/studioStore';
import { LATENCY_TABLE_BATCH, LATENCY_TABLE_BATCHES } from '../../store/latencySlice';
import { isBusy, JobProgress } from '../common/JobProgress';

/** The slider's label in each unit (a budget's label is not "MACs saved" alone: that names the figure). */
export const UNIT_LABELS: Record<PruneUnit, string> = { rate: 'Prune rate', macs: 'Target: MACs saved', params: 'Target: params saved', latency: 'Target: latency saved' };
/** The slider's aria-valuetext after the percentage, in each unit. */
export const UNIT_VALUE_TEXT: Record<PruneUnit, string> = { rate: 'of gated dims removed', macs: 'of MACs saved', params: 'of params saved', latency: 'of latency saved' };
const UNIT_OPTIONS: Record<(typeof STUDIO_UNITS)[number], string> = {
  rate: 'Prune rate (fraction of gated dims)', macs: 'MACs saved', params: 'Params saved', latency: 'Latency saved (measured here)',
};

/** The slider's value for `unit` that gives about the current decision (so switching units keeps the cut). */
function valueIn(unit: PruneUnit, preview: PrunePreview | null, fallback: number): number {
  if (!preview) return fallback;
  const value = unit === 'macs' ? preview.macsSaved : unit === 'params' ? preview.paramsSaved
    : unit === 'latency' ? preview.latencySaved ?? 0 : (preview.removed ?? 0) / Math.max(1, preview.total ?? 1);
  return Math.round(100 * value) / 100;
}

/** The slider's unit: a rate of gated dims, or a budget of MACs or params saved (cost-aware ranking). */
export const UnitChoice = memo(function UnitChoice(props: { prune: PruneSettings; preview: PrunePreview | null; setPrune: (p: Partial<PruneSettings>) => void }): ReactElement {
  const id = useId();
  const headsId = useId();
  const sublayersId = useId();
  const unit = settingsUnit(props.prune);
  const measureLatency = useStudio((s) => s.measureLatencyTable);
  return (
    <>
    <div className="field inline">
      <label htmlFor={id}>Slider unit</label>
      <select id={id} value={unit} data-testid="prune-unit"
        onChange={(e) => {
          const next = e.target.value as PruneUnit;
          if (next === 'latency' && !props.prune.latency) { void measureLatency(); return; } // the unit follows when the table is in
          props.setPrune({ unit: next, rank: undefined, rate: valueIn(next, props.preview, props.prune.rate) });
        }}>
        {STUDIO_UNITS.map((u) => <option key={u} value={u}>{UNIT_OPTIONS[u]}</option>)}
      </select>
    </div>
    <LatencyTableLine measured={props.prune.latency ?? null} unit={unit} />
    <div className="check">
      <input id={headsId} type="checkbox" checked={props.prune.heads === true && unit !== 'rate'} disabled={unit === 'rate'}
        onChange={(e) => props.setPrune({ heads: e.target.checked })} />
      <label htmlFor={headsId}>Remove whole heads</label>
      <span className="field-hint">{unit === 'rate'
        ? 'With a budget (MACs, params or latency saved): whole heads compete with single dims, scored by their value dims.'
        : 'A head (its q, k and v columns and output rows) goes as one unit when the mean |score| of its value dims is low.'}</span>
    </div>
    <div className="check">
      <input id={sublayersId} type="checkbox" checked={props.prune.sublayers === true} data-testid="prune-sublayers"
        onChange={(e) => props.setPrune({ sublayers: e.target.checked })} />
      <label htmlFor={sublayersId}>Remove whole sublayers</label>
      <span className="field-hint">
        An attention or MLP sublayer goes as one unit (the residual passes through) when its score is low: its learned gate |g|
        (Train: &quot;Learn a gate per sublayer&quot;), else the mean |score| of its output dims. A block that loses both is dropped.
      </span>
    </div>
    </>
  );
});

/**
 * The latency table the slider predicts from, while the unit is latency or a measurement runs or failed: measuring
 * it (a worker job), its failure, or what it was measured on, with a batch size to measure it again at.
 */
function LatencyTableLine(props: { measured: PruneSettings['latency']; unit: PruneUnit }): ReactElement | null {
  const job = useStudio((s) => s.latencyJob);
  const measure = useStudio((s) => s.measureLatencyTable);
  const batchId = useId();
  const [batch, setBatch] = useState<number>(props.measured?.batch ?? LATENCY_TABLE_BATCH);
  const jobShown = isBusy(job) || job.status === 'error';
  if (props.unit !== 'latency' && !jobShown) return null;
  if (jobShown || !props.measured) {
    return <JobProgress job={job} label="Latency table progress" onRetry={() => void measure(batch)} testId="latency-job" />;
  }
  return (
    <div className="field-hint" data-testid="latency-table">
      Predicted from a latency table measured here on {props.measured.backend} at batch {props.measured.batch} (each block shape and
      its cuts timed alternating).{' '}
      <label htmlFor={batchId}>Batch</label>{' '}
      <select id={batchId} value={batch} onChange={(e) => setBatch(Number(e.target.value))}>
        {LATENCY_TABLE_BATCHES.map((b) => <option key={b} value={b}>{b}</option>)}
      </select>{' '}
      <button type="button" className="btn btn-quiet" onClick={() => void measure(batch)}>Measure again</button>
    </div>
  );
}
