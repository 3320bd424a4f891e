import type { ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import { formatPercent } from '../common/format';
import { isBusy, JobProgress } from '../common/JobProgress';

/**
 * Data panel section for data whose classes are not the model's: in the label mode "New head for these
 * classes", the fit (a linear head on frozen features in the worker; afterwards the model's classes are the
 * dataset's, matched by name); the new head's origin once fitted; for loose images, the label-free note.
 */
export function NewHeadSection(): ReactElement | null {
  const dataset = useStudio((s) => s.dataset);
  const model = useStudio((s) => s.model);
  const job = useStudio((s) => s.newHeadJob);
  const locked = useStudio((s) => isBusy(s.trainJob) || isBusy(s.finetuneJob) || isBusy(s.datasetJob));
  const fitNewHead = useStudio((s) => s.fitNewHead);
  const wanted = useStudio((s) => s.labelMode === 'new-head');
  if (!dataset || !model) return null;
  if (dataset.unlabelled) {
    const images = (dataset.trainImages ?? 0) + (dataset.valImages ?? 0);
    return (
      <div className="new-head label-free" data-testid="label-free-note">
        <p><strong>unlabelled: {images.toLocaleString('en-US')} images, label-free mode</strong></p>
        <p className="muted small">
          Scores are trained to match the original model&apos;s predictions (distillation), and the pruned model is
          measured by its top-1 agreement with the original; accuracy needs labels.
        </p>
      </div>
    );
  }
  const origin = model.config.headOrigin;
  if (!wanted && !origin) return null; // the label mode "New head for these classes" offers the fit
  return (
    <div className="new-head" data-testid="new-head">
      <p className="muted small">
        Classes not among the model&apos;s ({model.config.numClasses} classes)? Fit a new linear head for these{' '}
        {dataset.classNames.length} classes on the model&apos;s frozen features: seconds, and every later step uses it.
      </p>
      {wanted ? (<button type="button" className="btn" onClick={() => void fitNewHead()} disabled={locked || isBusy(job)} data-testid="new-head-button">
        New head for these classes
      </button>) : null}
      <JobProgress job={job} label="New head progress" testId="new-head-job" doneText={job.message} />
      {origin ? (
        <p className="result-line" data-testid="new-head-result">
          The model&apos;s head is new: fitted on &ldquo;{origin.fittedOn}&rdquo; ({origin.trainImages} images)
          {origin.valAccuracy !== null ? <>, validation accuracy <strong>{formatPercent(origin.valAccuracy)}</strong></> : null}.
        </p>
      ) : null}
    </div>
  );
}
