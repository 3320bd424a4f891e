import { memo, useId, useRef, type ReactElement } from 'react';
import { labelsIssue } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';
import type { ModelInfo, PrunePreview, PruneSettings } from '../../worker/engineApi';
import { formatCount, formatPercent } from '../common/format';
import { isBusy, JobProgress } from '../common/JobProgress';
import { EmptyState, Figure, Panel } from '../common/Panel';
import { useAfterPaint } from '../common/useAfterPaint';
import { useThrottled } from '../common/useThrottled';
import { keptOf } from '../scores/scoreStats';
import { GATE_NAMES, type GateName } from '../../model/gateLayout';
import { hasAttention, hasMlp } from '../../model/vitConfig';
import { isMagnitudeFallback, MAGNITUDE_FALLBACK_NOTE } from '../../prune/rankingCriterion';
import { intervalText } from '../../data/wilsonInterval';
import { samePruneSettings } from '../../prune/pruneSettings';
import { savedFigures } from './pruneFigures';
import { SweepChart } from './SweepChart';
import { accuracyDetailText } from './accuracyText';
import { accuracyText, hasAccuracy } from '../../store/agreementText';
import { settingsUnit } from '../../prune/pruneSettings';
import { UNIT_LABELS, UNIT_VALUE_TEXT, UnitChoice } from './UnitChoice';

const ROUND_OPTIONS = [1, 2, 4, 8, 16];
const MAX_RATE = 90;

/** Step 5: the prune-rate slider and its options, live costs and accuracy, and the sweep. */
export function PrunePanel(): ReactElement {
  const model = useStudio((s) => s.model);
  const prune = useStudio((s) => s.prune);
  const livePreview = useStudio((s) => s.preview);
  const training = useStudio((s) => s.trainJob.status === 'running');
  // While training runs the preview changes with every score snapshot: follow it about once a second,
  // but follow the slider and options at once.
  const preview = useThrottled(livePreview, 1000, training, prune);
  // The cost figures follow the slider in the urgent render; the kept-dims table and the sweep's marker after them.
  const laterPreview = useAfterPaint(preview);
  const setPrune = useStudio((s) => s.setPrune);
  const sweepJob = useStudio((s) => s.sweepJob);
  const runSweep = useStudio((s) => s.runSweep);
  const cancelSweep = useStudio((s) => s.cancelSweep);
  const hasData = useStudio((s) => s.dataset !== null && labelsIssue(s) === null);
  const sliderId = useId();
  const pct = Math.round(prune.rate * 100);
  const unit = settingsUnit(prune);

  if (!model) {
    return (
      <Panel step={5} title="Prune" testId="prune-panel">
        <EmptyState title="No model loaded">Load a model to choose how much of it to prune.</EmptyState>
      </Panel>
    );
  }

  return (
    <Panel
      step={5}
      title="Prune"
      subtitle="Remove the dims with the smallest scores, ranked over all gates of all blocks."
      testId="prune-panel"
    >
      <div className="prune-slider">
        <div className="prune-slider-head">
          <label htmlFor={sliderId}>{UNIT_LABELS[unit]}</label>
          <span className="prune-rate-value" aria-hidden="true">{pct}%</span>
        </div>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={MAX_RATE}
          step={1}
          value={pct}
          aria-valuetext={`${pct}% ${UNIT_VALUE_TEXT[unit]}`}
          onChange={(e) => setPrune({ rate: Number(e.target.value) / 100 })}
          style={{ ['--fill' as string]: `${(100 * pct) / MAX_RATE}%` }}
        />
        <div className="scale" aria-hidden="true"><span>0%</span><span>45%</span><span>90%</span></div>
      </div>

      <UnitChoice prune={prune} preview={preview} setPrune={setPrune} />

      <LiveFigures model={model} preview={preview} prune={prune} hasData={hasData} />

      <PruneOptions prune={prune} setPrune={setPrune} />

      {/* The two disclosures share a row while closed; an open one takes the full width. */}
      <div className="prune-details">
        <Overrides prune={prune} setPrune={setPrune} depth={model.config.depth} />
        {laterPreview ? <KeptTable model={model} preview={laterPreview} /> : null}
      </div>

      <div className="sweep">
        <div className="sweep-head">
          <h3 className="section-title">Accuracy vs MACs saved</h3>
          {isBusy(sweepJob) ? null : (
            <button type="button" className="btn" onClick={() => void runSweep()} disabled={!hasData}>
              Run sweep
            </button>
          )}
        </div>
        <JobProgress job={sweepJob} label="Sweep progress" onCancel={() => void cancelSweep()} cancelText="Cancel sweep" onRetry={() => void runSweep()} testId="sweep-job" />
        <SweepChart current={laterPreview ? Math.round(100 * laterPreview.macsSaved) / 100 : null} />
      </div>
    </Panel>
  );
}

