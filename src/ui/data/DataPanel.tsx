import { useEffect, useId, useMemo, useRef, useState, type ReactElement } from 'react';
import { useStudio } from '../../store/studioStore';
import type { DatasetInfo } from '../../worker/engineApi';
import { DropZone } from '../common/DropZone';
import { FileButton } from '../common/FileButton';
import { formatPercent } from '../common/format';
import { isBusy, JobProgress } from '../common/JobProgress';
import { EmptyState, Panel } from '../common/Panel';
import { Thumbnail } from '../common/Thumbnail';
import { ClassMapping } from './ClassMapping';
import { NewHeadSection } from './NewHeadSection';

/** Classes with fewer images than this (train + validation) are flagged as tiny. */
const TINY_CLASS = 10;
/** A class this many times smaller than the largest is flagged as under-represented. */
const IMBALANCE_RATIO = 3;
const THUMBS_PER_CLASS = 6;

/** Step 2: the data. Shipped sample or an upload; thumbnails, counts, split, warnings, skipped files. */
export function DataPanel(): ReactElement {
  const dataset = useStudio((s) => s.dataset);
  const job = useStudio((s) => s.datasetJob);
  const trainBusy = useStudio((s) => isBusy(s.trainJob));
  const useSampleDataset = useStudio((s) => s.useSampleDataset);
  const importDataset = useStudio((s) => s.importDataset);
  const [className, setClassName] = useState('');
  const classId = useId();
  const busy = isBusy(job);

  const upload = (files: File[]): void => {
    void importDataset(files, className.trim() === '' ? undefined : className.trim());
  };

  return (
    <Panel
      step={2}
      title="Data"
      subtitle="A small labelled set: scores are trained on it and accuracy is measured on its validation split."
      testId="data-panel"
      actions={
        <button type="button" className="btn" onClick={() => void useSampleDataset()} disabled={busy || trainBusy}>
          Use demo dataset
        </button>
      }
    >
      <JobProgress job={job} label="Dataset loading progress" onRetry={() => void useSampleDataset()} testId="data-job" />
      <NewHeadSection />

      {dataset ? (
        <DatasetView dataset={dataset} locked={trainBusy || busy} />
      ) : busy ? (
        <div className="skeleton-grid" aria-hidden="true">
          {Array.from({ length: 12 }, (_, i) => <div key={i} className="skeleton-thumb" />)}
        </div>
      ) : (
        <EmptyState title="No dataset yet">
          Use the demo dataset (a few thousand Fashion-MNIST images), or upload your own below.
        </EmptyState>
      )}

      <DropZone
        onFiles={upload}
        disabled={busy || trainBusy}
        hint="…or drop a folder with one subfolder per class, a .zip of class folders, or images here. Images uploaded with a class name are added to that class; other uploads replace the dataset."
        testId="data-dropzone"
      >
        <div className="upload-grid">
          <FileButton label="Upload image folder" directory onFiles={upload} disabled={busy || trainBusy} testId="upload-folder" />
          <FileButton label="Upload images" multiple accept="image/*,.zip" onFiles={upload} disabled={busy || trainBusy} testId="upload-images" />
          <div className="field inline">
            <label htmlFor={classId}>Class name</label>
            <input
              id={classId}
              type="text"
              value={className}
              placeholder="for loose images"
              onChange={(e) => setClassName(e.target.value)}
              maxLength={80}
            />
          </div>
        </div>
      </DropZone>
    </Panel>
  );
}

interface ClassRow {
  label: number;
  name: string;
  train: number;
  val: number;
  total: number;
  flags: string[];
}

function classRows(ds: DatasetInfo): ClassRow[] {
  const totals = ds.classNames.map((_, i) => (ds.trainCounts[i] ?? 0) + (ds.valCounts[i] ?? 0));
  const largest = Math.max(1, ...totals);
  return ds.classNames.map((name, i) => {
    const flags: string[] = [];
    if (totals[i] < TINY_CLASS) flags.push(totals[i] === 0 ? 'no images' : 'tiny');
    else if (totals[i] * IMBALANCE_RATIO <= largest) flags.push('under-represented');
    if ((ds.valCounts[i] ?? 0) === 0 && totals[i] > 0) flags.push('none in validation');
    return { label: i, name, train: ds.trainCounts[i] ?? 0, val: ds.valCounts[i] ?? 0, total: totals[i], flags };
  });
}

