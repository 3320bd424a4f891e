import { useId, type ReactElement } from 'react';
import { distillsScores } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';

/**
 * What the scores learn from: "Labels" (cross-entropy) or "Match the original model" (distillation from
 * the unpruned model, no labels needed). The same choice as the Data panel's label mode ('label-free'),
 * kept in one place (the store's labelMode); loose images without classes allow only the second.
 */
export function TargetChoice({ disabled }: { disabled: boolean }): ReactElement {
  const matching = useStudio((s) => distillsScores(s));
  const unlabelled = useStudio((s) => s.dataset?.unlabelled === true);
  const newHead = useStudio((s) => s.labelMode === 'new-head');
  const setLabelMode = useStudio((s) => s.setLabelMode);
  const name = useId();
  return (
    <fieldset className="target-choice" data-testid="train-target">
      <legend>Train the scores on</legend>
      <label>
        <input type="radio" name={name} checked={!matching} disabled={disabled || unlabelled} onChange={() => void setLabelMode(newHead ? 'new-head' : 'labels')} />
        Labels
      </label>
      <label>
        <input type="radio" name={name} checked={matching} disabled={disabled} onChange={() => void setLabelMode('label-free')} />
        Match the original model
      </label>
      <span className="field-hint">
        {unlabelled
          ? 'These images have no labels: the scores learn to keep the original model\'s predictions (distillation).'
          : matching
            ? 'Distillation (label-free mode in the Data panel): the gated model learns to match the unpruned model\'s softened predictions; labels are not used.'
            : 'Cross-entropy on the dataset\'s labels (VTP).'}
      </span>
    </fieldset>
  );
}
