import { CheckpointError, clipName, type CheckpointErrorCode } from './checkpointError';
import { sizeOf, type HostTensors } from '../model/hostTensor';

/** Key layout of a checkpoint: timm, Hugging Face transformers v4 / v5, or the studio's own. */
export type ImportSource = 'timm' | 'hf-v4' | 'hf-v5' | 'vtp';

/** One canonical tensor cut from rows [rowStart, rowEnd) of a source tensor. */
export interface KeyTarget {
  name: string;
  rowStart: number;
  rowEnd: number;
}

/** A tensor the file must hold under its source name, and the canonical tensors made from it. */
export interface SourceTensor {
  shape: number[];
  targets: KeyTarget[];
}

/** How one checkpoint layout maps onto the canonical names of expectedShapes(config). */
export interface KeyPlan {
  source: ImportSource;
  /** Expected tensors by source name, in canonical order. */
  tensors: Map<string, SourceTensor>;
  /** Source names skipped on purpose (reported as ignored keys, not as errors). */
  ignored(name: string): boolean;
  /** Block index of a source name, or undefined when it is not a per-block tensor. */
  blockOf(name: string): number | undefined;
  /** The config field that sets the depth, for messages. */
  depthField: string;
}

/** A tensor as a safetensors header lists it, with the file that holds it. */
export interface HeaderTensor {
  name: string;
  shape: number[];
  dtype: string;
  file: string;
}

/** Float dtypes the importer converts to float32. */
const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);
const MAX_LISTED_PROBLEMS = 4;

/** Plan for layouts whose tensors are renamed one to one (HF, the studio's own). */
export function renamePlan(
  expected: Map<string, number[]>, rename: (canonical: string) => string,
): Map<string, SourceTensor> {
  const tensors = new Map<string, SourceTensor>();
  for (const [name, shape] of expected) {
    tensors.set(rename(name), { shape, targets: [{ name, rowStart: 0, rowEnd: shape[0] ?? 1 }] });
  }
  return tensors;
}

/** The studio's own layout: source names are the canonical names. */
export function identityPlan(expected: Map<string, number[]>): KeyPlan {
  return {
    source: 'vtp',
    tensors: renamePlan(expected, (n) => n),
    ignored: () => false,
    blockOf: (name) => blockIndex(/^blocks\.(\d+)\./, name),
    depthField: 'depth',
  };
}

