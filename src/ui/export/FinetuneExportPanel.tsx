import { useId, useState, type ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import type { ExportFormat } from '../../worker/engineApi';
import { formatCount, formatPercent } from '../common/format';
import { isBusy, JobProgress } from '../common/JobProgress';
import { NumberField } from '../common/NumberField';
import { EmptyState, Figure, Panel } from '../common/Panel';
import { slimStaleReasons } from '../../store/slimProvenance';
import { accuracyEvidence } from '../../data/wilsonInterval';
import { useAfterPaint } from '../common/useAfterPaint';
import { accuracyText, figuresLine, hasAccuracy } from '../../store/agreementText';
import { FinetuneDistillCheck } from './FinetuneDistillCheck';
import { SlimSpeedSection } from './SlimSpeedSection';

const FORMATS: { value: ExportFormat; title: string; text: string }[] = [
  { value: 'safetensors', title: 'Studio (safetensors)', text: 'config.json + model.safetensors in a .zip; re-importable here and by the CLI.' },
  { value: 'torch', title: 'PyTorch', text: 'The same weights plus vtp_torch.py, a module builder that needs only torch.' },
  { value: 'onnx', title: 'ONNX', text: 'One .onnx file for any ONNX runtime; the report is in its metadata.' },
  { value: 'tfjs', title: 'TensorFlow.js', text: 'A graph model (model.json + weights) in a .zip.' },
  { value: 'timm', title: 'timm', text: 'timm keys and config; only for models timm can express (even head widths).' },
];

/** Step 6: slim the model, optionally finetune it, and download it with its report. */
export function FinetuneExportPanel(): ReactElement {
  const model = useStudio((s) => s.model);
  const pruned = useStudio((s) => s.pruned);
  const prunedWith = useStudio((s) => s.prunedWith);
  const prunedAccuracy = useStudio((s) => s.prunedAccuracy);
  const accuracyImages = useStudio((s) => s.accuracyImages);
  const prune = useAfterPaint(useStudio((s) => s.prune)); // follows a slider move after the cost figures are painted
  const hasData = useStudio((s) => s.dataset !== null);
  const trainBusy = useStudio((s) => isBusy(s.trainJob));
  const finetuneJob = useStudio((s) => s.finetuneJob);
  const finetuneAccuracy = useStudio((s) => s.finetuneAccuracy);
  const prunedAgreement = useStudio((s) => s.prunedAgreement);
  const finetuneAgreement = useStudio((s) => s.finetuneAgreement);
  const exportFormat = useStudio((s) => s.exportFormat);
  const exportJob = useStudio((s) => s.exportJob);
  const evalJob = useStudio((s) => s.evalJob);
  const cancelEval = useStudio((s) => s.cancelEval);
  const applyPrune = useStudio((s) => s.applyPrune);
  const finetune = useStudio((s) => s.finetune);
  const cancelFinetune = useStudio((s) => s.cancelFinetune);
  const setExportFormat = useStudio((s) => s.setExportFormat);
  const downloadPruned = useStudio((s) => s.downloadPruned);
  const [steps, setSteps] = useState(100);
  const formatName = useId();
  const finetuning = isBusy(finetuneJob);
  const exporting = isBusy(exportJob);
  const pct = Math.round(prune.rate * 100);
  // Recomputed after paint, with the deferred slider value (the cost figures come first).
  const staleReasons = useStudio((s) => slimStaleReasons({ ...s, prune }).join(' and '));
  const finetuned = useStudio((s) => (s.prunedFrom?.finetuneSteps ?? 0) > 0);
  const stale = pruned !== null && prunedWith !== null && staleReasons !== '';

  if (!model) {
    return (
      <Panel step={6} title="Finetune & export" testId="export-panel">
        <EmptyState title="Nothing to export yet">Load a model and choose a prune rate first.</EmptyState>
      </Panel>
    );
  }

  return (
    <Panel
      step={6}
      title="Finetune & export"
      subtitle="Slim the weights for real (no masks left behind), optionally finetune, then download."
      testId="export-panel"
    >
      <div className="export-block">
        <h3 className="section-title">Slim model</h3>
        {pruned ? (
          <>
            <div className="figures">
              <Figure label="Slim params" value={formatCount(pruned.params)} detail={`${formatPercent(1 - pruned.params / model.params)} fewer`} testId="slim-params" />
              <Figure label="Slim MACs" value={formatCount(pruned.macs)} detail={`${formatPercent(1 - pruned.macs / model.macs)} fewer per image`} testId="slim-macs" />
              <Figure
                label="Slim model, validation"
                value={prunedAccuracy !== null ? accuracyText(prunedAccuracy) : isBusy(evalJob) ? '…' : '–'}
                detail={prunedAccuracy !== null
                  ? `before finetuning${accuracyImages && hasAccuracy(prunedAccuracy) ? `, ${accuracyEvidence(prunedAccuracy, accuracyImages)}` : ''}${prunedAgreement !== null ? ` · agreement ${formatPercent(prunedAgreement)}` : ''}`
                  : isBusy(evalJob) ? 'measuring…' : 'not measured'}
                pending={prunedAccuracy === null && isBusy(evalJob)}
                testId="slim-accuracy"
              />
            </div>
            {pruned.warnings.map((w) => <p key={w} className="stale-note" role="note" data-testid="slim-warning">Slim model: {w}.</p>)}
            {stale && prunedWith ? (
              <p className="stale-note" role="note" data-testid="stale-note">
                Made at {Math.round(prunedWith.rate * 100)}% ({prunedWith.criterion === 'vtp' ? 'VTP scores' : 'weight magnitude'}
                {prunedWith.fold ? ', folded' : ''}); {staleReasons}.{' '}
                {finetuned ? 'It was finetuned, so the download keeps it until you slim again.' : 'The download slims again first.'}
              </p>
            ) : null}
          </>
        ) : (
          <p className="muted small">Not slimmed yet. The download slims the model at the current prune rate ({pct}%) first.</p>
        )}
        <button type="button" className="btn" onClick={() => void applyPrune()} disabled={finetuning || exporting || trainBusy}>
          {pruned ? `Slim again at ${pct}%` : `Slim at ${pct}%`}
        </button>
        <JobProgress job={evalJob} label="Accuracy measurement" onCancel={() => void cancelEval()} cancelText="Cancel measurement" testId="eval-job" />
        <SlimSpeedSection disabled={finetuning || exporting || trainBusy} />
      </div>

      <div className="export-block">
        <h3 className="section-title">Finetune (optional)</h3>
        <p className="muted small">Trains the slim model&apos;s weights on the training split; recovers accuracy after heavy pruning.</p>
        <div className="field-row">
          <NumberField label="Finetune step count" integer min={1} max={100000} value={steps} onCommit={setSteps} disabled={finetuning} />
          <FinetuneDistillCheck disabled={finetuning} />
          <button type="button" className="btn" onClick={() => void finetune(steps)} disabled={!hasData || finetuning || exporting || trainBusy}>
            Finetune
          </button>
        </div>
        <JobProgress job={finetuneJob} label="Finetune progress" onCancel={() => void cancelFinetune()} cancelText="Cancel finetune" testId="finetune-job" />
        {finetuneAccuracy !== null ? (
          <p className="result-line" data-testid="finetune-result">
            After finetuning: <strong>{figuresLine(finetuneAccuracy, finetuneAgreement)}</strong>
            {` (validation${accuracyImages && hasAccuracy(finetuneAccuracy) ? `, ${accuracyEvidence(finetuneAccuracy, accuracyImages)}` : ''})`}
          </p>
        ) : null}
      </div>

      <div className="export-block">
        <fieldset className="format-list">
          <legend>Export format</legend>
          {FORMATS.map((f) => (
            <label key={f.value} className={`format-option${exportFormat === f.value ? ' is-checked' : ''}`}>
              <input type="radio" name={formatName} value={f.value} checked={exportFormat === f.value} onChange={() => setExportFormat(f.value)} />
              <span className="format-title">{f.title}</span>
              <span className="format-text">{f.text}</span>
            </label>
          ))}
        </fieldset>
        <button type="button" className="btn btn-primary btn-large" onClick={() => void downloadPruned()} disabled={exporting || finetuning || trainBusy}>
          Download pruned model
        </button>
        <p className="muted small">
          One file, named after the model, the prune rate and the format. A report goes with it: per-layer dims, params,
          MACs, accuracies and the settings used. The download never waits for an accuracy: one not measured yet
          reads &quot;not measured&quot; in the report, and is measured afterwards for the next download.
        </p>
        <JobProgress job={exportJob} label="Export progress" doneText="Downloaded." testId="export-job" />
      </div>
    </Panel>
  );
}
