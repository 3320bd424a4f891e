import type { ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import { currentSlimSpeed } from '../../store/slimSpeedFigures';
import { isBusy, JobProgress } from '../common/JobProgress';

/** "Measure speed": the slim model's forward pass timed against the full model's on this machine's backend. */
export function SlimSpeedSection(props: { disabled: boolean }): ReactElement {
  const speed = useStudio(currentSlimSpeed);
  const job = useStudio((s) => s.slimSpeedJob);
  const measure = useStudio((s) => s.measureSlimSpeed);
  const cancel = useStudio((s) => s.cancelSlimSpeed);
  const busy = isBusy(job);
  return (
    <div className="slim-speed">
      <button type="button" className="btn" onClick={() => void measure()} disabled={props.disabled || busy}>
        Measure speed on this machine
      </button>
      <JobProgress job={job} label="Speed measurement" onCancel={() => void cancel()} cancelText="Cancel measurement" testId="speed-job" />
      {speed ? (
        <table className="speed-table" data-testid="slim-speed">
          <caption className="muted small">
            Slim against full model on {speed.backend}, {speed.runs} alternating runs each; if time followed MACs it would be {speed.macsRatio.toFixed(2)}×.
          </caption>
          <thead><tr><th scope="col">batch</th><th scope="col">full ms</th><th scope="col">slim ms</th><th scope="col">slim / full time</th></tr></thead>
          <tbody>
            {speed.points.map((p) => (
              <tr key={p.batch}><td>{p.batch}</td><td>{p.fullMs.toFixed(1)}</td><td>{p.slimMs.toFixed(1)}</td><td><strong>{p.ratio.toFixed(2)}×</strong></td></tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
