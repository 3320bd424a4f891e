import { useId, type ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';

/**
 * What the scores learn from: "Labels" (cross-entropy) or "Match the original model" (distillation from
 * the unpruned model, no labels needed). Loose images without classes allow only the second.
 */
export function TargetChoice({ disabled }: { disabled: boolean }): ReactElement {
  const distill = useStudio((s) => s.trainSettings.distill === true);
  const unlabelled = useStudio((s) => s.dataset?.unlabelled === true);
  const setTrainSettings = useStudio((s) => s.setTrainSettings);
  const name = useId();
  const matching = distill || unlabelled;
  return (
    <fieldset className="target-choice" data-testid="train-target">
      <legend>Train the scores on</legend>
      <label>
        <input type="radio" name={name} checked={!matching} disabled={disabled || unlabelled} onChange={() => setTrainSettings({ distill: false })} />
        Labels
      </label>
      <label>
        <input type="radio" name={name} checked={matching} disabled={disabled} onChange={() => setTrainSettings({ distill: true })} />
        Match the original model
      </label>
      <span className="field-hint">
        {unlabelled
          ? 'These images have no labels: the scores learn to keep the original model\'s predictions (distillation).'
          : matching
            ? 'Distillation: the gated model learns to match the unpruned model\'s softened predictions; labels are not used.'
            : 'Cross-entropy on the dataset\'s labels (VTP).'}
      </span>
    </fieldset>
  );
}
