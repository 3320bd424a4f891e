import { useId, type ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';

/** "Distil from the unpruned model" for finetuning: an option with labels, always on without them. */
export function FinetuneDistillCheck({ disabled }: { disabled: boolean }): ReactElement {
  const on = useStudio((s) => s.finetuneDistill);
  const unlabelled = useStudio((s) => s.dataset?.unlabelled === true);
  const setFinetuneDistill = useStudio((s) => s.setFinetuneDistill);
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={on || unlabelled} disabled={disabled || unlabelled} onChange={(e) => setFinetuneDistill(e.target.checked)} />
      <label htmlFor={id}>Distil from the unpruned model</label>
      <span className="field-hint">{unlabelled ? 'Always on: these images have no labels.' : 'Match the unpruned model\'s softened predictions instead of the labels.'}</span>
    </div>
  );
}
