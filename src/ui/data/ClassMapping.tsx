import { useId, type ReactElement } from 'react';
import type { LabelMode } from '../../data/classMatch';
import { labelsIssue } from '../../store/classMapState';
import { useStudio } from '../../store/studioStore';
import type { DatasetInfo } from '../../worker/engineApi';

/** The label modes offered, with what each means; only 'labels' works in this build. */
const MODES: { value: LabelMode; title: string; text: string; available: boolean }[] = [
  { value: 'labels', title: 'Labels', text: "each dataset class is one of the model's classes", available: true },
  { value: 'new-head', title: 'New head for these classes', text: 'not available yet', available: false },
  { value: 'label-free', title: 'Match the original model (no labels)', text: 'not available yet', available: false },
];

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

  return (
    <div className="class-map" data-testid="class-map">
      <fieldset className="format-list" disabled={locked}>
        <legend>Labels</legend>
        {MODES.map((m) => (
          <label key={m.value} className={`format-option${labelMode === m.value ? ' is-checked' : ''}`}>
            <input type="radio" name={modeName} value={m.value} checked={labelMode === m.value} onChange={() => void setLabelMode(m.value)} />
            <span className="format-title">{m.title}</span>
            <span className="format-text">{m.text}</span>
          </label>
        ))}
      </fieldset>
      {labelMode === 'labels' ? (
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
        {issue ? `Training and evaluation wait: ${issue}.`
          : `All ${classMap.length} dataset classes are mapped to the model's classes.`}
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
