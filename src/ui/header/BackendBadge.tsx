import type { ReactElement } from 'react';
import type { BackendName, BackendReport } from '../../worker/engineApi';

const BACKEND_LABEL: Record<BackendName, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

/** "WebGPU", "WASM", … */
export function backendLabel(name: BackendName): string {
  return BACKEND_LABEL[name] ?? name;
}

/** The compact badge in the header. */
export function BackendBadge({ backend }: { backend: BackendReport | null }): ReactElement {
  if (!backend) {
    return <span className="badge badge-pending" data-testid="backend-badge">Starting engine…</span>;
  }
  const fellBack = backend.notes.length > 0;
  return (
    <span
      className={`badge badge-${backend.backend}`}
      data-testid="backend-badge"
      title={fellBack ? backend.notes.join('\n') : 'The fastest backend was available.'}
    >
      <span className="badge-dot" aria-hidden="true" />
      Backend: {backendLabel(backend.backend)}
    </span>
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
