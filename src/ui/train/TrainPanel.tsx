import { useDeferredValue, useId, useMemo, type ReactElement } from 'react';
import { GATE_NAMES } from '../../model/gateLayout';
import { labelsIssue } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';
import type { TrainProgress } from '../../worker/engineApi';
import { downsample } from '../common/chartData';
import { LiveLineChart, type LineSeries } from '../common/LiveLineChart';
import { formatDuration, formatPercent } from '../common/format';
import { isBusy } from '../common/JobProgress';
import { NumberField } from '../common/NumberField';
import { useThrottled } from '../common/useThrottled';
import { EmptyState, Panel } from '../common/Panel';
import { TargetChoice } from './TargetChoice';

const CHART_POINTS = 150;
const CHART_HEIGHT = 170;
/** Redraw interval of the charts while training runs. */
const CHART_INTERVAL_MS = 1000;
/** Update interval of the progress line while training runs. */
const PROGRESS_INTERVAL_MS = 400;

/** Step 3: train the VTP scores. Settings, Start/Pause/Resume/Stop, progress, live charts. */
export function TrainPanel(): ReactElement {
  const settings = useStudio((s) => s.trainSettings);
  const job = useStudio((s) => s.trainJob);
  const history = useStudio((s) => s.trainHistory);
  const labels = useStudio((s) => labelsIssue(s));
  const ready = useStudio((s) => s.model !== null && s.dataset !== null) && labels === null;
  const modelSlim = useStudio((s) => s.model?.config.blocks != null);
  const setTrainSettings = useStudio((s) => s.setTrainSettings);
  const startTraining = useStudio((s) => s.startTraining);
  const pauseTraining = useStudio((s) => s.pauseTraining);
  const resumeTraining = useStudio((s) => s.resumeTraining);
  const stopTraining = useStudio((s) => s.stopTraining);
  const weightsId = useId();
  const sublayerGatesId = useId();
  const busy = isBusy(job);
  // The progress line follows the events at most 2–3 times a second (each update is a frame to paint).
  const shownJob = useThrottled(job, PROGRESS_INTERVAL_MS, busy);
  const lastEvent = history.length > 0 ? history[history.length - 1] : null;
  const last = useThrottled(lastEvent, PROGRESS_INTERVAL_MS, busy);

  return (
    <Panel
      step={3}
      title="Train scores"
      subtitle="VTP learns one importance score per feature dimension (qkv, attn, fc1 and hidden gates of every block), pushed towards zero by an L1 penalty."
      testId="train-panel"
    >
      <div className="train-layout">
        <div className="train-controls">
          <div className="field-grid">
            <NumberField label="Steps" integer min={1} max={100000} value={settings.steps} onCommit={(v) => setTrainSettings({ steps: v })} disabled={busy} />
            <NumberField label="Batch size" integer min={1} max={4096} value={settings.batchSize} onCommit={(v) => setTrainSettings({ batchSize: v })} disabled={busy} />
            <NumberField label="Learning rate" min={0} max={10} step="any" value={settings.lr} onCommit={(v) => setTrainSettings({ lr: v })} disabled={busy} hint="of the scores (Adam)" />
            <NumberField label="L1 strength" min={0} max={1} step="any" value={settings.l1} onCommit={(v) => setTrainSettings({ l1: v })} disabled={busy} hint="λ in CE + λ·Σ|a|" />
          </div>
          <TargetChoice disabled={busy} />
          <div className="check">
            <input id={weightsId} type="checkbox" checked={settings.trainWeights} disabled={busy} onChange={(e) => setTrainSettings({ trainWeights: e.target.checked })} />
            <label htmlFor={weightsId}>Train weights too</label>
            <span className="field-hint">Off by default: on a small dataset, training the weights as well tends to overfit.</span>
          </div>
          <div className="check">
            <input id={sublayerGatesId} type="checkbox" checked={settings.sublayerGates === true} disabled={busy} data-testid="sublayer-gates"
              onChange={(e) => setTrainSettings({ sublayerGates: e.target.checked })} />
            <label htmlFor={sublayerGatesId}>Learn a gate per sublayer</label>
            <span className="field-hint">One scalar gate on every attention and MLP output, under the same L1; &quot;Remove whole sublayers&quot; then ranks by it.</span>
          </div>
          <div className="button-row">
            {job.status === 'running' ? (
              <button type="button" className="btn" onClick={() => void pauseTraining()}>Pause</button>
            ) : job.status === 'paused' ? (
              <button type="button" className="btn btn-primary" onClick={() => void resumeTraining()}>Resume</button>
            ) : (
              <button type="button" className="btn btn-primary" onClick={() => void startTraining()} disabled={!ready}>
                Train scores
              </button>
            )}
            {busy ? <button type="button" className="btn btn-danger" onClick={() => void stopTraining()}>Stop</button> : null}
          </div>
          {!ready ? <p className="muted small" data-testid="train-blocked">{labels ? `Training waits: ${labels}.` : 'Load a model and a dataset first.'}</p> : null}
          {modelSlim && !busy ? <p className="muted small">This model is already slimmed; its scores cover the kept dims only.</p> : null}
          <TrainProgressBar last={last} status={job.status} fraction={shownJob.fraction} message={shownJob.message} steps={settings.steps} />
        </div>
        {/* Charts and the per-gate table side by side with the form, so the panel has no empty column. */}
        <div className="train-results">
          <TrainCharts history={history} live={busy} />
          {last ? <div className="gate-stats-box"><GateStats last={last} /></div> : null}
        </div>
      </div>
    </Panel>
  );
}

