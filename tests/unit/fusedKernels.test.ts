/**
 * The fused SIMD kernels of the wasm backend (src/model/kernels/fusedOps.wat: GELU, LayerNorm, gate
 * product; forward and gradient) against the same functions on the cpu backend, where they run as
 * plain tfjs ops; and the plain fallback on wasm for widths the kernels do not take.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useNodeBackend } from '../../src/cli/nodeBackend';
import { gateMul } from '../../src/model/gateMul';
import { geluErf } from '../../src/model/gelu';
import { FUSED, hasFusedKernel } from '../../src/model/kernels/wasmFusedKernels';
import { layerNorm } from '../../src/model/layerNorm';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { randomDataset } from '../../bench/scoreStep';
import { maxAbsDiff } from './helpers/backend';
import { scoresOnBackend } from './helpers/scoresOnBackend';
import { randomData } from './helpers/syntheticCheckpoint';

/** Forward value and the gradients of sum(f(...inputs) * w) for every input, read back. */
type Probe = (backend: 'cpu' | 'wasm') => Promise<Float32Array[]>;

/** Runs f on fresh tensors built from host arrays on `backend`: [value, ...grads], checking no tensor leaks. */
async function valueAndGrads(backend: 'cpu' | 'wasm', inputs: { data: Float32Array; shape: number[] }[], wData: Float32Array,
  f: (...xs: tf.Tensor[]) => tf.Tensor): Promise<Float32Array[]> {
  expect((await useNodeBackend(backend)).backend).toBe(backend);
  const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
  const before = tf.memory().numTensors;
  const value = tf.tidy(() => f(...xs));
  const w = tf.tensor(wData, value.shape);
  const grads = tf.grads((...a: tf.Tensor[]) => tf.sum(tf.mul(f(...a), w)))(xs);
  const out = [await value.data() as Float32Array, ...await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>))];
  tf.dispose([value, w, ...grads]);
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose(xs);
  return out;
}

/** Largest |wasm - cpu| / (1 + |cpu|) over the value and every gradient. */
async function wasmAgainstCpu(probe: Probe): Promise<number[]> {
  const wasm = await probe('wasm');
  const cpu = await probe('cpu');
  return wasm.map((a, i) => maxAbsDiff(a.map((v, j) => v / (1 + Math.abs(cpu[i][j]))), cpu[i].map((v) => v / (1 + Math.abs(v)))));
}

beforeAll(async () => { await useNodeBackend('wasm'); });
afterAll(async () => { await tf.setBackend('cpu'); });

describe('fused SIMD kernels on wasm', () => {
  it('are registered for wasm only, so other backends compose the same maths from tfjs ops', async () => {
    await useNodeBackend('wasm');
    const x = tf.zeros([2, 4]);
    expect(Object.values(FUSED).every((k) => hasFusedKernel(k, x))).toBe(true);
    expect(hasFusedKernel(FUSED.gelu, tf.zeros([2], 'int32'))).toBe(false);
    await useNodeBackend('cpu');
    expect(hasFusedKernel(FUSED.gelu, x)).toBe(false);
    x.dispose();
  });

  it('GELU: value and gradient equal the cpu backend within 1e-6, from -12 to 12 (odd length, zero, ±0.5)', async () => {
    const n = 4099; // not a multiple of 4: the kernel's scratch tail must not leak into the result
    const x = Float32Array.from(randomData(n, 21), (v, i) => (i < 3 ? [0, 0.5, -0.5][i] : v * 12));
    const diffs = await wasmAgainstCpu((b) => valueAndGrads(b, [{ data: x, shape: [n] }], randomData(n, 22), geluErf));
    console.log(`GELU max rel. diff: value ${diffs[0].toExponential(2)}, grad ${diffs[1].toExponential(2)}`);
    diffs.forEach((d) => expect(d).toBeLessThan(1e-6));
  });

  it('LayerNorm (frozen gamma/beta): value and input gradient equal the cpu backend within 1e-5', async () => {
    const [rows, D] = [37, 128];
    const x = Float32Array.from(randomData(rows * D, 31), (v, i) => v * 4 + (i % 7)); // rows with offsets
    const gamma = tf.tensor1d(randomData(D, 32));
    const beta = tf.tensor1d(randomData(D, 33));
    const probe: Probe = async (b) => {
      await useNodeBackend(b);
      const g = tf.tensor1d(await gamma.data()), be = tf.tensor1d(await beta.data());
      try { return await valueAndGrads(b, [{ data: x, shape: [rows, D] }], randomData(rows * D, 34), (t) => layerNorm(t, g, be, 1e-6)); }
      finally { tf.dispose([g, be]); }
    };
    const diffs = await wasmAgainstCpu(probe);
    console.log(`LayerNorm max rel. diff: value ${diffs[0].toExponential(2)}, grad ${diffs[1].toExponential(2)}`);
    diffs.forEach((d) => expect(d).toBeLessThan(1e-5));
    tf.dispose([gamma, beta]);
  });

  it('gate product: value and both gradients (activations and gate, summed over 3200 rows) equal the cpu backend within 1e-5', async () => {
    const [rows, C] = [3200, 36];
    const x = randomData(rows * C, 41), gate = randomData(C, 42);
    const diffs = await wasmAgainstCpu((b) => valueAndGrads(b, [{ data: x, shape: [rows, C] }, { data: gate, shape: [C] }],
      randomData(rows * C, 43), (a, g) => gateMul(a as tf.Tensor2D, g as tf.Tensor1D)));
    console.log(`gate product max rel. diff: value ${diffs[0].toExponential(2)}, dx ${diffs[1].toExponential(2)}, dgate ${diffs[2].toExponential(2)}`);
    diffs.forEach((d) => expect(d).toBeLessThan(1e-5));
  });

  it('widths that are not a multiple of 4 take the plain ops on wasm and agree with cpu', async () => {
    const [rows, D] = [5, 6];
    const x = randomData(rows * D, 51), gamma = randomData(D, 52), beta = randomData(D, 53);
    const diffs = await wasmAgainstCpu(async (b) => {
      await useNodeBackend(b);
      const g = tf.tensor1d(gamma), be = tf.tensor1d(beta);
      try {
        return await valueAndGrads(b, [{ data: x, shape: [rows, D] }, { data: gamma, shape: [D] }], randomData(rows * D, 54),
          (a, s) => gateMul(layerNorm(a, g, be, 1e-5) as tf.Tensor2D, s as tf.Tensor1D));
      } finally { tf.dispose([g, be]); }
    });
    diffs.forEach((d) => expect(d).toBeLessThan(1e-5));
  });

  it('score training on wasm (fused kernels, SIMD matmul, shared Identity) gives the cpu backend\'s scores within 1e-4, leaking no tensor', async () => {
    const cfg = vitConfig({ imageSize: [8, 8], patchSize: 4, inChans: 1, embedDim: 16, depth: 2, numHeads: 2, mlpHidden: 32, numClasses: 3 });
    const tensors = randomVitTensors(cfg, { seed: 5, weightStd: 0.3, biasStd: 0.1 });
    const ds = randomDataset(cfg, 24);
    const wasm = await scoresOnBackend(cfg, tensors, ds, 'wasm');
    const cpu = await scoresOnBackend(cfg, tensors, ds, 'cpu');
    const diff = maxAbsDiff(wasm, cpu);
    console.log(`score training wasm vs cpu: max |Δ score| ${diff.toExponential(2)} over ${cpu.length} scores`);
    expect(Math.max(...cpu.map((v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3); // the steps moved the scores
    expect(diff).toBeLessThan(1e-4);
  });
});
