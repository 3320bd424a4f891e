import { useId, type ReactElement } from 'react';
import { mappingComplete, type LabelMode } from '../../data/classMatch';
import { labelsIssue } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';
import type { DatasetInfo } from '../../worker/engineApi';

/** The label modes offered, with what each means (loose images without classes allow only 'label-free'). */
const MODES: { value: LabelMode; title: string; text: string }[] = [
  { value: 'labels', title: "Model's classes", text: "each dataset class is one of the model's classes" },
  { value: 'new-head', title: 'New head for these classes', text: "a new linear head for the dataset's own classes, fitted on the model's frozen features (below)" },
  { value: 'label-free', title: 'Label-free (distillation)', text: "no class names needed: the scores learn to keep the unpruned model's predictions; pruning is measured by agreement with it" },
];

/** The status line under the mapping: what waits, or what the mode measures. */
function statusText(issue: string | null, labelMode: LabelMode, complete: boolean, classes: number): string {
  if (issue) return `Training and evaluation wait: ${issue}.`;
  if (labelMode === 'label-free') {
    return complete ? `Label-free: distillation; accuracy on the ${classes} mapped classes and agreement with the unpruned model.`
      : 'Label-free: distillation; agreement with the unpruned model (accuracy needs every class mapped).';
  }
  return `All ${classes} dataset classes are mapped to the model's classes.`;
}

/** Dataset class -> model class, a select per class filled by name; unmatched classes flagged; the label mode. */
export function ClassMapping({ dataset, locked }: { dataset: DatasetInfo; locked: boolean }): ReactElement | null {
  const classMap = useStudio((s) => s.classMap);
  const labelMode = useStudio((s) => s.labelMode);
  const issue = useStudio((s) => labelsIssue(s));
  const setClassMapping = useStudio((s) => s.setClassMapping);
  const setLabelMode = useStudio((s) => s.setLabelMode);
  const modeName = useId();
  const info = dataset.classMap;
  if (!info || !classMap) return null;
  const unlabelled = dataset.unlabelled === true;
  const complete = !unlabelled && mappingComplete(classMap, info.modelClasses.length);

  return (
    <div className="class-map" data-testid="class-map">
      <fieldset className="format-list" disabled={locked}>
        <legend>Labels</legend>
        {MODES.map((m) => (
          <label key={m.value} className={`format-option${labelMode === m.value ? ' is-checked' : ''}`}>
            <input type="radio" name={modeName} value={m.value} checked={labelMode === m.value} disabled={unlabelled && m.value !== 'label-free'}
              onChange={() => void setLabelMode(m.value)} />
            <span className="format-title">{m.title}</span>
            <span className="format-text">{unlabelled && m.value !== 'label-free' ? 'needs class folders' : m.text}</span>
          </label>
        ))}
      </fieldset>
      {labelMode !== 'new-head' && !unlabelled ? (
        <table className="class-map-table" aria-label="Class mapping">
          <thead><tr><th>Dataset class</th><th>Model class</th><th /></tr></thead>
          <tbody>
            {dataset.classNames.map((name, i) => (
              <ClassRow key={i} name={name} index={i} value={classMap[i] ?? -1} info={info} locked={locked} onChange={setClassMapping} />
            ))}
          </tbody>
        </table>
      ) : null}
      <p className={issue ? 'warnings class-map-status' : 'muted small class-map-status'} data-testid="class-map-status">
        {statusText(issue, labelMode, complete, classMap.length)}
      </p>
    </div>
  );
}

/** One dataset class and its select. */
function ClassRow({ name, index, value, info, locked, onChange }: {
  name: string; index: number; value: number; info: NonNullable<DatasetInfo['classMap']>; locked: boolean;
  onChange: (datasetClass: number, modelClass: number) => Promise<void>;
}): ReactElement {
  const ambiguous = info.ambiguous.find((a) => a.name === name);
  const flag = value >= 0 ? (info.byName[index] === value ? 'by name' : 'chosen') : ambiguous ? 'ambiguous' : 'unmatched';
  return (
    <tr className={value < 0 ? 'is-unmatched' : ''} data-testid="class-map-row">
      <td className="class-map-name" title={name}>{name}</td>
      <td>
        <select aria-label={`Model class for ${name}`} value={value} disabled={locked} onChange={(e) => void onChange(index, Number(e.target.value))}>
          <option value={-1}>— choose a model class —</option>
          {info.modelClasses.map((m, k) => <option key={k} value={k}>{m}</option>)}
        </select>
      </td>
      <td>
        <span className={`chip${value < 0 ? ' chip-warn' : ''}`} title={ambiguous ? `fits ${ambiguous.candidates.join(' and ')}` : undefined}>{flag}</span>
      </td>
    </tr>
  );
}
