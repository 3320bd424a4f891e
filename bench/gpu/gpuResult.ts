/** The JSON both GPU benchmark halves write (bench/gpu/gpuBench.ts, tools/torch_gpu_bench.py), and its checked reader. */

/** One measurement: a forward pass (logits read back) or one score-training step, of one model at one batch. */
export interface GpuCell {
  /** "tiny" | "small" (DeiT sizes). */
  model: string;
  kind: 'forward' | 'step';
  batch: number;
  /** Milliseconds per call: median, min, max of the timed runs; absent when the cell failed. */
  medianMs?: number;
  minMs?: number;
  maxMs?: number;
  /** batch · 1000 / medianMs. */
  imagesPerSec?: number;
  /** Why the cell has no timing (e.g. out of memory). */
  error?: string;
}

/** A whole result file: which engine on which device, and its cells. */
export interface GpuResult {
  /** e.g. "tfjs-webgpu (Dawn)", "pytorch". */
  engine: string;
  /** Adapter or CUDA device name, and whether it is a software (fallback) adapter. */
  device: string;
  software: boolean;
  cells: GpuCell[];
  /** Anything else worth recording: versions, TF32 off, run counts. */
  meta?: Record<string, unknown>;
}

/** Parses and checks a result file's text; `what` names it in errors. */
export function parseGpuResult(text: string, what: string): GpuResult {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (err) { throw new Error(`${what}: not JSON (${(err as Error).message})`); }
  const r = raw as Partial<GpuResult>;
  if (typeof r !== 'object' || r === null || typeof r.engine !== 'string' || typeof r.device !== 'string' || !Array.isArray(r.cells)) {
    throw new Error(`${what}: expected {engine, device, software, cells[]}`);
  }
  for (const c of r.cells) {
    if (typeof c.model !== 'string' || (c.kind !== 'forward' && c.kind !== 'step') || !Number.isInteger(c.batch)) {
      throw new Error(`${what}: bad cell ${JSON.stringify(c)}`);
    }
  }
  return { engine: r.engine, device: r.device, software: r.software === true, cells: r.cells, meta: r.meta };
}
