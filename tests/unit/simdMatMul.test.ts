import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { simdMatMul } from '../../src/model/kernels/simdMatMul';
import { useSimdBatchMatMul } from '../../src/model/kernels/wasmBatchMatMul';
import { seededNormal } from '../../src/model/vitInit';

const root = new URL('../../', import.meta.url).pathname;

/** op(a) · op(b) in float64 loops: the independent reference. */
function referenceMatMul(a: ArrayLike<number>, b: ArrayLike<number>, batch: number, M: number, K: number, N: number, tA: boolean, tB: boolean): Float64Array {
  const out = new Float64Array(batch * M * N);
  for (let p = 0; p < batch; p++) for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const av = tA ? a[p * K * M + k * M + i] : a[p * M * K + i * K + k];
      const bv = tB ? b[p * N * K + j * K + k] : b[p * K * N + k * N + j];
      s += av * bv;
    }
    out[p * M * N + i * N + j] = s;
  }
  return out;
}

/** Largest |x - y| / (1 + |y|). */
function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < y.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return m;
}

const shape = fc.record({
  outer: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 2 }),
  M: fc.integer({ min: 1, max: 19 }), K: fc.integer({ min: 1, max: 19 }), N: fc.integer({ min: 1, max: 19 }),
  tA: fc.boolean(), tB: fc.boolean(), seed: fc.integer({ min: 0, max: 1e6 }),
});

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  expect(useSimdBatchMatMul()).toBe(true);
});

describe('the SIMD batched matmul for the wasm backend', () => {
  it('is compiled from the committed .wat (tools/build_wasm_kernels.mjs --check)', () => {
    expect(() => execFileSync('node', ['tools/build_wasm_kernels.mjs', '--check'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('matches float64 loops for every transpose, odd sizes and 0-2 batch axes (rel. error <= 1e-5)', () => {
    fc.assert(fc.property(shape, ({ outer, M, K, N, tA, tB, seed }) => {
      const batch = outer.reduce((p, n) => p * n, 1);
      const normal = seededNormal(seed);
      const a = Float32Array.from({ length: batch * M * K }, normal);
      const b = Float32Array.from({ length: batch * K * N }, normal);
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => tf.matMul(
        tf.tensor(a, [...outer, tA ? K : M, tA ? M : K]), // [..., M, K] or [..., K, M]
        tf.tensor(b, [...outer, tB ? N : K, tB ? K : N]), // [..., K, N] or [..., N, K]
        tA, tB));
      expect(y.shape).toEqual([...outer, M, N]);
      const got = y.dataSync();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(maxRelDiff(got, referenceMatMul(a, b, batch, M, K, N, tA, tB))).toBeLessThan(1e-5);
    }), { numRuns: 150 });
  });

  it('gives attention-shaped gradients equal to the reference kernels (cpu backend) within 1e-4', async () => {
    const normal = seededNormal(3);
    const q = Float32Array.from({ length: 2 * 3 * 7 * 5 }, normal); // [2, 3, 7, 5]
    const k = Float32Array.from({ length: 2 * 3 * 7 * 5 }, normal);
    const grads = async (): Promise<Float32Array[]> => {
      const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.softmax(tf.matMul(x, y, false, true)), y))));
      const out = g([tf.tensor(q, [2, 3, 7, 5]), tf.tensor(k, [2, 3, 7, 5])]);
      const data = await Promise.all(out.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(out);
      return data;
    };
    const simd = await grads();
    await tf.setBackend('cpu');
    const reference = await grads();
    await tf.setBackend('wasm');
    simd.forEach((g, i) => expect(maxRelDiff(g, reference[i])).toBeLessThan(1e-4));
  });

  it('runs fused products with a bias row (and leaves relu to the original kernel) equal to float64 loops', () => {
    // relu only untransposed: tfjs's own transposed fused kernel indexes the bias by the flat output index
    fc.assert(fc.property(shape, fc.boolean(), ({ M, K, N, tA: ta, tB: tb, seed }, relu) => {
      const tA = ta && !relu, tB = tb && !relu;
      const normal = seededNormal(seed);
      const a = Float32Array.from({ length: M * K }, normal), b = Float32Array.from({ length: K * N }, normal);
      const bias = Float32Array.from({ length: N }, normal);
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => tf.fused.matMul({
        a: tf.tensor2d(a, tA ? [K, M] : [M, K]), b: tf.tensor2d(b, tB ? [N, K] : [K, N]), bias: tf.tensor1d(bias),
        transposeA: tA, transposeB: tB, activation: relu ? 'relu' : 'linear',
      }));
      const got = y.dataSync();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      const ref = referenceMatMul(a, b, 1, M, K, N, tA, tB).map((v, i) => { const z = v + bias[i % N]; return relu ? Math.max(z, 0) : z; });
      expect(maxRelDiff(got, ref)).toBeLessThan(1e-5);
    }), { numRuns: 60 });
  });

  it('leaves broadcast batch axes to the original kernel, with correct results', () => {
    const a = tf.tensor(Float32Array.from({ length: 2 * 3 * 4 }, seededNormal(1)), [2, 3, 4]); // [2, 3, 4]
    const b = tf.tensor(Float32Array.from({ length: 4 * 5 }, seededNormal(2)), [1, 4, 5]); // [1, 4, 5]: broadcast
    const y = tf.matMul(a, b);
    expect(y.shape).toEqual([2, 3, 5]);
    const a0 = a.dataSync(), b0 = b.dataSync();
    const ref = referenceMatMul([...a0], [...b0, ...b0], 2, 3, 4, 5, false, false);
    expect(maxRelDiff(y.dataSync(), ref)).toBeLessThan(1e-5);
    tf.dispose([a, b, y]);
  });

  it('has a relaxed-SIMD (fused multiply-add) variant, used where V8 validates it; both variants match float64 loops', () => {
    setFlagsFromString('--experimental-wasm-relaxed-simd'); // as useNodeBackend does
    const fma = simdMatMul()!, plain = simdMatMul(true)!;
    expect([fma.fma, plain.fma]).toEqual([true, false]);
    fc.assert(fc.property(shape, ({ M, K, N, tA, tB, seed }) => {
      const normal = seededNormal(seed);
      const a = Float32Array.from({ length: 3 * M * K }, normal), b = Float32Array.from({ length: 3 * K * N }, normal);
      const bias = Float32Array.from({ length: N }, normal);
      const ref = referenceMatMul(a, b, 3, M, K, N, tA, tB).map((v, i) => v + bias[i % N]);
      for (const simd of [fma, plain]) {
        const out = new Float32Array(3 * M * N);
        simd.run(a, b, out, { batch: 3, M, K, N, transposeA: tA, transposeB: tB }, bias);
        expect(maxRelDiff(out, ref)).toBeLessThan(1e-5);
      }
    }), { numRuns: 80 });
  });

  it('grows its memory for large operands and runs them (64 images x 4 heads of 50 x 32)', () => {
    const simd = simdMatMul()!;
    const dims = { batch: 256, M: 50, K: 32, N: 50, transposeA: false, transposeB: true };
    const normal = seededNormal(9);
    const a = Float32Array.from({ length: 256 * 50 * 32 }, normal);
    const b = Float32Array.from({ length: 256 * 50 * 32 }, normal);
    const out = new Float32Array(256 * 50 * 50);
    simd.run(a, b, out, dims);
    expect(maxRelDiff(out, referenceMatMul(a, b, 256, 50, 32, 50, false, true))).toBeLessThan(1e-5);
  });
});