/** Index captured by `pattern` (first group) in `name`, or undefined. */
export function blockIndex(pattern: RegExp, name: string): number | undefined {
  const m = pattern.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** Throws CheckpointError('config') when the file's blocks are not exactly 0..depth-1 (none found: no check). */
export function checkDepth(plan: KeyPlan, names: readonly string[], depth: number, label: string, configFile: string): void {
  const found = new Set<number>();
  for (const name of names) {
    const i = plan.blockOf(name);
    if (i !== undefined) found.add(i);
  }
  const sorted = [...found].sort((a, b) => a - b);
  if (sorted.length === 0) return; // no block-shaped names at all: the key check explains better
  if (sorted.length === depth && (depth === 0 || sorted[depth - 1] === depth - 1)) return;
  const have = sorted.length === sorted[sorted.length - 1] + 1
    ? `${sorted.length} blocks (0..${sorted.length - 1})` : `blocks ${sorted.join(', ')}`;
  throw new CheckpointError('config',
    `${configFile} says ${plan.depthField} = ${depth} but ${label} has ${have}.`, { file: configFile });
}

interface Problem {
  code: CheckpointErrorCode;
  key: string;
  text: string;
}

/**
 * Compares the header tensors with the plan before any data is read. Every missing, wrong-shape and
 * unexpected tensor is collected; the first few are reported in one CheckpointError. Returns the
 * names skipped on purpose.
 */
export function checkHeader(plan: KeyPlan, entries: readonly HeaderTensor[], label: string, configFile: string): string[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const missing: Problem[] = [];
  const shapes: Problem[] = [];
  const unexpected: Problem[] = [];
  const ignored: string[] = [];
  for (const [name, want] of plan.tensors) {
    const entry = byName.get(name);
    if (!entry) missing.push({ code: 'missing-key', key: name, text: `missing ${name}` });
    else if (!sameShape(entry.shape, want.shape)) {
      shapes.push({ code: 'shape', key: name, text: `${name} has shape [${clipName(entry.shape.join(', '))}], expected [${want.shape.join(', ')}]` });
    } else checkDtype(entry);
  }
  for (const entry of entries) {
    if (plan.tensors.has(entry.name)) continue;
    if (plan.ignored(entry.name)) ignored.push(entry.name);
    else unexpected.push({ code: 'unexpected-key', key: entry.name, text: `unexpected ${clipName(entry.name)}` });
  }
  const total = missing.length + shapes.length + unexpected.length;
  if (total > 0) {
    const listed = interleave([missing, shapes, unexpected], MAX_LISTED_PROBLEMS);
    const more = (total > listed.length ? ` (+${total - listed.length} more)` : '') + layoutHint(plan, entries, configFile);
    const file = byName.get(listed[0].key)?.file ?? label;
    throw new CheckpointError(listed[0].code,
      `${label} does not match ${configFile}: ${listed.map((p) => p.text).join('; ')}${more}.`, { file, key: listed[0].key });
  }
  return ignored;
}

const LAYOUT_NAMES: Readonly<Record<ImportSource, string>> = {
  timm: 'timm', 'hf-v4': 'Hugging Face (transformers v4)', 'hf-v5': 'Hugging Face (transformers v5)', vtp: 'ViT Pruning Studio',
};

/** The layout the tensor names look like, judged from the names alone. */
export function guessLayout(names: readonly string[]): ImportSource | undefined {
  if (names.some((n) => /(^|\.)encoder\.layer\.\d+\./.test(n))) return 'hf-v4';
  if (names.some((n) => /(^|\.)layers\.\d+\.attention\.q_proj\./.test(n))) return 'hf-v5';
  if (names.some((n) => /^blocks\.\d+\.attn\.qkv\./.test(n))) return 'timm';
  if (names.some((n) => /^blocks\.\d+\.attn\.q\./.test(n))) return 'vtp';
  return undefined;
}

/** " (the weights look like ...)" when the names follow another layout than the config's. */
function layoutHint(plan: KeyPlan, entries: readonly HeaderTensor[], configFile: string): string {
  const guess = guessLayout(entries.map((e) => e.name));
  if (!guess || guess === plan.source) return '';
  return `; the weights look like a ${LAYOUT_NAMES[guess]} checkpoint but ${configFile} is a ${LAYOUT_NAMES[plan.source]} config`;
}

/** Up to `max` problems taken in turn from each kind, so that every kind present is shown. */
function interleave(kinds: Problem[][], max: number): Problem[] {
  const out: Problem[] = [];
  for (let i = 0; out.length < max && kinds.some((k) => i < k.length); i++) {
    for (const kind of kinds) if (i < kind.length && out.length < max) out.push(kind[i]);
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Weights must be stored as floats (integer / quantised tensors are refused). */
function checkDtype(entry: HeaderTensor): void {
  if (FLOAT_DTYPES.has(entry.dtype)) return;
  throw new CheckpointError('dtype',
    `${entry.file}: ${entry.name} is stored as ${entry.dtype}; model weights must be F32, F16 or BF16 ` +
    '(quantised checkpoints are not supported).', { file: entry.file, key: entry.name });
}

/** Canonical tensors from the source tensors (rows sliced where one source feeds several). */
export function applyPlan(plan: KeyPlan, source: HostTensors): HostTensors {
  const out: HostTensors = new Map();
  for (const [name, want] of plan.tensors) {
    const tensor = source.get(name);
    if (!tensor) throw new CheckpointError('missing-key', `missing ${name}.`, { key: name });
    const rowSize = sizeOf(tensor.shape.slice(1));
    for (const t of want.targets) {
      const whole = want.targets.length === 1;
      const data = whole ? tensor.data : tensor.data.slice(t.rowStart * rowSize, t.rowEnd * rowSize);
      const shape = whole ? [...tensor.shape] : [t.rowEnd - t.rowStart, ...tensor.shape.slice(1)];
      out.set(t.name, { shape, data });
    }
  }
  return out;
}

/** Throws CheckpointError('values') naming the first planned tensor that holds NaN or Inf. */
export function checkFinite(plan: KeyPlan, source: HostTensors, label: string, fileOf: (name: string) => string): void {
  const bad: { name: string; count: number }[] = [];
  for (const name of plan.tensors.keys()) {
    const data = source.get(name)?.data;
    if (!data) continue;
    let count = 0;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) count++;
    if (count > 0) bad.push({ name, count });
  }
  if (bad.length === 0) return;
  const [first] = bad;
  const others = bad.length > 1 ? ` (and ${bad.length - 1} more tensors with NaN/Inf)` : '';
  throw new CheckpointError('values',
    `${label}: ${first.name} has ${first.count} NaN/Inf value${first.count === 1 ? '' : 's'}${others}.`,
    { file: fileOf(first.name), key: first.name });
}
