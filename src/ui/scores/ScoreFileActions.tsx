import type { ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import { FileButton } from '../common/FileButton';
import { isBusy, JobProgress } from '../common/JobProgress';

/**
 * "Import scores" (a score file trained elsewhere, e.g. by `vtp_torch.py train-scores` on GPUs; checked against the
 * model before it replaces the scores) and "Download scores" (the current scores in the same format).
 */
export function ScoreFileActions(): ReactElement {
  const importScores = useStudio((s) => s.importScores);
  const downloadScores = useStudio((s) => s.downloadScores);
  const job = useStudio((s) => s.scoresJob);
  const hasScores = useStudio((s) => s.scores !== null);
  const training = useStudio((s) => isBusy(s.trainJob));
  const busy = isBusy(job);
  return (
    <div className="score-file-actions">
      <div className="button-row">
        <FileButton
          label="Import scores"
          accept=".safetensors"
          onFiles={(files) => void importScores(files[0])}
          disabled={busy || training}
          testId="import-scores"
        />
        <button type="button" className="btn" onClick={() => void downloadScores()} disabled={busy || !hasScores} data-testid="download-scores">
          Download scores
        </button>
      </div>
      <JobProgress job={job} label="Score file" doneText="done" testId="scores-job" />
    </div>
  );
}
