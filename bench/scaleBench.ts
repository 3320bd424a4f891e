/**
 * Scale (table 5): time and peak tfjs memory of one forward and one score-training step (weights frozen)
 * against model size: the demo model, DeiT-Tiny, DeiT-Small and DeiT-Base shapes (random weights), on
 * tfjs wasm in Node. Each model runs in its own process (bench/scaleChild.ts): its wasm heap is then its
 * own high-water mark, and a model that runs out of wasm memory (4 GB) is reported instead of ending the bench.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { stats } from './benchCommon';
import { SKIP_BASE } from './benchConfig';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = fileURLToPath(new URL('./scaleChild.ts', import.meta.url));

/** Time and peak memory of one kind of work at one batch. */
export interface ScaleCell extends ReturnType<typeof stats> { batch: number; peakBytes: number }

/** One model of the scale table; a part that did not finish is null and `error` says why. */
export interface ScaleRow {
  model: string;
  params: number;
  /** Forward MACs per image. */
  macs: number;
  weightBytes: number;
  forward: ScaleCell | null;
  step: ScaleCell | null;
  /** The wasm heap at the end (it only grows: this model's high-water mark). */
  wasmHeapBytes: number | null;
  error: string | null;
}

/** The last line of `stderr` that names an error, e.g. "RuntimeError: memory access out of bounds". */
function errorLine(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => /^\w*Error\b/.test(l));
  const last = lines.at(-1)?.slice(0, 200) ?? 'the process ended early';
  return /Aborted|out of bounds/.test(last) ? `${last} (the wasm heap is capped at 4 GB)` : last;
}

/** Runs one model's child process and merges the JSON lines it printed. */
function scaleRow(key: string): ScaleRow {
  const child = spawnSync(`${ROOT}node_modules/.bin/tsx`, [CHILD, key], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20, env: process.env });
  const row: ScaleRow = { model: key, params: 0, macs: 0, weightBytes: 0, forward: null, step: null, wasmHeapBytes: null, error: null };
  for (const line of child.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const part = JSON.parse(line);
    if (part.model) Object.assign(row, { model: part.model.name, params: part.model.params, macs: part.model.macs });
    else Object.assign(row, part);
  }
  if (child.status !== 0) row.error = errorLine(child.stderr ?? '');
  process.stderr.write('.');
  return row;
}

/** The scale rows, smallest model first. */
export async function scaleRows(): Promise<ScaleRow[]> {
  const keys = SKIP_BASE ? ['demo', 'tiny', 'small'] : ['demo', 'tiny', 'small', 'base'];
  const rows = keys.map(scaleRow);
  process.stderr.write('\n');
  return rows;
}