const LiveFigures = memo(function LiveFigures(props: { model: ModelInfo; preview: PrunePreview | null; prune: PruneSettings; hasData: boolean }): ReactElement {
  const masked = useStudio((s) => s.maskedAccuracy);
  const error = useStudio((s) => s.maskedAccuracyError);
  const baseline = useStudio((s) => s.baselineAccuracy);
  const training = useStudio((s) => s.trainJob.status === 'running');
  const lastAccuracy = useRef<{ accuracy: number; n: number; agreement?: number | null } | null>(null);
  const fresh = masked !== null && samePruneSettings(masked.settings, props.prune);
  if (masked && !masked.partial) lastAccuracy.current = { accuracy: masked.accuracy, n: masked.n, agreement: masked.agreement };
  else if (masked) lastAccuracy.current = { ...lastAccuracy.current, accuracy: masked.accuracy, n: masked.n };
  const shown = fresh ? masked : lastAccuracy.current;
  const saved = props.preview ? savedFigures(props.model, props.preview) : null;
  const partial = fresh && masked.partial;
  const pending = props.hasData && (!fresh || partial) && error === null;
  const baselineText = hasAccuracy(baseline) ? ` · unpruned ${formatPercent(baseline)}` : '';
  const agreement = shown?.agreement ?? null;
  let accuracyDetail: ReactElement | string;
  if (!props.hasData) accuracyDetail = 'needs a dataset';
  else if (error !== null) accuracyDetail = <span className="figure-error">{error}</span>;
  else if ((partial || fresh) && !hasAccuracy(masked.accuracy)) accuracyDetail = `masked model, ${masked.n.toLocaleString('en-US')} validation images without labels`;
  else if (partial) accuracyDetail = <span className="updating" data-testid="accuracy-estimate">{accuracyDetailText(masked, baselineText)}</span>;
  else if (fresh) accuracyDetail = <span data-testid="accuracy-estimate">{accuracyDetailText(masked, baselineText)}</span>;
  else if (training) accuracyDetail = 'measured when training pauses or ends';
  else accuracyDetail = <span className="updating">updating…</span>;
  return (
    <div className="figures figures-live" data-testid="prune-figures">
      <Figure
        label="Params saved"
        value={saved ? formatPercent(saved.paramsSaved) : '…'}
        detail={saved ? `${formatCount(saved.paramsSavedCount)} of ${formatCount(props.model.params)}` : 'working out…'}
        testId="params-saved"
        tone="good"
      />
      <Figure
        label="MACs saved"
        value={saved ? formatPercent(saved.macsSaved) : '…'}
        detail={saved ? `${formatCount(saved.macsSavedCount)} of ${formatCount(props.model.macs)} per image` : 'working out…'}
        testId="macs-saved"
        tone="good"
      />
      {props.preview?.latencyMs !== undefined && props.prune.latency ? (
        <Figure label="Latency saved" value={formatPercent(props.preview.latencySaved ?? 0)} testId="latency-saved" tone="good"
          detail={`${props.preview.latencyMs.toFixed(1)} ms predicted per batch of ${props.prune.latency.batch} on ${props.prune.latency.backend}`} />
      ) : null}
      <Figure
        label="Accuracy"
        value={!props.hasData || (error !== null && !shown) ? '–' : shown ? accuracyText(shown.accuracy) : '…'}
        detail={accuracyDetail}
        pending={pending}
        testId="masked-accuracy"
      />
      <Figure
        label="Agreement"
        value={!props.hasData ? '–' : agreement !== null ? formatPercent(agreement) : '…'}
        detail={`top-1 agreement with the unpruned model (needs no labels)${fresh && !partial && agreement !== null && masked.n > 0 ? `, ${intervalText(agreement, masked.n)}` : ''}`}
        pending={pending}
        testId="masked-agreement"
      />
    </div>
  );
});

