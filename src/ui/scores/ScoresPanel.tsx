import { memo, useDeferredValue, useMemo, useState, type ReactElement } from 'react';
import { GATE_NAMES, type GateName } from '../../model/gateLayout';
import { useStudio } from '../../store/studioStore';
import type { PrunePreview, ScoreSnapshot } from '../../worker/engineApi';
import type { VitConfig } from '../../model/vitConfig';
import { absHistogram } from '../common/histogram';
import { LiveHistogram } from '../common/LiveHistogram';
import { EmptyState, Panel } from '../common/Panel';
import { useAfterPaint } from '../common/useAfterPaint';
import { useThrottled } from '../common/useThrottled';
import { LayerOverview } from './LayerOverview';
import { MiniHistogram } from './MiniHistogram';
import { settingsRank } from '../../prune/pruneSettings';
import { ScoreFileActions } from './ScoreFileActions';
import { SensitivityChart } from './SensitivityChart';
import { SublayerGates } from './SublayerGates';
import { belowCount, blockThreshold, DETAIL_BINS, gateCells, keptOf, type GateCell } from './scoreStats';

const GATE_HELP: Record<GateName, string> = {
  qkv: 'inputs of q, k, v (after LN1)',
  attn: 'attention value dims',
  fc1: 'inputs of fc1 (after LN2)',
  hidden: 'MLP hidden dims',
};

interface Selected { block: number; gate: GateName }

/** Redraw interval of the histograms while training runs. */
const SCORES_INTERVAL_MS = 1000;

/** Step 4: the scores of every layer; histograms with the threshold, and kept/removed dims per layer. */
export function ScoresPanel(): ReactElement {
  const liveScores = useStudio((s) => s.scores);
  const model = useStudio((s) => s.model);
  // A slider move paints the cost figures first; the histograms and the overview follow after that frame
  // (the urgent render of this panel keeps the previous settings, so its memoised charts skip).
  const livePreview = useAfterPaint(useStudio((s) => s.preview));
  const prune = useAfterPaint(useStudio((s) => s.prune));
  const training = useStudio((s) => s.trainJob.status === 'running');
  // While training runs, scores (and the preview computed from them) redraw about once a second, in the
  // background; the threshold follows the slider at once.
  const live = useThrottled(useMemo(() => ({ scores: liveScores, preview: livePreview }), [liveScores, livePreview]), SCORES_INTERVAL_MS, training, prune);
  const scores = useDeferredValue(live.scores);
  const preview = training ? live.preview : livePreview;
  const [selected, setSelected] = useState<Selected>({ block: 0, gate: 'hidden' });
  const [hovered, setHovered] = useState<Selected | null>(null);

  const vtp = prune.criterion === 'vtp';
  // The histograms show the ranking criterion: VTP scores, or the weight-magnitude scores of the model.
  const shown: ScoreSnapshot | null = vtp ? scores : model?.magnitude ?? null;
  const grid = useMemo(() => (shown ? gateCells(shown) : null), [shown]);
  const globalThreshold = preview?.threshold ?? null;
  const thresholds = useMemo(
    () => (shown ? shown.blocks.map((_, b) => blockThreshold(shown, b, prune, globalThreshold)) : []),
    [shown, prune, globalThreshold],
  );

  const focus = hovered ?? selected;
  const validFocus = grid && focus.block < grid.cells.length ? focus : { block: 0, gate: focus.gate };

  return (
    <Panel
      step={4}
      title="Scores"
      subtitle="|a| of every gate of every block. Dims left of the threshold line are removed at the current prune rate."
      testId="scores-panel"
      actions={training ? <span className="live-pill" aria-live="off">● live</span> : null}
    >
      {!model ? (
        <EmptyState title="No model loaded">The scores of every layer appear here once a model is loaded.</EmptyState>
      ) : (
        <div className="scores-layout">
          <div className="scores-left">
            <ScoreFileActions />
            {grid && shown ? (
              <>
                <div className="mini-grid" role="group" aria-label="Score histograms per block and gate" data-testid="score-histograms">
                  <div className="mini-row mini-head" aria-hidden="true">
                    <span className="mini-block-label">Block</span>
                    {GATE_NAMES.map((g) => <span key={g} title={GATE_HELP[g]}>{g}</span>)}
                  </div>
                  {grid.cells.map((row, b) => (
                    <div className="mini-row" key={b}>
                      <span className="mini-block-label" aria-hidden="true">{b}</span>
                      {row.map((cell) => (
                        <MiniCell
                          key={cell.gate}
                          cell={cell}
                          threshold={thresholds[b] ?? null}
                          kept={preview && model ? keptOf(preview.blocks[b] ?? emptyDims(model.config), cell.gate, model.config) : null}
                          selected={selected.block === b && selected.gate === cell.gate}
                          setSelected={setSelected}
                          setHovered={setHovered}
                        />
                      ))}
                    </div>
                  ))}
                </div>
                <p className="muted small">
                  {vtp ? 'VTP scores' : 'Weight-magnitude scores'}, shared x-axis 0 – {grid.max.toPrecision(3)}.{' '}
                  {globalThreshold === null ? 'Nothing is removed at a prune rate of 0.' : `Threshold τ = ${globalThreshold.toPrecision(3)}.`}
                  {settingsRank(prune) === 'cost' ? ' Ranked by |a| per unit of cost: the line marks the largest |a| removed; gates whose dims cost less are cut lower.' : ''}
                </p>
              </>
            ) : (
              <EmptyState title={vtp ? 'No scores yet' : 'No magnitude scores'}>
                {vtp
                  ? 'Every score starts at 1. Train scores (step 3), or import a score file, and their distributions appear here.'
                  : 'The engine did not report weight magnitudes for this model.'}
              </EmptyState>
            )}
          </div>
          <div className="scores-right">
            {grid && shown ? (
              <DetailHistogram
                scores={shown}
                at={validFocus}
                threshold={thresholds[validFocus.block] ?? null}
                config={model.config}
                preview={preview}
              />
            ) : null}
            <LayerOverview model={model} preview={preview} prune={prune} />
            <SublayerGates />
            <SensitivityChart />
          </div>
        </div>
      )}
    </Panel>
  );
}