function DatasetView({ dataset, locked }: { dataset: DatasetInfo; locked: boolean }): ReactElement {
  const rows = useMemo(() => classRows(dataset), [dataset]);
  const thumbsByClass = useMemo(() => {
    const map = new Map<number, DatasetInfo['thumbnails']>();
    for (const t of dataset.thumbnails) {
      const list = map.get(t.label) ?? [];
      if (list.length < THUMBS_PER_CLASS) list.push(t);
      map.set(t.label, list);
    }
    return map;
  }, [dataset]);
  const trainTotal = dataset.trainCounts.reduce((a, b) => a + b, 0);
  const valTotal = dataset.valCounts.reduce((a, b) => a + b, 0);
  const largest = Math.max(1, ...rows.map((r) => r.total));
  const flagged = rows.filter((r) => r.flags.length > 0);

  return (
    <div className="dataset" data-testid="dataset">
      <div className="dataset-head">
        <span className="model-name">{dataset.name}</span>
        <span className="muted">
          {dataset.classNames.length} classes · {trainTotal.toLocaleString('en-US')} training · {valTotal.toLocaleString('en-US')} validation images
        </span>
      </div>

      <SplitSlider valFraction={valTotal / Math.max(1, trainTotal + valTotal)} total={trainTotal + valTotal} disabled={locked} />

      <ClassMapping dataset={dataset} locked={locked} />

      {dataset.warnings.length > 0 || flagged.length > 0 ? (
        <ul className="warnings" aria-label="Dataset warnings" data-testid="dataset-warnings">
          {dataset.warnings.map((w, i) => <li key={`w${i}`}>{w}</li>)}
          {flagged.length > 0 && dataset.warnings.length === 0 ? (
            <li>
              Check the class balance: {flagged.map((r) => `${r.name} (${r.flags.join(', ')})`).join('; ')}.
            </li>
          ) : null}
        </ul>
      ) : null}

      <ul className="class-list" aria-label="Classes">
        {rows.map((r) => (
          <li key={r.label} className={`class-card${r.flags.length ? ' is-flagged' : ''}`} data-testid="class-card">
            <div className="class-head">
              <span className="class-name" title={r.name}>{r.name}</span>
              <span className="class-count">{r.train} train · {r.val} val</span>
            </div>
            <div className="class-bar" aria-hidden="true">
              <span style={{ width: `${(100 * r.total) / largest}%` }} />
            </div>
            <div className="thumbs">
              {(thumbsByClass.get(r.label) ?? []).map((t, i) => (
                <Thumbnail key={i} pixels={t.pixels} shape={t.shape} title={`${r.name}, example ${i + 1}`} size={30} />
              ))}
              {(thumbsByClass.get(r.label) ?? []).length === 0 ? <span className="muted small">no preview</span> : null}
            </div>
            {r.flags.length > 0 ? (
              <div className="chips">{r.flags.map((f) => <span key={f} className="chip chip-warn">{f}</span>)}</div>
            ) : null}
          </li>
        ))}
      </ul>

      {dataset.skipped.length > 0 ? (
        <details className="skipped" data-testid="skipped-files" open={dataset.skipped.length <= 5}>
          <summary>
            {dataset.skipped.length} file{dataset.skipped.length === 1 ? '' : 's'} skipped
          </summary>
          <ul>
            {dataset.skipped.slice(0, 200).map((s, i) => (
              <li key={i}>
                <span className="file-name">{s.file}</span> <span className="muted">— {s.reason}</span>
              </li>
            ))}
            {dataset.skipped.length > 200 ? <li className="muted">…and {dataset.skipped.length - 200} more</li> : null}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/** Validation split control: local value while dragging, sent to the worker after a short pause. */
function SplitSlider({ valFraction, total, disabled }: { valFraction: number; total: number; disabled: boolean }): ReactElement {
  const storeFraction = useStudio((s) => s.valFraction);
  const setValFraction = useStudio((s) => s.setValFraction);
  const [value, setValue] = useState(Math.round((storeFraction || valFraction) * 100));
  const timer = useRef<number | null>(null);
  const id = useId();

  useEffect(() => {
    setValue(Math.round(storeFraction * 100));
  }, [storeFraction]);
  useEffect(() => () => {
    if (timer.current !== null) window.clearTimeout(timer.current);
  }, []);

  const change = (v: number): void => {
    setValue(v);
    if (timer.current !== null) window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      timer.current = null;
      void setValFraction(v / 100);
    }, 300);
  };
  const valCount = Math.round((total * value) / 100);
  return (
    <div className="field slider-field">
      <label htmlFor={id}>Validation split</label>
      <input
        id={id}
        type="range"
        min={5}
        max={50}
        step={1}
        value={value}
        disabled={disabled}
        aria-valuetext={`${value}% for validation, about ${valCount} images`}
        onChange={(e) => change(Number(e.target.value))}
      />
      <span className="slider-value">{formatPercent(value / 100, 0)} validation · {100 - value}% training</span>
    </div>
  );
}