const PruneOptions = memo(function PruneOptions(props: { prune: PruneSettings; setPrune: (p: Partial<PruneSettings>) => void }): ReactElement {
  const { prune, setPrune } = props;
  const fallback = useStudio((s) => isMagnitudeFallback(s.prune.criterion, s.scores !== null));
  const foldId = useId();
  const roundId = useId();
  return (
    <div className="prune-options">
      <fieldset className="segmented">
        <legend>Criterion</legend>
        {(['vtp', 'magnitude'] as const).map((c) => (
          <label key={c} className={prune.criterion === c ? 'is-checked' : ''}>
            <input type="radio" name="criterion" value={c} checked={prune.criterion === c} onChange={() => setPrune({ criterion: c })} />
            {c === 'vtp' ? 'VTP scores' : 'Weight magnitude'}
          </label>
        ))}
      </fieldset>
      {fallback ? (
        <p className="stale-note" role="note" data-testid="ranking-fallback">
          {capitalise(MAGNITUDE_FALLBACK_NOTE)}. Train scores (step 3) to rank by VTP scores; until then the costs,
          the accuracy, the sweep and the download use the weight-magnitude ranking.
        </p>
      ) : null}
      <div className="check">
        <input id={foldId} type="checkbox" checked={prune.fold} onChange={(e) => setPrune({ fold: e.target.checked })} />
        <label htmlFor={foldId}>Fold kept scores into the weights</label>
        <span className="field-hint">Off (default, the paper): kept dims keep their weights; measured best on the demo model. On: the kept scores are folded in, so the slim model equals the score-gated one.</span>
      </div>
      <div className="field inline">
        <label htmlFor={roundId}>Round kept widths to a multiple of</label>
        <select id={roundId} value={prune.roundTo} onChange={(e) => setPrune({ roundTo: Number(e.target.value) })}>
          {ROUND_OPTIONS.map((k) => <option key={k} value={k}>{k === 1 ? '1 (no rounding)' : k}</option>)}
        </select>
      </div>
    </div>
  );
});

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const Overrides = memo(function Overrides(props: { prune: PruneSettings; setPrune: (p: Partial<PruneSettings>) => void; depth: number }): ReactElement {
  const { prune, setPrune } = props;
  const overrides = Object.keys(prune.blockRates).length;
  return (
    <details className="overrides">
      <summary>Per-layer overrides{overrides > 0 ? ` (${overrides})` : ''}</summary>
      <p className="muted small">An overridden block is pruned at its own rate (a fraction of its gated dims, also under a budget), ranked among its own gates.</p>
      <ul className="override-list">
        {Array.from({ length: props.depth }, (_, b) => (
          <OverrideRow key={b} block={b} prune={prune} setPrune={setPrune} />
        ))}
      </ul>
    </details>
  );
});

function OverrideRow(props: { block: number; prune: PruneSettings; setPrune: (p: Partial<PruneSettings>) => void }): ReactElement {
  const { block, prune, setPrune } = props;
  const checkId = useId();
  const sliderId = useId();
  const own = prune.blockRates[block];
  const on = own !== undefined;
  const set = (rate: number | undefined): void => {
    const next = { ...prune.blockRates };
    if (rate === undefined) delete next[block];
    else next[block] = rate;
    setPrune({ blockRates: next });
  };
  const pct = Math.round((own ?? prune.rate) * 100);
  return (
    <li className="override-row">
      <input id={checkId} type="checkbox" checked={on} onChange={(e) => set(e.target.checked ? prune.rate : undefined)} />
      <label htmlFor={checkId}>Override block {block}</label>
      <label htmlFor={sliderId} className="visually-hidden">Block {block} override</label>
      <input
        id={sliderId}
        type="range"
        min={0}
        max={MAX_RATE}
        value={pct}
        disabled={!on}
        aria-valuetext={`${pct}% of block ${block}'s dims removed`}
        onChange={(e) => set(Number(e.target.value) / 100)}
      />
      <span className="override-value">{on ? `${pct}%` : 'global'}</span>
    </li>
  );
}

/** "removed" for the gates of a removed sublayer (its attention or MLP is gone), else null. */
function removedText(d: PrunePreview['blocks'][number], gate: GateName): string | null {
  const attn = gate === 'qkv' || gate === 'attn';
  return (attn ? hasAttention(d) : hasMlp(d)) ? null : 'removed';
}

const KeptTable = memo(function KeptTable({ model, preview }: { model: ModelInfo; preview: PrunePreview }): ReactElement {
  return (
    <details className="kept-table">
      <summary>Kept dims per layer</summary>
      <table className="table compact" data-testid="kept-dims">
        <thead>
          <tr><th scope="col">Block</th>{GATE_NAMES.map((g) => <th scope="col" key={g}>{g}</th>)}<th scope="col">heads</th></tr>
        </thead>
        <tbody>
          {preview.blocks.map((d, b) => (
            <tr key={b}>
              <th scope="row">{b}</th>
              {GATE_NAMES.map((g) => <td key={g}>{removedText(d, g) ?? keptOf(d, g, model.config)}</td>)}
              <td>{hasAttention(d) ? d.heads.length : 'attention removed'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
});
