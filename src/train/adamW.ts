import * as tf from '@tensorflow/tfjs-core';

/** Adam hyper-parameters; weight decay is decoupled (AdamW, PyTorch semantics): w ← w·(1 − lr·wd) before the Adam step. */
export interface AdamWOptions {
  /** First-moment decay β1. */
  beta1: number;
  /** Second-moment decay β2. */
  beta2: number;
  /** Denominator epsilon, added after the bias-corrected square root (as PyTorch). */
  eps: number;
  /** Decoupled weight decay per unit learning rate; applied only to variables flagged `decay`. */
  weightDecay: number;
}

/** PyTorch's AdamW defaults except weightDecay = 0 (plain Adam unless asked). */
export const ADAMW_DEFAULTS: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 };

/** One variable under the optimizer and whether weight decay applies to it (default true). */
export interface AdamWParam { variable: tf.Variable; decay?: boolean }

interface Slot { variable: tf.Variable; decay: boolean; m: tf.Variable; v: tf.Variable; t: number }

/** Gradients keyed by variable name (what tf.variableGrads returns); null or missing = skip that variable. */
export type NamedGrads = Record<string, tf.Tensor | null | undefined>;

/**
 * Adam with decoupled weight decay over a fixed list of tf.Variables, updated in place with `assign`.
 * State m, v are float32 variables shaped like each parameter; the learning rate is given per `step`
 * call so that a schedule can drive it. Call `dispose()` to free the state (not the parameters).
 */
export class AdamW {
  readonly options: AdamWOptions;
  private readonly slots: Slot[];

  /** Wraps `params` (plain variables get decay = true); the variables stay owned by the caller. */
  constructor(params: ReadonlyArray<tf.Variable | AdamWParam>, options: Partial<AdamWOptions> = {}) {
    this.options = { ...ADAMW_DEFAULTS, ...options };
    this.slots = params.map((p) => {
      const { variable, decay = true } = p instanceof tf.Variable ? { variable: p } : p;
      return {
        variable,
        decay,
        m: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        v: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        t: 0,
      };
    });
  }

  /** Number of updates applied to the first variable (each variable counts its own, like PyTorch). */
  get stepCount(): number {
    return this.slots.length > 0 ? this.slots[0].t : 0;
  }

  /**
   * One AdamW update with learning rate `lr` (per call); variables without a gradient are left untouched.
   * Scalars are shared across variables (one per distinct step count), keeping small uploads per step O(1).
   */
  step(grads: NamedGrads, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.options;
    tf.tidy(() => {
      const decay = tf.scalar(1 - lr * weightDecay);
      const corrections = new Map<number, { stepSize: tf.Scalar; rootBc2: tf.Scalar }>();
      const correction = (t: number) => {
        if (!corrections.has(t)) corrections.set(t, { stepSize: tf.scalar(lr / (1 - beta1 ** t)), rootBc2: tf.scalar(Math.sqrt(1 - beta2 ** t)) });
        return corrections.get(t)!;
      };
      const [b1, c1, b2, c2, epsT] = [beta1, 1 - beta1, beta2, 1 - beta2, eps].map((v) => tf.scalar(v));
      for (const slot of this.slots) {
        const g = grads[slot.variable.name];
        if (!g) continue;
        slot.t += 1;
        const { stepSize, rootBc2 } = correction(slot.t);
        const m = tf.add(tf.mul(slot.m, b1), tf.mul(g, c1));
        const v = tf.add(tf.mul(slot.v, b2), tf.mul(tf.square(g), c2));
        const denom = tf.add(tf.div(tf.sqrt(v), rootBc2), epsT);
        const decayed = slot.decay && weightDecay !== 0 ? tf.mul(slot.variable, decay) : slot.variable;
        slot.m.assign(m);
        slot.v.assign(v);
        slot.variable.assign(tf.sub(decayed, tf.mul(tf.div(m, denom), stepSize)));
      }
    });
  }

  /** Frees the moment estimates; the parameters themselves are not disposed. */
  dispose(): void {
    for (const slot of this.slots) {
      slot.m.dispose();
      slot.v.dispose();
    }
    this.slots.length = 0;
  }
}
