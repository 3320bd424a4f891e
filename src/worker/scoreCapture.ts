/**
 * Score snapshots during training without touching the training loop: the gated forward pass is
 * wrapped so that, at most every `intervalMs`, it keeps a copy of the step's gates (the scores the
 * step's loss is computed with). The copy is read back after the step with `await data()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GATE_NAMES } from '../model/gateLayout';
import type { BlockGates } from '../model/vitGates';
import { RateLimiter } from './rateLimiter';

/** Captured flat scores (layout order: block by block, gates in GATE_NAMES order) and the updates they follow. */
export interface CapturedScores { flat: Float32Array; updates: number }

/** Options of a capture: the smallest gap between two captures and the clock. */
export interface ScoreCaptureOptions { intervalMs: number; now: () => number }

/** Defaults: at most two captures a second. */
export const SCORE_CAPTURE_DEFAULTS: ScoreCaptureOptions = { intervalMs: 500, now: () => performance.now() };

/** Keeps a throttled copy of the gates seen by the forward pass. */
export class ScoreCapture {
  private pending: tf.Tensor1D | null = null;
  private pendingUpdates = 0;
  private calls = 0;
  private readonly limiter: RateLimiter;

  /** A capture that starts counting forward calls at `updatesBefore` (updates applied before this segment). */
  constructor(private readonly updatesBefore: number, options: Partial<ScoreCaptureOptions> = {}) {
    const opts = { ...SCORE_CAPTURE_DEFAULTS, ...options };
    this.limiter = new RateLimiter({ intervalMs: opts.intervalMs, now: opts.now });
  }

  /** Wraps a gated forward pass so that it captures its gates when due. */
  wrap(forward: (x: tf.Tensor4D, gates: BlockGates[]) => tf.Tensor2D): (x: tf.Tensor4D, gates: BlockGates[]) => tf.Tensor2D {
    return (x, gates) => {
      this.calls += 1;
      if (this.limiter.accept()) this.keep(gates);
      return forward(x, gates);
    };
  }

  private keep(gates: BlockGates[]): void {
    this.pending?.dispose();
    const parts = gates.flatMap((g) => GATE_NAMES.map((name) => g[name]!));
    this.pending = tf.keep(tf.concat(parts) as tf.Tensor1D);
    this.pendingUpdates = this.updatesBefore + this.calls - 1;
  }

  /** True when a capture waits to be taken. */
  get holding(): boolean {
    return this.pending !== null;
  }

  /** Reads back and frees the latest capture, or null when there is none. */
  async take(): Promise<CapturedScores | null> {
    const t = this.pending;
    if (!t) return null;
    this.pending = null;
    try {
      return { flat: (await t.data()) as Float32Array, updates: this.pendingUpdates };
    } finally {
      t.dispose();
    }
  }

  /** Frees a capture not taken (ignoring errors from a lost device). */
  dispose(): void {
    try { this.pending?.dispose(); } catch { /* device gone */ }
    this.pending = null;
  }
}