function emptyDims(cfg: VitConfig): NonNullable<VitConfig['blocks']>[number] {
  return { qkvIn: null, heads: [], valueWidths: [], fc1In: null, hidden: cfg.mlpHidden };
}

const MiniCell = memo(function MiniCell(props: {
  cell: GateCell;
  threshold: number | null;
  kept: number | null;
  selected: boolean;
  setSelected: (s: Selected) => void;
  setHovered: (s: Selected | null) => void;
}): ReactElement {
  const { cell } = props;
  const at = { block: cell.block, gate: cell.gate };
  const label = `Block ${cell.block} ${cell.gate}: ${cell.size} dims, mean |a| ${cell.mean.toFixed(3)}` +
    (props.kept !== null ? `, ${props.kept} kept` : '');
  return (
    <button
      type="button"
      className={`mini-cell${props.selected ? ' is-selected' : ''}`}
      aria-label={label}
      aria-pressed={props.selected}
      title={label}
      onClick={() => props.setSelected(at)}
      onMouseEnter={() => props.setHovered(at)}
      onMouseLeave={() => props.setHovered(null)}
      onFocus={() => props.setSelected(at)}
    >
      <MiniHistogram hist={cell.hist} threshold={props.threshold} />
      {props.kept !== null ? <span className="mini-kept">{props.kept}/{cell.size}</span> : null}
    </button>
  );
});

const DetailHistogram = memo(function DetailHistogram(props: {
  scores: ScoreSnapshot;
  at: Selected;
  threshold: number | null;
  config: VitConfig;
  preview: PrunePreview | null;
}): ReactElement {
  const { scores, at, threshold } = props;
  const values = scores.blocks[at.block]?.[at.gate];
  const hist = useMemo(() => {
    if (!values) return null;
    let max = 0;
    for (let i = 0; i < values.length; i++) max = Math.max(max, Math.abs(values[i]));
    return absHistogram(values, DETAIL_BINS, max > 0 ? max * 1.02 : 1);
  }, [values]);
  if (!values || !hist) return <p className="muted">No scores for this layer.</p>;
  const below = threshold === null ? 0 : belowCount(scores, at.block, at.gate, threshold);
  const kept = props.preview?.blocks[at.block] ? keptOf(props.preview.blocks[at.block], at.gate, props.config) : null;
  return (
    <figure className="detail-hist" data-testid="detail-histogram">
      <figcaption>
        <span className="chart-title">Block {at.block} · {at.gate}</span>
        <span className="muted small">
          {GATE_HELP[at.gate]} · {values.length} dims{threshold !== null ? ` · ${below} at or below τ` : ''}{kept !== null ? ` · ${kept} kept` : ''}
        </span>
      </figcaption>
      <LiveHistogram
        counts={hist.counts}
        max={hist.max}
        threshold={threshold}
        height={190}
        label={`Histogram of |a| for block ${at.block} ${at.gate}: ${values.length} dims${threshold !== null ? `, threshold ${threshold.toPrecision(3)}, ${below} at or below it` : ''}`}
      />
    </figure>
  );
});
