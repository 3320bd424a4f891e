import { useEffect, useId, useState, type ReactElement } from 'react';

/**
 * A labelled number input that keeps what the person types and commits only valid numbers in
 * [min, max] (integers when `integer`); an invalid entry is marked and explained, never sent.
 */
export function NumberField(props: {
  label: string;
  value: number;
  onCommit: (value: number) => void;
  min: number;
  max: number;
  step?: number | 'any';
  integer?: boolean;
  disabled?: boolean;
  hint?: string;
}): ReactElement {
  const id = useId();
  const [text, setText] = useState(String(props.value));
  useEffect(() => {
    setText((t) => (Number(t) === props.value ? t : String(props.value)));
  }, [props.value]);
  const parsed = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(parsed) && parsed >= props.min && parsed <= props.max &&
    (!props.integer || Number.isInteger(parsed));
  const problem = valid ? null : `${props.integer ? 'A whole number' : 'A number'} from ${props.min} to ${props.max}`;
  return (
    <div className={`field${valid ? '' : ' is-invalid'}`}>
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode={props.integer ? 'numeric' : 'decimal'}
        min={props.min}
        max={props.max}
        step={props.step ?? (props.integer ? 1 : 'any')}
        value={text}
        disabled={props.disabled}
        aria-invalid={!valid}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const n = Number(t);
          if (t.trim() !== '' && Number.isFinite(n) && n >= props.min && n <= props.max && (!props.integer || Number.isInteger(n))) {
            props.onCommit(n);
          }
        }}
      />
      <span className="field-hint" id={`${id}-hint`}>{problem ?? props.hint ?? ''}</span>
    </div>
  );
}
