import { useState, type ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import { BackendBadge } from './BackendBadge';

/** Title, backend badge, "New session", and the dismissible notice banner. */
export function Header(): ReactElement {
  const backend = useStudio((s) => s.backend);
  const notice = useStudio((s) => s.notice);
  const dismissNotice = useStudio((s) => s.dismissNotice);
  const setBackendChoice = useStudio((s) => s.setBackendChoice);
  const busy = useStudio((s) => [s.trainJob, s.sweepJob, s.finetuneJob, s.modelJob].some((j) => j.status === 'running'));
  return (
    <>
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">◧</span>
          <div>
            <h1>ViT Pruning Studio</h1>
            <p className="app-tagline">Vision Transformer Pruning (VTP) in your browser. Nothing leaves this machine.</p>
          </div>
        </div>
        <div className="header-actions">
          <NewSession />
          <BackendBadge backend={backend} onChoose={(name) => void setBackendChoice(name)} busy={busy} />
        </div>
      </header>
      {notice ? (
        <div className="notice" role="status" data-testid="notice">
          <span className="notice-icon" aria-hidden="true">!</span>
          <p>{notice}</p>
          <button type="button" className="btn btn-quiet" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      ) : null}
    </>
  );
}

/** Clears the saved session after an inline confirmation (no browser dialog). */
function NewSession(): ReactElement {
  const newSession = useStudio((s) => s.newSession);
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="btn btn-quiet" onClick={() => setAsking(true)}>
        New session
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label="Confirm new session">
      <span>Clear the saved scores, data and settings?</span>
      <button
        type="button"
        className="btn btn-danger"
        autoFocus
        onClick={() => {
          setAsking(false);
          void newSession();
        }}
      >
        Clear session
      </button>
      <button type="button" className="btn btn-quiet" onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
