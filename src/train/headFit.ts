/**
 * A linear classifier fitted on fixed features: multinomial logistic regression with an L2 penalty,
 * full-batch Adam on standardised features, folded back into a head over the raw features.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamW } from './adamW';
import { crossEntropy } from './loss';
import { warmupCosine } from './schedule';
import { yieldToEventLoop } from './yieldToEventLoop';

/** Options of fitLinearHead. */
export interface HeadFitOptions {
  /** Full-batch Adam steps. */
  steps: number;
  /** Peak Adam learning rate (5% warm-up, cosine decay to 0). */
  lr: number;
  /** L2 penalty λ in mean CE + (λ/2)·‖W‖² (W over the standardised features, bias free). */
  l2: number;
}

/** 300 steps, lr 0.05, λ = 1e-3: converges to the optimum within ~1e-3 of the loss on D ≤ 768 (tests/unit/newHead.test.ts). */
export const HEAD_FIT_DEFAULTS: HeadFitOptions = { steps: 300, lr: 0.05, l2: 1e-3 };

/** A fitted head over the raw features, in PyTorch order. */
export interface FittedHead {
  /** Weight [classes, D], row-major. */
  weight: Float32Array;
  /** Bias [classes]. */
  bias: Float32Array;
  /** Final training objective (mean CE + L2 term, nats). */
  loss: number;
}

/** Per-column mean and standard deviation (population; 1 where a column is constant) of row-major [n, d]. */
export function columnMoments(x: Float32Array, n: number, d: number): { mean: Float32Array; std: Float32Array } {
  const mean = new Float32Array(d);
  const std = new Float32Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j] += (x[i * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = std[j] > 1e-12 ? Math.sqrt(std[j]) : 1;
  return { mean, std };
}

/**
 * Multinomial logistic regression of `labels` (int [n], each in 0..classes-1) on `features` (row-major
 * [n, d]): features standardised per column z = (x − μ)/σ, W [d, classes] and b from zero minimise
 * mean CE(zW + b) + (λ/2)·‖W‖² by full-batch Adam; returned folded for raw x: weight = (W/σ)ᵀ,
 * bias = b − Σ_d μ_d·W_d/σ_d. Deterministic; reads back only at the end (async: WebGPU-safe); every tensor is disposed.
 */
export async function fitLinearHead(features: Float32Array, labels: Int32Array, d: number, classes: number,
  options: Partial<HeadFitOptions> = {}, onProgress?: (step: number, steps: number) => void): Promise<FittedHead> {
  const opts = { ...HEAD_FIT_DEFAULTS, ...options };
  const n = labels.length;
  if (n === 0 || features.length !== n * d) throw new Error(`features hold ${features.length} values, expected ${n} × ${d}`);
  if (labels.some((l) => l < 0 || l >= classes)) throw new Error(`labels must be in 0..${classes - 1}`);
  const { mean, std } = columnMoments(features, n, d);
  const z = tf.tidy(() => tf.div(tf.sub(tf.tensor2d(features, [n, d]), tf.tensor1d(mean)), tf.tensor1d(std)) as tf.Tensor2D); // [n, d]
  const y = tf.tensor1d(labels, 'int32');
  const w = tf.tidy(() => tf.variable(tf.zeros([d, classes]), true)); // [d, classes]
  const b = tf.tidy(() => tf.variable(tf.zeros([classes]), true)); // [classes]
  const optimizer = new AdamW([w, b], { weightDecay: 0 });
  const objective = () => tf.tidy(() => tf.add(crossEntropy(tf.add(tf.matMul(z, w), b) as tf.Tensor2D, y),
    tf.mul(tf.sum(tf.square(w)), opts.l2 / 2)) as tf.Scalar);
  try {
    for (let s = 0; s < opts.steps; s++) {
      const { value, grads } = tf.variableGrads(objective, [w, b]);
      optimizer.step(grads, warmupCosine(opts.lr, s, opts.steps));
      value.dispose();
      tf.dispose(Object.values(grads));
      if ((s + 1) % 20 === 0 || s + 1 === opts.steps) { onProgress?.(s + 1, opts.steps); await yieldToEventLoop(); }
    }
    const final = objective();
    const loss = (await final.data())[0];
    final.dispose();
    const folded = foldStandardisation(await w.data() as Float32Array, await b.data() as Float32Array, mean, std, d, classes);
    return { ...folded, loss };
  } finally {
    tf.dispose([z, y, w, b]);
    optimizer.dispose();
  }
}

/** Head over raw features from W [d, classes] and b over standardised ones: weight [classes, d], bias [classes]. */
function foldStandardisation(w: Float32Array, b: Float32Array, mean: Float32Array, std: Float32Array, d: number,
  classes: number): { weight: Float32Array; bias: Float32Array } {
  const weight = new Float32Array(classes * d);
  const bias = Float32Array.from(b);
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < classes; k++) {
      const v = w[j * classes + k] / std[j];
      weight[k * d + j] = v;
      bias[k] -= mean[j] * v;
    }
  }
  return { weight, bias };
}

/** Top-1 accuracy 0..1 of a head (weight [classes, d], bias) on row-major features [n, d] against labels [n]. */
export function headAccuracy(head: { weight: Float32Array; bias: Float32Array }, features: Float32Array, labels: Int32Array, d: number): number {
  const classes = head.bias.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = -Infinity;
    let arg = -1;
    for (let k = 0; k < classes; k++) {
      let s = head.bias[k];
      for (let j = 0; j < d; j++) s += head.weight[k * d + j] * features[i * d + j];
      if (s > best) { best = s; arg = k; }
    }
    if (arg === labels[i]) correct++;
  }
  return labels.length > 0 ? correct / labels.length : 0;
}
