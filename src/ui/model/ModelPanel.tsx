import type { ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import type { ModelInfo, Prediction } from '../../worker/engineApi';
import { DropZone } from '../common/DropZone';
import { FileButton } from '../common/FileButton';
import { formatCount, formatPercent } from '../common/format';
import { isBusy, JobProgress } from '../common/JobProgress';
import { EmptyState, Figure, Panel } from '../common/Panel';
import { Thumbnail } from '../common/Thumbnail';
import { BackendInfo } from '../header/BackendBadge';
import { NormalisationFields } from './NormalisationFields';
import { blockDimsAt, hasAttention, hasMlp } from '../../model/vitConfig';

const SOURCE_LABEL: Record<ModelInfo['source'], string> = {
  demo: 'demo model',
  timm: 'timm checkpoint',
  'hf-v4': 'Hugging Face (v4 keys)',
  'hf-v5': 'Hugging Face (v5 keys)',
  vtp: 'pruned by this studio',
};

/** Step 1: the model. Demo model at start, checkpoint import, architecture, costs, predictions. */
export function ModelPanel(): ReactElement {
  const model = useStudio((s) => s.model);
  const job = useStudio((s) => s.modelJob);
  const backend = useStudio((s) => s.backend);
  const predictions = useStudio((s) => s.predictions);
  const datasetClasses = useStudio((s) => s.dataset?.classMap?.modelClasses ?? null); // predictions are model classes
  const evalError = useStudio((s) => s.maskedAccuracyError);
  const loadDemoModel = useStudio((s) => s.loadDemoModel);
  const importModel = useStudio((s) => s.importModel);
  const busy = isBusy(job);

  return (
    <Panel
      step={1}
      title="Model"
      subtitle="A pretrained ViT or DeiT: the demo model, or your own checkpoint."
      testId="model-panel"
      actions={
        <button type="button" className="btn" onClick={() => void loadDemoModel()} disabled={busy}>
          Load demo model
        </button>
      }
    >
      <JobProgress job={job} label="Model loading progress" onRetry={() => void loadDemoModel()} testId="model-job" />

      {model ? (
        <ModelSummary model={model} />
      ) : busy ? (
        <div className="skeleton-block" aria-hidden="true">
          <div className="skeleton-line" />
          <div className="skeleton-line short" />
          <div className="skeleton-line" />
        </div>
      ) : (
        <EmptyState title="No model loaded">
          Load the demo model (a small ViT trained on Fashion-MNIST) or import a checkpoint below.
        </EmptyState>
      )}

      {predictions.length > 0 && model ? (
        <Predictions predictions={predictions} classNames={model.config.classNames ?? datasetClasses} />
      ) : model && datasetClasses && !busy && evalError === null ? (
        <p className="muted small pending-line" data-testid="predictions-pending">Running the model on a few validation images…</p>
      ) : null}

      <DropZone
        onFiles={(files) => void importModel(files)}
        disabled={busy}
        hint="…or drop a checkpoint folder here: config.json + model.safetensors (timm, Hugging Face, or a pruned model's .zip downloaded from this studio). Pickled .pth/.bin files are refused; convert them to safetensors."
        testId="model-dropzone"
      >
        <div className="button-row">
          <FileButton label="Import checkpoint" multiple accept=".json,.safetensors,.zip,.pth,.pt,.bin" onFiles={(f) => void importModel(f)} disabled={busy} />
          <FileButton label="Choose checkpoint folder" directory onFiles={(f) => void importModel(f)} disabled={busy} />
        </div>
      </DropZone>

      <BackendInfo backend={backend} />
    </Panel>
  );
}

/** "6", or "5 (of 6; block 4 dropped)" when pruning dropped whole blocks (original indices). */
function blocksText(c: ModelInfo['config']): string {
  const dropped = c.droppedBlocks ?? [];
  if (dropped.length === 0) return String(c.depth);
  return `${c.depth} (of ${c.depth + dropped.length}; block${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} dropped)`;
}

/** "attention removed in block 1; MLP removed in block 3" (current block indices), or '' when every block has both. */
function sublayersText(c: ModelInfo['config']): string {
  const blocks = Array.from({ length: c.depth }, (_, i) => blockDimsAt(c, i));
  const list = (pick: (i: number) => boolean) => blocks.map((_, i) => i).filter(pick);
  const attn = list((i) => !hasAttention(blocks[i]));
  const mlp = list((i) => !hasMlp(blocks[i]));
  const part = (what: string, ids: number[]) => (ids.length ? [`${what} removed in block${ids.length > 1 ? 's' : ''} ${ids.join(', ')}`] : []);
  return [...part('attention', attn), ...part('MLP', mlp)].join('; ');
}

function ModelSummary({ model }: { model: ModelInfo }): ReactElement {
  const c = model.config;
  const slim = c.blocks !== null;
  return (
    <div className="model-summary" data-testid="model-summary">
      <div className="model-title">
        <span className="model-name">{model.name}</span>
        <span className="tag">{SOURCE_LABEL[model.source] ?? model.source}</span>
        {slim ? <span className="tag tag-accent">slimmed</span> : null}
      </div>
      <div className="figures">
        <Figure label="Params" value={formatCount(model.params)} detail={`${model.params.toLocaleString('en-US')} parameters`} testId="model-params" />
        <Figure label="MACs" value={formatCount(model.macs)} detail="multiply-accumulates per image" testId="model-macs" />
      </div>
      <dl className="facts">
        <div className="fact-wide"><dt>Architecture</dt><dd>{c.architecture}</dd></div>
        <div><dt>Input</dt><dd>{c.imageSize[0]}×{c.imageSize[1]}×{c.inChans}, patch {c.patchSize}</dd></div>
        <div><dt>Width</dt><dd>{c.embedDim}</dd></div>
        <div><dt>Blocks</dt><dd>{blocksText(c)}</dd></div>
        <div><dt>Heads</dt><dd>{c.numHeads} × {c.headDim}</dd></div>
        <div><dt>MLP hidden</dt><dd>{c.mlpHidden}</dd></div>
        <div><dt>Classes</dt><dd>{c.numClasses}{c.distilled ? ' (distilled)' : ''}</dd></div>
        {sublayersText(c) ? <div className="fact-wide" data-testid="model-sublayers"><dt>Sublayers removed</dt><dd>{sublayersText(c)}</dd></div> : null}
      </dl>
      <NormalisationFields key={`${model.id}:${c.mean.join()}:${c.std.join()}`} model={model} />
      {model.warnings.length > 0 ? (
        <ul className="warnings" aria-label="Model warnings">
          {model.warnings.map((w, i) => <li key={i}>{w}</li>)}
        </ul>
      ) : null}
    </div>
  );
}

function Predictions({ predictions, classNames }: { predictions: Prediction[]; classNames: string[] | null }): ReactElement {
  const name = (i: number): string => classNames?.[i] ?? `class ${i}`;
  const correct = predictions.filter((p) => p.label === p.predicted).length;
  return (
    <div className="predictions" data-testid="predictions">
      <h3 className="section-title">
        First predictions <span className="muted">({correct}/{predictions.length} correct)</span>
      </h3>
      <ul className="prediction-list">
        {predictions.map((p, i) => {
          const ok = p.label === p.predicted;
          return (
            <li key={i} className={`prediction ${ok ? 'ok' : 'miss'}`} data-testid="prediction">
              {p.pixels && p.shape ? (
                <Thumbnail pixels={p.pixels} shape={p.shape} title={`validation image ${i + 1}`} size={40} />
              ) : (
                <span className="thumb-placeholder" aria-hidden="true">#{i + 1}</span>
              )}
              <span className="prediction-text">
                <span className="prediction-class">
                  <span aria-hidden="true" className="mark">{ok ? '✓' : '✗'}</span> {name(p.predicted)}
                  <span className="visually-hidden">{ok ? ' (correct)' : ' (wrong)'}</span>
                </span>
                <span className="muted small">
                  {formatPercent(p.confidence, 0)}{ok ? '' : ` · is ${p.label >= 0 ? name(p.label) : '?'}`}
                </span>
              </span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
