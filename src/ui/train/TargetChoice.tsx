import { useId, type ReactElement } from 'react';
import { distillForcedByData, distillsScores } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';

/**
 * What the scores learn from: "Labels" (cross-entropy) or "Match the original model" (distillation from
 * the unpruned model), the score-training setting `target`. Label-free mode (Data panel) and loose images
 * without classes leave only the second.
 */
export function TargetChoice({ disabled }: { disabled: boolean }): ReactElement {
  const matching = useStudio((s) => distillsScores(s));
  const forced = useStudio((s) => distillForcedByData(s));
  const unlabelled = useStudio((s) => s.dataset?.unlabelled === true);
  const setTrainSettings = useStudio((s) => s.setTrainSettings);
  const name = useId();
  return (
    <fieldset className="target-choice" data-testid="train-target">
      <legend>Train the scores on</legend>
      <label>
        <input type="radio" name={name} checked={!matching} disabled={disabled || forced} onChange={() => setTrainSettings({ target: 'labels' })} />
        Labels
      </label>
      <label>
        <input type="radio" name={name} checked={matching} disabled={disabled} onChange={() => setTrainSettings({ target: 'original' })} />
        Match the original model
      </label>
      <span className="field-hint">
        {unlabelled
          ? 'These images have no labels: the scores learn to keep the original model\'s predictions (distillation).'
          : forced
            ? 'Label-free mode (Data panel): the gated model learns to match the unpruned model\'s predictions; labels are not used.'
            : matching
              ? 'Distillation: the gated model learns to match the unpruned model\'s predictions (labels still give the accuracy figures).'
              : 'Cross-entropy on the dataset\'s labels (VTP).'}
      </span>
    </fieldset>
  );
}
