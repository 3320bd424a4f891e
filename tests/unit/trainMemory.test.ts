import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { vitConfig } from '../../src/model/vitConfig';
import { randomVitTensors } from '../../src/model/vitInit';
import { disposeVitParams, vitParams } from '../../src/model/vitParams';
import { vitLogits } from '../../src/model/vitForward';
import { GATE_NAMES, gateLengths, type BlockGates } from '../../src/model/vitGates';
import { useSimdBatchMatMul } from '../../src/model/kernels/wasmBatchMatMul';
import { stepBytesPerImage, trainMemoryProblem } from '../../src/train/trainMemory';
import { assertTrainingFits } from '../../src/worker/memoryGuard';

const demo = vitConfig({ imageSize: [28, 28], patchSize: 4, inChans: 1, embedDim: 128, depth: 6, numHeads: 4, mlpHidden: 512, numClasses: 10 });
const deitBase = vitConfig({ imageSize: [224, 224], patchSize: 16, inChans: 3, embedDim: 768, depth: 12, numHeads: 12, mlpHidden: 3072, numClasses: 1000 });

beforeAll(async () => {
  useSimdBatchMatMul();
  await tf.setBackend('wasm');
  await tf.ready();
});

describe('training memory on the WASM backend', () => {
  it('estimates at least the measured peak of a demo-model score-training step, and at most 1.5x it', async () => {
    const cfg = demo;
    const params = vitParams(cfg, randomVitTensors(cfg, { seed: 2, weightStd: 0.1, biasStd: 0.01 }));
    const gates = Array.from({ length: cfg.depth }, (_, i) => Object.fromEntries(GATE_NAMES.map((g) => [g, tf.variable(tf.ones([gateLengths(cfg, i)[g]]))])) as Record<string, tf.Variable>);
    const batch = 8;
    const x = tf.randomNormal([batch, 1, 28, 28], 0, 1, 'float32', 3) as tf.Tensor4D;
    const target = tf.oneHot(tf.zeros([batch], 'int32'), 10);
    const base = tf.memory().numBytes;
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(target, vitLogits(params, x, gates as unknown as BlockGates[])) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
      return tf.scalar(0);
    });
    const measured = (info.peakBytes - base) / batch;
    expect(stepBytesPerImage(cfg)).toBeGreaterThanOrEqual(measured);
    expect(stepBytesPerImage(cfg)).toBeLessThanOrEqual(1.5 * measured);
    tf.dispose([x, target, ...gates.flatMap((g) => Object.values(g))]);
    disposeVitParams(params);
  });

  it('lets the demo model train at batch 64 and refuses DeiT-Base at 64 with the largest batch that fits', () => {
    expect(trainMemoryProblem(demo, 1_199_882, 64, false)).toBeNull();
    const problem = trainMemoryProblem(deitBase, 86_567_656, 64, false)!;
    expect(problem).toMatch(/^batch size 64 needs about \d+\.\d GB .* at most \d,/);
    expect(trainMemoryProblem(deitBase, 86_567_656, Number(/at most (\d+)/.exec(problem)![1]), false)).toBeNull();
    expect(() => assertTrainingFits('wasm', deitBase, 64, false)).toThrow(/^Batch size 64 needs about/);
    expect(() => assertTrainingFits('webgpu', deitBase, 64, false)).not.toThrow();
  });
});
