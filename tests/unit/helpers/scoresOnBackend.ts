/** Score training of one model on a chosen Node backend, for backend-agreement tests. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { useNodeBackend } from '../../../src/cli/nodeBackend';
import type { ImageDataset } from '../../../src/data/imageDataset';
import { GATE_NAMES } from '../../../src/model/gateLayout';
import type { HostTensors } from '../../../src/model/hostTensor';
import type { VitConfig } from '../../../src/model/vitConfig';
import { disposeVitParams, vitParams } from '../../../src/model/vitParams';
import { trainScores } from '../../../src/train/scoreTraining';

/** Every score after 3 steps (batch 8, lr 0.05, no augmentation) on `backend`, flattened; checks no tensor leaks. */
export async function scoresOnBackend(cfg: VitConfig, tensors: HostTensors, ds: ImageDataset, backend: 'cpu' | 'wasm'): Promise<number[]> {
  expect((await useNodeBackend(backend)).backend).toBe(backend);
  const params = vitParams(cfg, tensors);
  const before = tf.memory().numTensors;
  const r = await trainScores(params, ds, { steps: 3, batchSize: 8, lr: 0.05, augment: null });
  expect(tf.memory().numTensors).toBe(before);
  disposeVitParams(params);
  return r.scores.blocks.flatMap((blk) => GATE_NAMES.flatMap((g) => Array.from(blk[g])));
}
