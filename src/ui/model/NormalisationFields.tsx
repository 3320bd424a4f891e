import { useId, useState, type ReactElement } from 'react';
import { channelValues } from '../../data/normalisationInput';
import { useStudio } from '../../store/studioStore';
import type { ModelInfo } from '../../worker/engineApi';

/** The model's input normalisation, marked "assumed" when the importer guessed it, with fields to set it. */
export function NormalisationFields({ model }: { model: ModelInfo }): ReactElement {
  const c = model.config;
  const setNormalisation = useStudio((s) => s.setNormalisation);
  const [mean, setMean] = useState(c.mean.join(', '));
  const [std, setStd] = useState(c.std.join(', '));
  const [problem, setProblem] = useState<string | null>(null);
  const meanId = useId();
  const stdId = useId();
  const apply = (): void => {
    try {
      const values = { mean: channelValues(mean, c.inChans, 'mean'), std: channelValues(std, c.inChans, 'std') };
      setProblem(null);
      void setNormalisation(values.mean, values.std);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <details className="normalisation" data-testid="normalisation">
      <summary>
        Normalisation: mean {c.mean.join(', ')} · std {c.std.join(', ')}
        {c.normalisationAssumed ? <span className="tag tag-warn" data-testid="normalisation-assumed">assumed</span> : null}
      </summary>
      <p className="muted small">
        {c.normalisationAssumed
          ? 'The checkpoint gives no mean/std, so these were assumed. Set the values the model was trained with; every accuracy depends on them.'
          : 'Per-channel mean and std applied to pixels scaled to [0, 1], from the checkpoint or set here.'}
      </p>
      <div className={`field-row${problem ? ' is-invalid' : ''}`}>
        <div className="field">
          <label htmlFor={meanId}>Mean</label>
          <input id={meanId} type="text" value={mean} onChange={(e) => setMean(e.target.value)} spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={stdId}>Std</label>
          <input id={stdId} type="text" value={std} onChange={(e) => setStd(e.target.value)} spellCheck={false} />
        </div>
        <button type="button" className="btn" onClick={apply}>Set normalisation</button>
      </div>
      {problem ? <p className="field-error" role="alert">{problem}</p> : null}
    </details>
  );
}
