/** Options of the GPU benchmark's tfjs half, parsed from `--key value` arguments. */
import type { DeitSize } from '../modelShapes';

/** What bench/gpu/gpuBench.ts measures. */
export interface GpuBenchOptions {
  /** DeiT sizes, in order. */
  models: DeitSize[];
  /** Forward-pass batch sizes. */
  batches: number[];
  /** Batch of the score-training step; 0 skips the step. */
  stepBatch: number;
  /** Untimed and timed calls per cell. */
  warmup: number;
  runs: number;
  /** File the JSON result is written to (also printed); '' = stdout only. */
  out: string;
  /** Options passed to Dawn's create(), e.g. "backend=vulkan". */
  dawn: string[];
  /** Input size in px (square, multiple of 16); 224 = DeiT. Smaller only to check the script on a software adapter. */
  image: number;
}

/** Defaults: both DeiT sizes, forward at batch 1, 16 and 64, a score step at 64, 2 warm-ups, 5 timed runs. */
export const GPU_BENCH_DEFAULTS: GpuBenchOptions = {
  models: ['tiny', 'small'], batches: [1, 16, 64], stepBatch: 64, warmup: 2, runs: 5, out: '', dawn: [], image: 224,
};

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

function positiveInts(key: string, v: string, allowZero = false): number[] {
  const xs = list(v).map(Number);
  if (!xs.length || xs.some((x) => !Number.isInteger(x) || x < (allowZero ? 0 : 1))) throw new Error(`--${key} wants ${allowZero ? 'non-negative' : 'positive'} integers, got "${v}"`);
  return xs;
}

/** Parses argv (after the script name); throws a one-line message on an unknown key or bad value. */
export function parseGpuBenchArgs(argv: string[]): GpuBenchOptions {
  const o: GpuBenchOptions = { ...GPU_BENCH_DEFAULTS };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`--${key} needs a value`);
    if (key === 'models') {
      const ms = list(v);
      const bad = ms.find((m) => m !== 'tiny' && m !== 'small' && m !== 'base');
      if (bad || !ms.length) throw new Error(`--models wants tiny, small or base, got "${v}"`);
      o.models = ms as DeitSize[];
    } else if (key === 'batches') o.batches = positiveInts(key, v);
    else if (key === 'step-batch') o.stepBatch = positiveInts(key, v, true)[0];
    else if (key === 'warmup') o.warmup = positiveInts(key, v, true)[0];
    else if (key === 'runs') o.runs = positiveInts(key, v)[0];
    else if (key === 'out') o.out = v;
    else if (key === 'dawn') o.dawn = list(v);
    else if (key === 'image') {
      o.image = positiveInts(key, v)[0];
      if (o.image % 16) throw new Error(`--image must be a multiple of the patch size 16, got ${o.image}`);
    }
    else throw new Error(`unknown option --${key} (models, batches, step-batch, warmup, runs, out, dawn, image)`);
  }
  return o;
}
