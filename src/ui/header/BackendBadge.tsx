import { useId, type ReactElement } from 'react';
import type { BackendName, BackendReport } from '../../worker/engineApi';

const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** "WebGPU", "WASM", … */
export function backendLabel(name: BackendName): string {
  return BACKEND_LABEL[name] ?? name;
}

/** "12 ms" or "–". */
function ms(value: number | null): string {
  return value === null ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** How the backend was chosen, in words. */
function choiceText(backend: BackendReport): string {
  switch (backend.chosenBy) {
    case 'measured': return 'Fastest measured on this model (batch of 2 images).';
    case 'cached': return 'Fastest measured earlier in this browser for a model of this size.';
    case 'user': return 'Chosen by you.';
    default: return backend.notes.length > 0 ? backend.notes.join('\n') : 'The first backend that started (not measured).';
  }
}

/** The measured timings, one row per backend. */
function MeasurementTable({ backend }: { backend: BackendReport }): ReactElement | null {
  if (!backend.measurements || backend.measurements.length === 0) return null;
  return (
    <table className="backend-timings" data-testid="backend-timings">
      <thead><tr><th scope="col">Backend</th><th scope="col">Forward</th><th scope="col">Score step</th><th scope="col">Note</th></tr></thead>
      <tbody>
        {backend.measurements.map((m) => (
          <tr key={m.backend}>
            <th scope="row">{backendLabel(m.backend)}</th>
            <td>{ms(m.forwardMs)}</td>
            <td>{ms(m.stepMs)}</td>
            <td>{m.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The compact badge in the header; its details show the timings and let the user pick a backend (remembered). */
export function BackendBadge({ backend, onChoose, busy = false }: {
  backend: BackendReport | null;
  /** Picks a backend (null = the fastest measured). */
  onChoose?: (name: BackendName | null) => void;
  /** True while a job runs (a switch would cancel it). */
  busy?: boolean;
}): ReactElement {
  const selectId = useId();
  if (!backend) {
    return <span className="badge badge-pending" data-testid="backend-badge">Starting engine…</span>;
  }
  return (
    <details className="backend-details">
      <summary className={`badge badge-${backend.backend}`} title={choiceText(backend)}>
        <span className="badge-dot" aria-hidden="true" />
        <span data-testid="backend-badge">Backend: {backendLabel(backend.backend)}</span>
      </summary>
      <div className="backend-popover" data-testid="backend-details">
        <p>{choiceText(backend)}</p>
        <MeasurementTable backend={backend} />
        {backend.notes.length > 0 ? <ul className="notes">{backend.notes.map((n, i) => <li key={i}>{n}</li>)}</ul> : null}
        {onChoose ? (
          <div className="field inline">
            <label htmlFor={selectId}>Backend to use</label>
            <select
              id={selectId}
              value={backend.chosenBy === 'user' ? backend.backend : 'auto'}
              disabled={busy}
              onChange={(e) => onChoose(e.target.value === 'auto' ? null : (e.target.value as BackendName))}
            >
              <option value="auto">Fastest (measured)</option>
              {(['webgpu', 'webgl', 'wasm', 'cpu'] as const).map((b) => <option key={b} value={b}>{backendLabel(b)}</option>)}
            </select>
          </div>
        ) : null}
      </div>
    </details>
  );
}

/** Backend with the reasons the faster ones were not used (in the model panel). */
export function BackendInfo({ backend }: { backend: BackendReport | null }): ReactElement {
  return (
    <div className="backend-info" data-testid="backend-info">
      <h3 className="section-title">Compute backend</h3>
      {backend ? (
        <>
          <p>
            Running on <strong>{backendLabel(backend.backend)}</strong> in a Web Worker; the page stays responsive while it works.
          </p>
          {backend.notes.length > 0 ? (
            <ul className="notes" aria-label="Backend notes">
              {backend.notes.map((n, i) => <li key={i}>{n}</li>)}
            </ul>
          ) : null}
        </>
      ) : (
        <p className="muted">Choosing a backend (WebGPU, then WebGL, WASM, CPU)…</p>
      )}
    </div>
  );
}