function TrainProgressBar(props: {
  last: TrainProgress | null;
  status: string;
  fraction: number | null;
  message: string;
  steps: number;
}): ReactElement {
  const { last } = props;
  const steps = last?.steps ?? props.steps;
  const done = last?.step ?? 0;
  const value = props.fraction ?? (steps > 0 ? done / steps : 0);
  const msPerStep = last && last.step > 0 ? last.elapsedMs / last.step : NaN;
  const left = Number.isFinite(msPerStep) ? (steps - done) * msPerStep : NaN;
  const busy = props.status === 'running' || props.status === 'paused';
  const line = props.status === 'error'
    ? props.message
    : busy && props.message
      ? `${capitalise(props.message)}${props.status === 'paused' ? ' · paused' : ''}`
      : last
        ? `Step ${done} / ${steps} · ${Math.round(last.imagesPerSecond)} img/s · ${props.status === 'running' ? `${formatDuration(left)} left` : statusWord(props.status)}`
        : props.status === 'running' ? 'Starting…' : 'Not started.';
  return (
    <div className={`train-progress status-${props.status}`} data-testid="train-progress">
      <progress aria-label="Training progress" max={1} value={Math.min(1, Math.max(0, value))} />
      <p className="job-message" role={props.status === 'error' ? 'alert' : undefined} title={line}>{line}</p>
      {/* Screen readers hear status changes, not every step. */}
      <span className="visually-hidden" aria-live="polite">{props.status === 'idle' ? '' : `Training ${statusWord(props.status)}`}</span>
    </div>
  );
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function statusWord(status: string): string {
  switch (status) {
    case 'running': return 'running';
    case 'error': return 'failed';
    case 'paused': return 'paused';
    case 'done': return 'done';
    case 'cancelled': return 'stopped';
    default: return status;
  }
}

function GateStats({ last }: { last: TrainProgress }): ReactElement {
  return (
    <table className="table compact gate-stats" aria-label="Scores per gate">
      <thead>
        <tr><th scope="col">Gate</th><th scope="col">mean |a|</th><th scope="col">max |a|</th><th scope="col">near zero</th></tr>
      </thead>
      <tbody>
        {GATE_NAMES.map((g) => {
          const s = last.gateStats?.[g];
          return (
            <tr key={g}>
              <th scope="row">{g}</th>
              <td>{s ? s.mean.toFixed(3) : '–'}</td>
              <td>{s ? s.max.toFixed(3) : '–'}</td>
              <td>{s ? formatPercent(s.nearZero) : '–'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

interface ChartRow { step: number; ce: number; l1: number; accuracy: number; nearZero: number; [key: string]: number }

const LOSS_SERIES: LineSeries[] = [
  { key: 'ce', name: 'CE', color: 'var(--series-1)' },
  { key: 'l1', name: 'L1 term', color: 'var(--series-2)' },
];
const ACCURACY_SERIES: LineSeries[] = [{ key: 'accuracy', name: 'batch accuracy', color: 'var(--series-3)' }];
const NEAR_ZERO_SERIES: LineSeries[] = [{ key: 'nearZero', name: 'near zero', color: 'var(--series-4)' }];
const UNIT_DOMAIN: [number, number] = [0, 1];
const percentTick = (v: number): string => `${Math.round(v * 100)}%`;

function TrainCharts({ history, live }: { history: TrainProgress[]; live: boolean }): ReactElement {
  // While training runs the charts redraw about once a second (the progress line above follows
  // every event); each redraw is a few SVG paths, rendered by React in the background.
  const throttled = useThrottled(history, CHART_INTERVAL_MS, live);
  const deferred = useDeferredValue(throttled);
  const data = useMemo<ChartRow[]>(
    () => downsample(deferred, CHART_POINTS).map((p) => ({
      step: p.step, ce: p.ce, l1: Math.max(0, p.loss - p.ce), accuracy: p.accuracy, nearZero: p.nearZero,
    })),
    [deferred],
  );
  const first = deferred.length > 0 ? deferred[0].step : 0;
  const planned = deferred.length > 0 ? deferred[deferred.length - 1].steps : 0;
  const xDomain = useMemo<[number, number]>(() => [Math.max(0, first - 1), Math.max(first, planned)], [first, planned]);
  if (data.length === 0) {
    return (
      <div className="train-charts">
        <EmptyState title="No training yet">
          Charts of the loss, the batch accuracy and the fraction of scores near zero appear here, step by step.
        </EmptyState>
      </div>
    );
  }
  const last = data[data.length - 1];
  return (
    <div className="train-charts" data-testid="train-charts" data-points={deferred.length}>
      <ChartCard title="Loss" caption="cross-entropy and the L1 term λ·Σ|a|">
        <LiveLineChart data={data} xKey="step" xLabel="step" series={LOSS_SERIES} height={CHART_HEIGHT} xDomain={xDomain}
          yFormat={(v) => v.toFixed(2)} label={`Loss by step; at step ${last.step}: CE ${last.ce.toFixed(3)}, L1 term ${last.l1.toFixed(3)}`} />
      </ChartCard>
      <ChartCard title="Accuracy" caption="top-1 on each training batch">
        <LiveLineChart data={data} xKey="step" xLabel="step" series={ACCURACY_SERIES} height={CHART_HEIGHT} xDomain={xDomain}
          yDomain={UNIT_DOMAIN} yFormat={percentTick} label={`Batch accuracy by step; at step ${last.step}: ${formatPercent(last.accuracy)}`} />
      </ChartCard>
      <ChartCard title="Scores near zero" caption="fraction of all scores with |a| < 0.05">
        <LiveLineChart data={data} xKey="step" xLabel="step" series={NEAR_ZERO_SERIES} height={CHART_HEIGHT} xDomain={xDomain}
          yDomain={UNIT_DOMAIN} yFormat={percentTick} label={`Scores near zero by step; at step ${last.step}: ${formatPercent(last.nearZero)}`} />
      </ChartCard>
    </div>
  );
}

function ChartCard(props: { title: string; caption: string; children: ReactElement }): ReactElement {
  return (
    <figure className="chart-card">
      <figcaption>
        <span className="chart-title">{props.title}</span>
        <span className="muted small">{props.caption}</span>
      </figcaption>
      {props.children}
    </figure>
  );
}
