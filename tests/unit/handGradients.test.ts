/**
 * The hand-written gradients (GELU, LayerNorm with frozen affine) on every backend Node has (cpu, wasm),
 * against tfjs's autodiff of the plain formulas on the same backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { geluErf } from '../../src/model/gelu';
import { layerNorm } from '../../src/model/layerNorm';
import { maxAbsDiff } from './helpers/backend';
import { randomData } from './helpers/syntheticCheckpoint';

afterAll(async () => { await tf.setBackend('cpu'); });

/** Gradient of sum(f(x) * w) with respect to x, read back. */
async function gradOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, w: tf.Tensor): Promise<Float32Array> {
  const g = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(f(input), w)))(x);
  const data = (await g.data()) as Float32Array;
  g.dispose();
  return data;
}

describe.each(['cpu', 'wasm'] as const)('hand-written gradients on %s', (name) => {
  it('GELU and LayerNorm match autodiff of the plain formulas, without leaking tensors', async () => {
    const active = await useNodeBackend(name);
    if (active.backend !== name) { console.warn(`skipped on ${name}: ${active.note}`); return; }
    const shape = [3, 5, 24];
    const size = shape.reduce((a, b) => a * b, 1);
    const x = tf.tensor(randomData(size, 11), shape).mul(3);
    const w = tf.tensor(randomData(size, 12), shape);
    const gamma = tf.tensor1d(randomData(24, 13));
    const beta = tf.tensor1d(randomData(24, 14));
    const before = tf.memory().numTensors;

    const geluPlain = (t: tf.Tensor) => tf.mul(tf.mul(t, 0.5), tf.add(tf.erf(tf.div(t, Math.SQRT2)), 1));
    const geluDiff = maxAbsDiff(await gradOf(geluErf, x, w), await gradOf(geluPlain, x, w));
    const lnPlain = (t: tf.Tensor) => {
      const { mean, variance } = tf.moments(t, -1, true); // [3, 5, 1]
      return tf.add(tf.mul(tf.div(tf.sub(t, mean), tf.sqrt(tf.add(variance, 1e-6))), gamma), beta);
    };
    const lnDiff = maxAbsDiff(await gradOf((t) => layerNorm(t, gamma, beta, 1e-6), x, w), await gradOf(lnPlain, x, w));
    console.log(`${name}: max |Δ| GELU grad ${geluDiff.toExponential(2)}, LayerNorm grad ${lnDiff.toExponential(2)}`);
    expect(geluDiff).toBeLessThan(1e-5);
    expect(lnDiff).toBeLessThan(1e-4);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, gamma, beta]);
  });
});
