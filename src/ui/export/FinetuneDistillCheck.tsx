import { useId, type ReactElement } from 'react';
import { distillForcedByData } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';

/** "Distil from the unpruned model" for finetuning: an option with labels, always on in label-free mode (and without labels). */
export function FinetuneDistillCheck({ disabled }: { disabled: boolean }): ReactElement {
  const on = useStudio((s) => s.finetuneDistill);
  const forced = useStudio((s) => distillForcedByData(s));
  const unlabelled = useStudio((s) => s.dataset?.unlabelled === true);
  const setFinetuneDistill = useStudio((s) => s.setFinetuneDistill);
  const id = useId();
  return (
    <div className="check">
      <input id={id} type="checkbox" checked={on || forced} disabled={disabled || forced} onChange={(e) => setFinetuneDistill(e.target.checked)} />
      <label htmlFor={id}>Distil from the unpruned model</label>
      <span className="field-hint">{unlabelled ? 'Always on: these images have no labels.' : forced ? 'Always on in label-free mode (Data panel).' : 'Match the unpruned model\'s softened predictions instead of the labels.'}</span>
    </div>
  );
}
