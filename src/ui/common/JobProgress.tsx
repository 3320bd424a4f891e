import type { ReactElement } from 'react';
import type { JobState } from '../../store/studioState';

/**
 * Progress of one long action: a progress bar and its message while running or paused, with a
 * cancel button when the action can be cancelled; an alert with the message after an error.
 */
export function JobProgress(props: {
  job: JobState;
  /** Accessible name of the progress bar. */
  label: string;
  onCancel?: () => void;
  cancelText?: string;
  onRetry?: () => void;
  /** Shown when the job finished successfully (status 'done'); nothing when omitted. */
  doneText?: string;
  testId?: string;
}): ReactElement | null {
  const { job } = props;
  if (job.status === 'running' || job.status === 'paused') {
    return (
      <div className="job job-running" data-testid={props.testId}>
        <div className="job-row">
          {job.fraction === null ? (
            <progress aria-label={props.label} />
          ) : (
            <progress aria-label={props.label} max={1} value={job.fraction} />
          )}
          {props.onCancel ? (
            <button type="button" className="btn btn-quiet" onClick={props.onCancel}>
              {props.cancelText ?? 'Cancel'}
            </button>
          ) : null}
        </div>
        <p className="job-message">
          {job.status === 'paused' ? 'Paused. ' : ''}
          {job.message || 'Working…'}
        </p>
        <span className="visually-hidden" aria-live="polite">{job.status === 'paused' ? `${props.label}: paused` : `${props.label}: working`}</span>
      </div>
    );
  }
  if (job.status === 'error') {
    return (
      <div className="job job-error" role="alert" data-testid={props.testId}>
        <p className="job-message">{job.message || 'Something went wrong.'}</p>
        {props.onRetry ? (
          <button type="button" className="btn btn-quiet" onClick={props.onRetry}>
            Try again
          </button>
        ) : null}
      </div>
    );
  }
  if (job.status === 'cancelled') {
    return (
      <p className="job job-cancelled" data-testid={props.testId}>
        {job.message || 'Cancelled.'}
      </p>
    );
  }
  if (job.status === 'done' && props.doneText) {
    return (
      <p className="job job-done" data-testid={props.testId}>
        {job.message || props.doneText}
      </p>
    );
  }
  return null;
}

/** True while a job is running or paused. */
export function isBusy(job: JobState): boolean {
  return job.status === 'running' || job.status === 'paused';
}
