import { useId, type ReactElement, type ReactNode } from 'react';

/** A card of the studio: numbered heading, optional header actions, body. */
export function Panel(props: {
  step: number;
  title: string;
  subtitle?: string;
  actions?: ReactNode;
  className?: string;
  testId?: string;
  children: ReactNode;
}): ReactElement {
  const id = useId();
  return (
    <section
      className={`panel ${props.className ?? ''}`}
      aria-labelledby={id}
      data-testid={props.testId}
    >
      <header className="panel-header">
        <span className="panel-step" aria-hidden="true">{props.step}</span>
        <div className="panel-titles">
          <h2 id={id}>{props.title}</h2>
          {props.subtitle ? <p className="panel-subtitle">{props.subtitle}</p> : null}
        </div>
        {props.actions ? <div className="panel-actions">{props.actions}</div> : null}
      </header>
      <div className="panel-body">{props.children}</div>
    </section>
  );
}

/** The designed empty state of a panel: what is missing and what to do. */
export function EmptyState(props: { title: string; children?: ReactNode }): ReactElement {
  return (
    <div className="empty-state">
      <p className="empty-title">{props.title}</p>
      {props.children ? <div className="empty-text">{props.children}</div> : null}
    </div>
  );
}

/** A labelled key figure; the label names the value for assistive technology and tests. */
export function Figure(props: {
  label: string;
  value: ReactNode;
  detail?: ReactNode;
  pending?: boolean;
  testId?: string;
  tone?: 'default' | 'good' | 'warn';
}): ReactElement {
  const id = useId();
  return (
    <div className={`figure figure-${props.tone ?? 'default'}${props.pending ? ' is-pending' : ''}`}>
      <span className="figure-label" id={id}>{props.label}</span>
      <output className="figure-value" aria-labelledby={id} data-testid={props.testId} aria-busy={props.pending ? true : undefined}>
        {props.value}
      </output>
      {props.detail ? <span className="figure-detail" title={typeof props.detail === 'string' ? props.detail : undefined}>{props.detail}</span> : null}
    </div>
  );
}
