/**
 * Backend choice by measurement: on every usable backend, one warm-up forward pass of the loaded model at a
 * tiny batch, then a timed forward pass and, when its share of the budget allows, one timed score step
 * (forward and backward to the VTP gates). A backend whose work overruns its share of the budget is
 * abandoned (its result is never waited for). The fastest wins; a software adapter only when it measured faster.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { HostTensors } from '../model/hostTensor';
import type { VitConfig } from '../model/vitConfig';
import { vitLogits } from '../model/vitForward';
import { disposeGates, GATE_NAMES, onesGates } from '../model/vitGates';
import { disposeVitParams, vitParams } from '../model/vitParams';
import { crossEntropy } from '../train/loss';
import type { BackendMeasurement, BackendName } from './engineApi';

/** Options of a measurement: total budget (ms), images per pass, clock (ms). */
export interface MeasureOptions { budgetMs: number; batch: number; now: () => number }

/** Defaults: 2 s in all, batch 2, performance.now(). */
export const MEASURE_DEFAULTS: MeasureOptions = { budgetMs: 2000, batch: 2, now: () => performance.now() };

/** What the caller provides per backend: activate it (null when usable, else the reason) and whether it is a software adapter. */
export interface MeasureTarget {
  activate: (name: BackendName) => Promise<string | null>;
  software: (name: BackendName) => Promise<string | null>;
}

/** Resolves `work` or null when it takes longer than `ms` (the work itself is left to finish on its own). */
async function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), Math.max(0, ms)); });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One forward pass on random images [B, C, H, W], read back with `await data()`; the tensors are disposed when it ends. */
function forwardPass(cfg: VitConfig, host: HostTensors, batch: number): { run: () => Promise<void>; dispose: () => void } {
  const params = vitParams(cfg, host);
  const x = tf.randomNormal([batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]], 0, 1, 'float32', 1) as tf.Tensor4D; // [B, C, H, W]
  return {
    run: async () => {
      const logits = tf.tidy(() => vitLogits(params, x));
      try { await logits.data(); } finally { logits.dispose(); }
    },
    dispose: () => { disposeVitParams(params); x.dispose(); },
  };
}

/** One score step's gradient (cross-entropy to the gates of every block) on the same images. */
function scoreStep(cfg: VitConfig, host: HostTensors, batch: number): { run: () => Promise<void>; dispose: () => void } {
  const params = vitParams(cfg, host);
  const gates = onesGates(cfg, true);
  const x = tf.randomNormal([batch, cfg.inChans, cfg.imageSize[0], cfg.imageSize[1]], 0, 1, 'float32', 2) as tf.Tensor4D; // [B, C, H, W]
  const y = tf.tensor1d(Array.from({ length: batch }, (_, i) => i % cfg.numClasses), 'int32');
  const vars = gates.flatMap((g) => GATE_NAMES.map((n) => g[n] as tf.Variable));
  return {
    run: async () => {
      const { value, grads } = tf.variableGrads(() => crossEntropy(vitLogits(params, x, gates), y), vars);
      try { await Promise.all([value.data(), ...Object.values(grads).map((g) => g.data())]); } finally {
        value.dispose();
        tf.dispose(Object.values(grads));
      }
    },
    dispose: () => { disposeVitParams(params); disposeGates(gates); x.dispose(); y.dispose(); },
  };
}

/** Runs `make().run` once to warm up and once timed, within `shareMs` in all; the timed ms, or a reason. */
async function timed(make: () => { run: () => Promise<void>; dispose: () => void }, shareMs: number, now: () => number): Promise<number | string> {
  const start = now();
  const pass = make();
  let finished = false;
  try {
    // A pass that blocks the thread (a synchronous shader compile) is caught by the clock afterwards.
    const warm = await within(pass.run(), shareMs);
    finished = warm !== null;
    if (warm === null || now() - start > shareMs) return `the first pass overran its ${Math.round(shareMs)} ms share`;
    const t0 = now();
    const done = await within(pass.run(), shareMs - (t0 - start));
    finished = done !== null;
    const t1 = now();
    if (done === null || t1 - start > shareMs) return `overran its ${Math.round(shareMs)} ms share`;
    return t1 - t0;
  } finally {
    if (finished) pass.dispose();
    else setTimeout(() => pass.dispose(), 0); // abandoned: disposed once the thread is free (its data() still settles)
  }
}

/** Measures every candidate (best first in `order`; WASM is measured first as the reference) within the budget. */
export async function measureBackends(candidates: readonly BackendName[], cfg: VitConfig, host: HostTensors, target: MeasureTarget,
  options: Partial<MeasureOptions> = {}): Promise<BackendMeasurement[]> {
  const opts = { ...MEASURE_DEFAULTS, ...options };
  const order = [...candidates].sort((a, b) => Number(b === 'wasm') - Number(a === 'wasm'));
  const start = opts.now();
  const results: BackendMeasurement[] = [];
  for (const [i, backend] of order.entries()) {
    const left = opts.budgetMs - (opts.now() - start);
    // WASM, the reference every other backend must beat, gets half the budget when others follow; the rest share what is left.
    const share = backend === 'wasm' && order.length > 1 ? left / 2 : left / (order.length - i);
    if (share <= 0) { results.push({ backend, forwardMs: null, stepMs: null, software: false, note: `no time left of the ${opts.budgetMs} ms budget` }); continue; }
    const started = await within(target.activate(backend).then((reason) => ({ reason })), share);
    const refused = started ? started.reason : `did not start within its ${Math.round(share)} ms share`;
    const software = refused ? null : await target.software(backend);
    const m: BackendMeasurement = { backend, forwardMs: null, stepMs: null, software: software !== null, note: refused ?? software ?? undefined };
    results.push(m);
    if (refused) continue;
    const t0 = opts.now();
    const forward = await timed(() => forwardPass(cfg, host, opts.batch), share, opts.now);
    if (typeof forward === 'string') { m.note = [m.note, forward].filter(Boolean).join('; '); continue; }
    m.forwardMs = forward;
    const shareLeft = share - (opts.now() - t0);
    // A score step costs about three forward passes, and it is run twice (warm-up, timed).
    if (shareLeft > 8 * forward) {
      const step = await timed(() => scoreStep(cfg, host, opts.batch), shareLeft, opts.now);
      if (typeof step === 'number') m.stepMs = step;
    }
  }
  return results;
}

/**
 * The fastest measured backend: by score step when every backend with a forward time has one, else by
 * forward pass; a software adapter must be strictly faster than the fastest hardware or WASM backend.
 */
export function fastestBackend(measurements: readonly BackendMeasurement[]): BackendName | null {
  const timedOnes = measurements.filter((m) => m.forwardMs !== null);
  if (timedOnes.length === 0) return null;
  const byStep = timedOnes.every((m) => m.stepMs !== null);
  const cost = (m: BackendMeasurement) => (byStep ? m.stepMs! : m.forwardMs!);
  const sorted = [...timedOnes].sort((a, b) => cost(a) - cost(b) || Number(a.software) - Number(b.software));
  return sorted[0].backend;
}
