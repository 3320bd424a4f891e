import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { useColumnGather } from '../../src/model/kernels/wasmColumnGather';
import { columnSelection, selectColumns } from '../../src/model/layerOps';
import { seededNormal } from '../../src/model/vitInit';

beforeAll(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  expect(useColumnGather()).toBe(true);
  expect(useColumnGather()).toBe(true); // idempotent
});

const case_ = fc.record({
  M: fc.integer({ min: 1, max: 9 }), D: fc.integer({ min: 1, max: 17 }),
  picks: fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), seed: fc.integer({ min: 0, max: 1e6 }),
});

describe('the column gather for the wasm backend', () => {
  it('equals x[r][index[j]] read element by element, repeated and unordered indices included', () => {
    fc.assert(fc.property(case_, ({ M, D, picks, seed }) => {
      const x = Float32Array.from({ length: M * D }, seededNormal(seed));
      const index = picks.map((p) => p % D);
      const before = tf.memory().numTensors;
      const y = tf.tidy(() => tf.gather(tf.tensor2d(x, [M, D]), tf.tensor1d(index, 'int32'), 1));
      expect(y.shape).toEqual([M, index.length]);
      const got = y.dataSync();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
      for (let r = 0; r < M; r++) index.forEach((c, j) => expect(got[r * index.length + j]).toBe(x[r * D + c]));
    }), { numRuns: 60 });
  });

  it('leaves other gathers (rows, rank 3) to the original kernel, with the same results as the cpu backend', async () => {
    const x = Float32Array.from({ length: 2 * 5 * 3 }, seededNormal(3));
    const run = () => tf.tidy(() => [
      tf.gather(tf.tensor2d(x, [10, 3]), tf.tensor1d([4, 0, 9], 'int32'), 0).dataSync(),
      tf.gather(tf.tensor3d(x, [2, 5, 3]), tf.tensor1d([2, 2, 0], 'int32'), 2).dataSync(),
    ]);
    const wasm = run();
    await tf.setBackend('cpu');
    const cpu = run();
    await tf.setBackend('wasm');
    expect(wasm).toEqual(cpu);
  });

  it('rejects an index outside the gathered axis', () => {
    expect(() => tf.tidy(() => tf.gather(tf.zeros([2, 4]), tf.tensor1d([1, 4], 'int32'), 1).dataSync())).toThrow(/index value 4/);
  });

  it("gives selectColumns the same gradient as the cpu backend's", async () => {
    const x = Float32Array.from({ length: 6 * 8 }, seededNormal(9));
    const w = Float32Array.from({ length: 5 }, seededNormal(10));
    const grad = () => tf.tidy(() => {
      const sel = columnSelection([7, 0, 3, 4, 6], 8);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(selectColumns(t as tf.Tensor2D, sel), w)))(tf.tensor2d(x, [6, 8]));
      return g.dataSync();
    });
    const wasm = grad();
    await tf.setBackend('cpu');
    const cpu = grad();
    await tf.setBackend('wasm');
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });
});
